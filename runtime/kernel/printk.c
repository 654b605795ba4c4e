/* Formatted console output for the runtime's own messages (crash reports,
 * strace, bootstats). Formats into a small buffer, flushed when full. */
#include "kernel.h"

struct out {
	char buf[128];
	size_t n;
};

__uk_cold static void put(struct out *o, char c)
{
	if (o->n == sizeof(o->buf)) {
		uk_plat_console_write(o->buf, o->n);
		o->n = 0;
	}
	o->buf[o->n++] = c;
}

__uk_cold static void put_num(struct out *o, uint64_t v, unsigned base, int neg, int width, char pad)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	for (; width > n; width--)
		put(o, pad);
	while (n)
		put(o, tmp[--n]);
}

__uk_cold void uk_vprintk(const char *fmt, va_list ap)
{
	struct out o;
	o.n = 0;
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		char pad = ' ';
		int width = 0, lng = 0;
		if (*fmt == '0')
			pad = '0', fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l')
			lng = 1, fmt++;
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int len = (int)uk_strlen(s);
			for (; width > len; width--)
				put(&o, ' ');
			while (*s)
				put(&o, *s++);
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 'd': {
			int64_t v = lng ? va_arg(ap, long) : va_arg(ap, int);
			put_num(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0, width, pad);
			break;
		}
		case 'u':
			put_num(&o, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, 0,
				width, pad);
			break;
		case 'x':
			put_num(&o, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, 0,
				width, pad);
			break;
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, (uint64_t)va_arg(ap, void *), 16, 0, width, pad);
			break;
		case '\0':
			fmt--;
			break;
		default:
			put(&o, *fmt);
		}
	}
	if (o.n)
		uk_plat_console_write(o.buf, o.n);
}

__uk_cold void uk_printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	uk_vprintk(fmt, ap);
	va_end(ap);
}
