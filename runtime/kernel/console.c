/* The console as open files: descriptors 0, 1 and 2 at start, each a
 * terminal or not as uk.tty says (uk run tells which of its own are).
 * A terminal is the tty file: a character device with termios (tty.c).
 * Others are a pipe's ends: descriptor 0 reads the raw bytes, and under
 * uk.relay the relay's escapes (uk/cmdline.h) bring the end of file;
 * descriptors 1 and 2 write. All output goes to the platform console as
 * written (a terminal's output processing is the host's).
 *
 * Input (console_in.c, tty.c) is linked only into programs that read.*/
#include <uk/cmdline.h>

#include "console.h"
#include "errno.h"
#include "syscall.h"
#include "wait.h"

#define FIONREAD 0x541b

struct uk_console_in uk_in;

static struct uk_file tty_file, in_file;
/* console_in.c tells their watchers when input arrives */
struct uk_file *const uk_console_tty_file = &tty_file, *const uk_console_in_file = &in_file;

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
	if (f == uk_console_in_file && uk_console_pull)
		uk_console_pull();
	*(int *)arg = f == uk_console_in_file ? (int)uk_in_used() : 0;
	return 0;
}

static long pipe_stat(struct uk_file *f, struct uk_stat *s)
{
	uk_stat_anon(s, UK_S_IFIFO | 0600, f == uk_console_in_file ? 4 : 5);
	return 0;
}

/* Input is linked only into programs that read (console_in.c, tty.c:
 * runtime/link-if/console-in); without it there is nothing to read. */
static long pipe_read(struct uk_file *f, void *buf, size_t n, uint64_t off)
{
	return uk_console_in_read ? uk_console_in_read(f, buf, n, off) : 0;
}

static unsigned pipe_in_poll(struct uk_file *f)
{
	return uk_console_in_poll ? uk_console_in_poll(f) : UK_POLLHUP;
}

static long tty_read(struct uk_file *f, void *buf, size_t n, uint64_t off)
{
	if (!uk_in.tty)
		return pipe_read(f, buf, n, off);
	return uk_tty_read ? uk_tty_read(f, buf, n, off) : 0;
}

static unsigned tty_poll(struct uk_file *f)
{
	if (!uk_in.tty)
		return pipe_in_poll(f) | UK_POLLOUT;
	if (!uk_console_pull)
		return UK_POLLOUT;
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

/* Only the input side (console_in.c, tty.c) makes a read wait: its
 * pollers link wait.c, and so uk_wait_file, which is 0 without it. */
long uk_wait_file(struct uk_file *f, unsigned events, uint64_t deadline) __attribute__((weak));

static const struct uk_file_ops tty_ops = {
	.read = tty_read,
	.write = console_write,
	.ioctl = uk_tty_ioctl,
	.stat = tty_stat,
	.poll = tty_poll,
	.wait = uk_wait_file,
};

static const struct uk_file_ops pipe_in_ops = {
	.read = pipe_read,
	.ioctl = pipe_ioctl,
	.stat = pipe_stat,
	.poll = pipe_in_poll,
	.wait = uk_wait_file,
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
