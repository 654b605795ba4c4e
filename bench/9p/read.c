/* Reads FILE (argv[1]) in CHUNK-byte reads (argv[2], default 512 KiB)
 * and prints its size and the MB/s the reads took (guest clock). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t chunk = argc > 2 ? strtoul(argv[2], 0, 0) : 512 * 1024;
	char *buf = malloc(chunk);
	struct timespec a, b;
	unsigned long long total = 0, sum = 0;
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0 || !buf) {
		perror(argv[1]);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (;;) {
		ssize_t n = read(fd, buf, chunk);
		if (n <= 0)
			break;
		total += (unsigned long long)n;
		sum += (unsigned char)buf[n - 1];
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("read %llu bytes in %.3f s: %.1f MB/s (chunk %zu, check %llu)\n", total, s,
	       (double)total / 1e6 / s, chunk, sum);
	return 0;
}
