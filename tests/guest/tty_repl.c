/* A prompt and read(2), the way a REPL reads: on a terminal each read is
 * one edited line (or what ^D pushed), and ^D at a line's start ends it.
 * From a pipe or file (the guest harness), reads return what is there at
 * the moment, which depends on timing: then what arrived is printed once,
 * at the end of file. */
#include <stdio.h>
#include <unistd.h>

static void show(const char *buf, long n)
{
	printf("got %ld [", n);
	for (long i = 0; i < n; i++)
		printf(buf[i] == '\n' ? "\\n" : (unsigned char)buf[i] < 32 ? "^%c" : "%c",
		       buf[i] < 32 ? buf[i] + 64 : buf[i]);
	printf("]\n");
}

int main(void)
{
	char buf[256];
	long n;
	setvbuf(stdout, 0, _IONBF, 0);
	if (!isatty(0)) {
		long have = 0;
		while (have < (long)sizeof buf && (n = read(0, buf + have, sizeof buf - have)) > 0)
			have += n;
		printf("> ");
		if (have) {
			show(buf, have);
			printf("> ");
		}
		n = n < 0 ? n : 0;
	} else {
		for (;;) {
			printf("> ");
			if ((n = read(0, buf, sizeof buf)) <= 0)
				break;
			show(buf, n);
		}
	}
	printf("bye %ld\n", n);
	return 0;
}
