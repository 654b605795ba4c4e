/* A prompt and read(2), the way a REPL reads: on a terminal each read is
 * one edited line (or what ^D pushed), and ^D at a line's start ends it. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	char buf[256];
	long n;
	setvbuf(stdout, 0, _IONBF, 0);
	for (;;) {
		printf("> ");
		if ((n = read(0, buf, sizeof buf)) <= 0)
			break;
		printf("got %ld [", n);
		for (long i = 0; i < n; i++)
			printf(buf[i] == '\n' ? "\\n" : (unsigned char)buf[i] < 32 ? "^%c" : "%c",
			       buf[i] < 32 ? buf[i] + 64 : buf[i]);
		printf("]\n");
	}
	printf("bye %ld\n", n);
	return 0;
}
