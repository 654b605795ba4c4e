/* The console as open files: descriptors 0, 1 and 2 at start, each a
 * terminal or not as uk.tty says (uk run tells which of its own are).
 * A terminal is the tty file: a character device with termios (tty.c).
 * Others are a pipe's ends: descriptor 0 reads the raw bytes, and under
 * uk.relay the relay's escapes (uk/cmdline.h) bring the end of file;
 * descriptors 1 and 2 write. All output goes to the platform console as
 * written (a terminal's output processing is the host's).
 *
 * Input waits in the platform (the UART's FIFO) until a reader or poll
 * takes it: when it raises an interrupt the halted CPU wakes for it,
 * otherwise a poller looks every millisecond while someone waits. */
#include <uk/cmdline.h>

#include "console.h"
#include "errno.h"
#include "syscall.h"
#include "wait.h"

#define FIONREAD 0x541b

struct uk_console_in uk_in;

static struct uk_file tty_file, in_file;

/* One input byte; under uk.relay, after its escapes are undone. */
static void receive(uint8_t c)
{
	if (uk_opt.relay) {
		if (uk_in.esc) {
			uk_in.esc = 0;
			if (c == UK_RELAY_SYNC)
				uk_in.synced = 1;
			if (c == UK_RELAY_EOF && uk_in.synced) {
				if (uk_in.tty)
					uk_tty_push();
				else
					uk_in.eof = 1;
			}
			if (c != UK_RELAY_ESC)
				return;
		} else if (c == UK_RELAY_ESC) {
			uk_in.esc = 1;
			return;
		}
		if (!uk_in.synced || uk_in.eof)
			return;
	}
	if (uk_in.tty)
		uk_tty_receive(c);
	else
		uk_in_put((char)c);
}

static void console_poll_input(void)
{
	uk_console_pull();
}

static struct uk_poller input_poller = {.poll = console_poll_input};

/* The first reader: where input is kept, and how it is noticed. */
__uk_cold static int start(void)
{
	if (!(uk_in.buf = uk_malloc(UK_IN_SIZE)))
		return 0;
	uk_in.started = 1;
	uk_in.synced = !uk_opt.relay;
	if (!uk_plat_console_input(uk_opt.relay))
		uk_poller_add(&input_poller);
	return 1;
}

void uk_console_pull(void)
{
	if (uk_in.pulling || (!uk_in.started && !start()))
		return;
	uk_in.pulling = 1;
	int c, got = 0;
	while (uk_in_used() < UK_IN_SIZE && (c = uk_plat_console_getc()) >= 0) {
		receive((uint8_t)c);
		got = 1;
	}
	if (got) { /* watchers (epoll) of either file */
		uk_file_notify(&in_file);
		uk_file_notify(&tty_file);
	}
	uk_in.pulling = 0;
}

static long pipe_read(struct uk_file *f, void *buf, size_t n, uint64_t off)
{
	(void)f, (void)off;
	uk_console_pull();
	size_t i = 0;
	for (char *s = buf; i < n && uk_in_used(); i++)
		s[i] = uk_in.buf[uk_in.head++ % UK_IN_SIZE];
	return i || !n || uk_in.eof ? (long)i : -EAGAIN;
}

static unsigned pipe_in_poll(struct uk_file *f)
{
	(void)f;
	uk_console_pull();
	return (uk_in_used() ? UK_POLLIN : 0) | (uk_in.eof ? UK_POLLHUP : 0);
}

static unsigned out_poll(struct uk_file *f)
{
	(void)f;
	return UK_POLLOUT;
}

static long console_write(struct uk_file *f, const void *buf, size_t n, uint64_t off)
{
	(void)f, (void)off;
	uk_plat_console_write(buf, n);
	return (long)n;
}

static long pipe_ioctl(struct uk_file *f, unsigned long cmd, long arg)
{
	if (cmd != FIONREAD)
		return -ENOTTY;
	if (uk_bad_user(arg, sizeof(int)))
		return -EFAULT;
	if (f == &in_file)
		uk_console_pull();
	*(int *)arg = f == &in_file ? (int)uk_in_used() : 0;
	return 0;
}

static long pipe_stat(struct uk_file *f, struct uk_stat *s)
{
	uk_stat_anon(s, UK_S_IFIFO | 0600, f == &in_file ? 4 : 5);
	return 0;
}

static long tty_read(struct uk_file *f, void *buf, size_t n, uint64_t off)
{
	return uk_in.tty ? uk_tty_read(f, buf, n, off) : pipe_read(f, buf, n, off);
}

static unsigned tty_poll(struct uk_file *f)
{
	if (!uk_in.tty)
		return pipe_in_poll(f) | UK_POLLOUT;
	uk_console_pull();
	return UK_POLLOUT | (uk_tty_readable() ? UK_POLLIN : 0);
}

static long tty_stat(struct uk_file *f, struct uk_stat *s)
{
	(void)f;
	uk_stat_anon(s, UK_S_IFCHR | 0620, 3);
	s->rdev = (4 << 8) | 64; /* like /dev/ttyS0 */
	s->blksize = 1024;
	return 0;
}

static const struct uk_file_ops tty_ops = {
	.read = tty_read,
	.write = console_write,
	.ioctl = uk_tty_ioctl,
	.stat = tty_stat,
	.poll = tty_poll,
};

static const struct uk_file_ops pipe_in_ops = {
	.read = pipe_read,
	.ioctl = pipe_ioctl,
	.stat = pipe_stat,
	.poll = pipe_in_poll,
};

static const struct uk_file_ops pipe_out_ops = {
	.write = console_write,
	.ioctl = pipe_ioctl,
	.stat = pipe_stat,
	.poll = out_poll,
};

/* Never freed: each holds a reference of its own. */
static struct uk_file tty_file = {.ops = &tty_ops, .refs = 1, .flags = UK_O_RDWR};
static struct uk_file in_file = {.ops = &pipe_in_ops, .refs = 1, .flags = UK_O_RDONLY};
static struct uk_file out_file = {.ops = &pipe_out_ops, .refs = 1, .flags = UK_O_WRONLY};

/* Terminals share the tty file, as after a login; 1 and 2 share the
 * pipe's write end when neither is a terminal. */
__uk_cold void uk_console_init_fds(void)
{
	uk_in.tty = uk_opt.tty & 1;
	uk_in.winsize[0] = uk_opt.rows;
	uk_in.winsize[1] = uk_opt.cols;
	/* echo only where it can be seen: uk run said descriptor 1 is a terminal */
	uk_tty_init(uk_opt.tty_given && (uk_opt.tty & 2));
	for (long fd = 0; fd < 3; fd++) {
		struct uk_file *f = uk_opt.tty & (1u << fd) ? &tty_file : fd ? &out_file : &in_file;
		uk_fd_install_at(uk_file_get(f), fd, 0);
	}
}

/* The console's terminal itself, for /dev/console and /dev/tty
 * (fs/devfs.c), whatever descriptors 0-2 have become since. */
struct uk_file *uk_console_file(void)
{
	return &tty_file;
}
