/* Booted by tests/integration/imagefs.sh with the files of this folder
 * (uk.yaml there): the image's files as the root, read-only, with /tmp,
 * /dev, /proc and generated /etc files beside its own, and the default
 * environment. Prints what the script compares. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

static void list(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	printf("%s:", dir);
	while (d && (e = readdir(d)))
		printf(" %s%s", e->d_name, e->d_type == DT_DIR ? "/" : e->d_type == DT_LNK ? "@" : "");
	printf("\n");
	if (d)
		closedir(d);
}

static void cat(const char *path)
{
	char buf[512];
	int fd = open(path, O_RDONLY);
	long n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("%s: %s", path, n < 0 ? "unreadable\n" : buf);
	if (fd >= 0)
		close(fd);
}

static void err(const char *what, int r)
{
	printf("%s: %s\n", what, r < 0 ? strerror(errno) : "ok");
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	const char *vars[] = {"PATH", "HOME", "USER", "LOGNAME", "TERM", "GREETING"};
	for (unsigned i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		printf("%s=%s\n", vars[i], getenv(vars[i]) ? getenv(vars[i]) : "(unset)");
	list("/");
	list("/srv");
	list("/etc");
	struct stat st;
	if (!stat("/srv/data.txt", &st))
		printf("data.txt: mode %o uid %u gid %u size %ld mtime %ld nlink %lu\n",
		       (unsigned)st.st_mode, st.st_uid, st.st_gid, (long)st.st_size, (long)st.st_mtime,
		       (unsigned long)st.st_nlink);
	if (!lstat("/srv/link", &st))
		printf("link: mode %o size %ld\n", (unsigned)st.st_mode, (long)st.st_size);
	char target[64];
	long n = readlink("/srv/link", target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = 0;
	printf("link -> %s\n", target);
	cat("/srv/link");
	cat("/srv/sub/deep.txt");
	cat("/etc/passwd");
	cat("/etc/hosts");
	printf("pread at 3: ");
	int fd = open("/srv/data.txt", O_RDONLY);
	char buf[8] = {0};
	printf("%ld %.4s\n", (long)pread(fd, buf, 4, 3), buf);
	printf("lseek end: %ld\n", (long)lseek(fd, 0, SEEK_END));
	char *m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	printf("mmap private: %.14s, then zero %d\n", m == MAP_FAILED ? strerror(errno) : m,
	       m == MAP_FAILED ? -1 : m[15]);
	m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("mmap shared writable: %s\n", m == MAP_FAILED ? strerror(errno) : "mapped");
	close(fd);
	err("open O_WRONLY", open("/srv/data.txt", O_WRONLY));
	err("open O_RDWR|O_CREAT new", open("/srv/new.txt", O_RDWR | O_CREAT, 0644));
	err("mkdir", mkdir("/srv/newdir", 0755));
	err("unlink", unlink("/srv/data.txt"));
	err("rename", rename("/srv/data.txt", "/srv/moved.txt"));
	err("chmod", chmod("/srv/data.txt", 0600));
	err("symlink", symlink("x", "/srv/newlink"));
	err("truncate", truncate("/srv/data.txt", 0));
	err("open dir O_RDONLY", fd = open("/srv", O_RDONLY | O_DIRECTORY));
	close(fd);
	err("open missing", open("/srv/missing", O_RDONLY));
	err("open file/x", open("/srv/data.txt/x", O_RDONLY));
	err("write in /tmp", (fd = open("/tmp/imagefs.txt", O_RDWR | O_CREAT, 0644)) < 0 ? -1 :
			     (int)write(fd, "x", 1) - 1);
	struct statfs sf;
	if (!statfs("/", &sf))
		printf("statfs /: type %lx\n", (unsigned long)sf.f_type);
	err("chdir /srv/sub", chdir("/srv/sub"));
	char cwd[64];
	printf("getcwd: %s\n", getcwd(cwd, sizeof(cwd)) ? cwd : strerror(errno));
	cat("deep.txt");
	cat("../data.txt");
	cat("/proc/mounts");
	return 0;
}
