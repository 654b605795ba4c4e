/* tmpfs workloads, timed from inside the program with CLOCK_MONOTONIC so
 * the same code measures a uk guest and a Linux process alike:
 *   write64-4k   write 64 MiB to /tmp/uk-bench in 4 KiB calls, fsync
 *   read64-4k    read it back in 4 KiB calls
 *   write64-1m   the same in 1 MiB calls
 *   read64-1m
 *   files10k     create, stat and unlink 10,000 files in one folder
 * Prints "NAME MS" lines and exits 0, or names the call that failed. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TOTAL (64u << 20)

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void rw(const char *path, size_t chunk, const char *wname, const char *rname)
{
	char *buf = malloc(chunk);
	if (!buf)
		die("malloc");
	memset(buf, 'u', chunk);
	double t0 = now_ms();
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0)
		die("open for writing");
	for (size_t done = 0; done < TOTAL; done += chunk)
		if (write(fd, buf, chunk) != (ssize_t)chunk)
			die("write");
	if (fsync(fd) || close(fd))
		die("fsync/close");
	double t1 = now_ms();
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("open for reading");
	size_t got = 0;
	ssize_t n;
	while ((n = read(fd, buf, chunk)) > 0)
		got += (size_t)n;
	if (n < 0 || got != TOTAL)
		die("read");
	close(fd);
	double t2 = now_ms();
	if (unlink(path))
		die("unlink");
	printf("%s %.1f\n%s %.1f\n", wname, t1 - t0, rname, t2 - t1);
	free(buf);
}

int main(void)
{
	const char *dir = "/tmp/uk-bench";
	char path[64];
	mkdir(dir, 0755);
	rw("/tmp/uk-bench/big", 4096, "write64-4k", "read64-4k");
	rw("/tmp/uk-bench/big", 1 << 20, "write64-1m", "read64-1m");
	double t0 = now_ms();
	for (int i = 0; i < 10000; i++) {
		snprintf(path, sizeof(path), "%s/f%05d", dir, i);
		int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0 || close(fd))
			die("create");
	}
	struct stat st;
	for (int i = 0; i < 10000; i++) {
		snprintf(path, sizeof(path), "%s/f%05d", dir, i);
		if (stat(path, &st))
			die("stat");
	}
	for (int i = 0; i < 10000; i++) {
		snprintf(path, sizeof(path), "%s/f%05d", dir, i);
		if (unlink(path))
			die("unlink");
	}
	printf("files10k %.1f\n", now_ms() - t0);
	if (rmdir(dir))
		die("rmdir");
	return 0;
}
