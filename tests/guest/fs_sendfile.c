/* sendfile without an offset to a non-blocking pipe that fills: the file's
 * position moves by what was sent, not by what was read and refused
 * (EAGAIN), as on Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

int main(void)
{
	static char block[256 * 1024];
	int p[2], fd;
	setvbuf(stdout, 0, _IONBF, 0);
	memset(block, 'x', sizeof block);
	if ((fd = open("/tmp/uk-guest-fs_sendfile", O_CREAT | O_TRUNC | O_RDWR, 0600)) < 0 ||
	    write(fd, block, sizeof block) != (ssize_t)sizeof block || lseek(fd, 0, SEEK_SET) != 0 ||
	    pipe2(p, O_NONBLOCK) != 0) {
		perror("setup");
		return 1;
	}
	long total = 0, n;
	int calls = 0;
	while ((n = sendfile(p[1], fd, 0, sizeof block)) > 0 && calls < 100) {
		total += n;
		calls++;
	}
	printf("sent %ld, then %ld %s\n", total, n, n < 0 ? strerror(errno) : "");
	printf("position %ld (equal to what was sent: %s)\n", (long)lseek(fd, 0, SEEK_CUR),
	       lseek(fd, 0, SEEK_CUR) == total ? "yes" : "no");
	/* drain and send the rest: nothing is lost or doubled */
	char buf[65536];
	long got = 0;
	while ((n = read(p[0], buf, sizeof buf)) > 0)
		got += n;
	while ((n = sendfile(p[1], fd, 0, sizeof block)) > 0) {
		total += n;
		while ((n = read(p[0], buf, sizeof buf)) > 0)
			got += n;
	}
	while ((n = read(p[0], buf, sizeof buf)) > 0)
		got += n;
	printf("in all %ld sent, %ld read\n", total, got);
	unlink("/tmp/uk-guest-fs_sendfile");
	return 0;
}
