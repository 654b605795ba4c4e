/* Standard input line by line with read(2): each read's length and bytes
 * (a read returns at most a line on a terminal, what is there on a pipe:
 * so the lines are put together here), then the read of 0 at the end. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char buf[256], line[4096];
	size_t len = 0;
	long n, lines = 0;
	setvbuf(stdout, 0, _IONBF, 0);
	while ((n = read(0, buf, sizeof buf)) > 0) {
		for (long i = 0; i < n; i++) {
			if (len < sizeof line)
				line[len++] = buf[i];
			if (buf[i] == '\n') {
				printf("line %ld: %zu [%.*s]\n", ++lines, len, (int)len - 1, line);
				len = 0;
			}
		}
	}
	if (len)
		printf("last: %zu [%.*s]\n", len, (int)len, line);
	printf("read = %ld%s%s\n", n, n < 0 ? " " : "", n < 0 ? strerror(errno) : "");
	printf("again = %ld\n", (long)read(0, buf, sizeof buf));
	return 0;
}
