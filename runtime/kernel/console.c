/* The console as an open file: descriptors 0, 1 and 2 at start. Output
 * goes to the platform console as written. Input goes through a line
 * discipline like a tty in canonical mode: bytes are kept until a newline
 * (a carriage return counts as one) and a read returns at most one line;
 * ^D at the start of a line is the end of file. Input is polled from the
 * platform console while a reader waits (wait.h). */
#include "errno.h"
#include "wait.h"

#define TCGETS     0x5401
#define TCSETS     0x5402
#define TCSETSW    0x5403
#define TCSETSF    0x5404
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define IN_SIZE    4096

/* the kernel's struct termios (asm-generic/termbits.h), 36 bytes */
struct ktermios {
	uint32_t iflag, oflag, cflag, lflag;
	uint8_t line, cc[19];
};
_Static_assert(sizeof(struct ktermios) == 36, "struct termios, x86_64");

static struct {
	char *buf;             /* IN_SIZE bytes, allocated by the first reader */
	unsigned head, tail;   /* ring: bytes [head, tail) */
	unsigned committed;    /* bytes from head that readers may take */
	unsigned eofs;         /* pending end-of-file marks */
	struct ktermios tio;
} in;

static unsigned used(void)
{
	return in.tail - in.head;
}

static void push(char c)
{
	if (used() < IN_SIZE)
		in.buf[in.tail++ % IN_SIZE] = c;
}

static void discipline(char c)
{
	if (c == 4 && in.committed == used()) { /* ^D at the start of a line */
		in.eofs++;
		return;
	}
	if (c == '\r')
		c = '\n';
	push(c);
	if (c == '\n' || used() == IN_SIZE)
		in.committed = used();
}

static void console_poll_input(void)
{
	int c;
	if (!in.buf && !(in.buf = uk_malloc(IN_SIZE)))
		return;
	while (used() < IN_SIZE && (c = uk_plat_console_getc()) >= 0)
		discipline((char)c);
}

static struct uk_poller input_poller = {.poll = console_poll_input};

static long console_read(struct uk_file *f, void *buf, size_t n, uint64_t off)
{
	(void)f, (void)off;
	uk_poller_add(&input_poller);
	console_poll_input();
	if (!in.committed) {
		if (in.eofs) {
			in.eofs--;
			return 0;
		}
		return -EAGAIN;
	}
	char *s = buf;
	size_t i = 0;
	while (i < n && in.committed) {
		char c = in.buf[in.head++ % IN_SIZE];
		in.committed--;
		s[i++] = c;
		if (c == '\n')
			break;
	}
	return (long)i;
}

static long console_write(struct uk_file *f, const void *buf, size_t n, uint64_t off)
{
	(void)f, (void)off;
	uk_plat_console_write(buf, n);
	return (long)n;
}

static unsigned console_poll(struct uk_file *f)
{
	(void)f;
	uk_poller_add(&input_poller);
	console_poll_input();
	return UK_POLLOUT | ((in.committed || in.eofs) ? UK_POLLIN : 0);
}

static long console_ioctl(struct uk_file *f, unsigned long cmd, long arg)
{
	(void)f;
	switch (cmd) {
	case TIOCGWINSZ: {
		uint16_t *ws = (uint16_t *)arg;
		ws[0] = 24; /* rows, columns, pixels */
		ws[1] = 80;
		ws[2] = ws[3] = 0;
		return 0;
	}
	case TIOCSWINSZ:
		return 0;
	case TCGETS:
		uk_memcpy((void *)arg, &in.tio, sizeof(in.tio));
		return 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		uk_memcpy(&in.tio, (const void *)arg, sizeof(in.tio));
		return 0;
	default:
		return -ENOTTY;
	}
}

static long console_stat(struct uk_file *f, struct uk_stat *st)
{
	(void)f;
	uk_stat_anon(st, UK_S_IFCHR | 0620, 3);
	st->rdev = (4 << 8) | 64; /* like /dev/ttyS0 */
	st->blksize = 1024;
	return 0;
}

static const struct uk_file_ops console_ops = {
	.read = console_read,
	.write = console_write,
	.ioctl = console_ioctl,
	.stat = console_stat,
	.poll = console_poll,
};

static struct uk_file console_file = {.ops = &console_ops, .refs = 1, .flags = UK_O_RDWR};

/* 0, 1 and 2 share one open file, as after a login; it is never freed. */
void uk_console_init_fds(void)
{
	for (long fd = 0; fd < 3; fd++)
		uk_fd_install_at(uk_file_get(&console_file), fd, 0);
}
