/* /proc/self: the link itself, exe, cwd, cmdline, comm, the fd folder
 * listing descriptors this program opened (with the targets Linux gives
 * too: paths, /dev/null, pipe:[...]), their link modes, and mounts. What
 * differs between a host and an image (pids, the executable's path, where
 * descriptors 0-2 go) is printed only as a property both share. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define TESTDIR "/tmp/proc_self.test"

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static long slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	long n = 0, r;
	while (n < (long)size && (r = read(fd, buf + n, size - n)) > 0) /* small reads on purpose */
		n += r;
	close(fd);
	return n;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, 0, _IONBF, 0);
	for (int fd = 3; fd < 1024; fd++)
		close(fd); /* what the test harness left open */
	char buf[4096], path[64];
	long n = readlink("/proc/self", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("/proc/self -> a number: %d\n", n > 0 && strspn(buf, "0123456789") == (size_t)n);
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	printf("/proc/self/exe absolute: %d\n", n > 1 && buf[0] == '/');

	show("chdir /tmp", chdir("/tmp"));
	n = readlink("/proc/self/cwd", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("/proc/self/cwd -> %s\n", buf);
	chdir("/");

	n = slurp("/proc/self/cmdline", buf, sizeof(buf));
	size_t first = strlen(buf) + 1;
	printf("cmdline: %ld strings after argv[0]:", (long)argc - 1);
	for (size_t i = first; i < (size_t)n; i += strlen(buf + i) + 1)
		printf(" '%s'", buf + i);
	printf("\n");
	n = slurp("/proc/self/comm", buf, sizeof(buf));
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	printf("comm is argv[0]'s name: %d\n", n > 1 && !strncmp(buf, base, n - 1 > 15 ? 15 : n - 1));

	/* known descriptors: 3 /dev/null, 4 and 5 a pipe, 6 a file, 7 a dup */
	unlink(TESTDIR "/f");
	rmdir(TESTDIR);
	mkdir(TESTDIR, 0755);
	show("open /dev/null", open("/dev/null", O_RDONLY));
	int p[2];
	show("pipe", pipe(p));
	show("open file", open(TESTDIR "/f", O_RDWR | O_CREAT, 0644));
	show("dup 6", dup(6));
	show("open O_WRONLY", open(TESTDIR "/f", O_WRONLY));
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	printf("listing:");
	while ((e = readdir(d)))
		if (atoi(e->d_name) != dirfd(d) && e->d_name[0] != '.')
			printf(" %s", e->d_name);
	printf("\n");
	closedir(d);
	for (int fd = 3; fd <= 8; fd++) {
		struct stat st;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		if (!strncmp(buf, "pipe:[", 6))
			strcpy(buf + 6, "N]");
		int l = lstat(path, &st);
		printf("fd %d -> %s (lstat %s, mode %o)\n", fd, n < 0 ? strerror(errno) : buf,
		       l ? strerror(errno) : S_ISLNK(st.st_mode) ? "link" : "other",
		       l ? 0 : (unsigned)(st.st_mode & 0777));
	}
	int kinds[3] = {eventfd(0, 0), timerfd_create(CLOCK_MONOTONIC, 0), epoll_create1(0)};
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", kinds[i]);
		n = readlink(path, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		printf("fd %d -> %s\n", kinds[i], n < 0 ? strerror(errno) : buf);
		close(kinds[i]);
	}
	struct stat st;
	show("stat /proc/self/fd/3 (follows)", stat("/proc/self/fd/3", &st));
	printf("a char device: %d\n", S_ISCHR(st.st_mode));
	show("open /proc/self/fd/6", open("/proc/self/fd/6", O_RDONLY));
	show("readlink fd/99", readlink("/proc/self/fd/99", buf, sizeof(buf)));
	show("open /proc/nothing", open("/proc/nothing", O_RDONLY));

	n = slurp("/proc/self/mounts", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("mounts has / and /proc: %d %d\n", strstr(buf, " / ") != 0, strstr(buf, " /proc proc ") != 0);
	n = slurp("/proc/mounts", path, sizeof(path));
	printf("/proc/mounts the same: %d\n", n > 0 && !strncmp(buf, path, n));
	unlink(TESTDIR "/f");
	rmdir(TESTDIR);
	return 0;
}
