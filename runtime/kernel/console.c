/* Console input, one line at a time like a tty in canonical mode: bytes up
 * to and including a newline, or until the buffer is full. Between bytes
 * the CPU polls for a moment (pasted or piped input arrives back to back),
 * then sleeps 1 ms at a time, so a program waiting for input leaves the
 * host CPU idle. ^D at the start of a line is the end of file. */
#include "kernel.h"

#define SPINS 200
#define NAP_NS 1000000

static int next_byte(void)
{
	for (;;) {
		for (int i = 0; i < SPINS; i++) {
			int c = uk_plat_console_getc();
			if (c >= 0)
				return c;
			__asm__ volatile("pause");
		}
		uk_sleep_until_ns(uk_monotonic_ns() + NAP_NS);
	}
}

size_t uk_console_read(char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		char c = (char)next_byte();
		if (c == 4 && i == 0)
			return 0;
		if (c == '\r')
			c = '\n';
		s[i++] = c;
		if (c == '\n')
			break;
	}
	return i;
}
