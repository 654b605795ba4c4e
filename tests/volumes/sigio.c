/* 9p file I/O while a periodic SIGALRM (SA_RESTART, every millisecond)
 * keeps becoming pending during the requests, for volumes.sh: 16 MiB
 * written in 64 KiB writes with an fsync every MiB, then read back and
 * compared. The runtime waits for each request without the signal ending
 * the wait (uk_wait_nointr: it halts instead of spinning) and the program
 * gets its ticks after the calls. Prints what both runs print alike. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define CHUNK 65536
#define CHUNKS 256

static volatile int ticks;

static void on_alarm(int sig)
{
	(void)sig;
	ticks++;
}

static void fill(unsigned char *b, int i)
{
	for (int k = 0; k < CHUNK; k++)
		b[k] = (unsigned char)(i * 131 + k * 7);
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {{0, 1000}, {0, 1000}}, off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &it, NULL);
	static unsigned char buf[CHUNK], want[CHUNK];
	char path[512];
	snprintf(path, sizeof(path), "%s/sigio.bin", argc > 1 ? argv[1] : ".");
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror("open");
		return 1;
	}
	long wrote = 0, same = 0;
	for (int i = 0; i < CHUNKS; i++) {
		fill(buf, i);
		wrote += write(fd, buf, CHUNK);
		if (i % 16 == 15 && fsync(fd))
			perror("fsync");
	}
	lseek(fd, 0, SEEK_SET);
	for (int i = 0; i < CHUNKS; i++) {
		fill(want, i);
		long n = 0;
		for (long r; n < CHUNK && (r = read(fd, buf + n, CHUNK - n)) > 0;)
			n += r;
		same += n == CHUNK && !memcmp(buf, want, CHUNK);
	}
	close(fd);
	setitimer(ITIMER_REAL, &off, NULL);
	printf("wrote %ld bytes, %ld of %d chunks read back the same, ticks: %s\n", wrote, same,
	       CHUNKS, ticks > 0 ? "some" : "none");
	return 0;
}
