/* File descriptors: 0, 1 and 2 are the console; there is no file system
 * yet, so opening anything fails with ENOENT. */
#include "syscall.h"

#define TCGETS     0x5401
#define TIOCGWINSZ 0x5413
#define AT_EMPTY_PATH 0x1000
#define S_IFCHR    0020000

struct iovec {
	void *base;
	size_t len;
};

struct stat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	uint64_t times[6];
	int64_t reserved[3];
};
_Static_assert(sizeof(struct stat) == 144, "struct stat, x86_64");

static unsigned open_fds = 7; /* bit per console descriptor */

/* A buffer the program passed: inside RAM and not in page 0. Pages that
 * are not mapped (guards, holes below 1 MiB) are not looked up. */
static int bad_buffer(long p, long len)
{
	uint64_t a = (uint64_t)p, n = (uint64_t)len;
	return a < PAGE_SIZE || a + n < a || a + n > uk_ram_top;
}

static int is_console(long fd)
{
	return fd >= 0 && fd <= 2 && (open_fds >> fd) & 1;
}

SYSCALL(read)
{
	if (!is_console(a[0]))
		return -EBADF;
	if (!a[2])
		return 0;
	if (bad_buffer(a[1], a[2]))
		return -EFAULT;
	return (long)uk_console_read((char *)a[1], (size_t)a[2]);
}

SYSCALL(write)
{
	if (!is_console(a[0]))
		return -EBADF;
	if (a[2] && bad_buffer(a[1], a[2]))
		return -EFAULT;
	uk_plat_console_write((const char *)a[1], (size_t)a[2]);
	return a[2];
}

__uk_cold SYSCALL(readv)
{
	if (!is_console(a[0]))
		return -EBADF;
	const struct iovec *iov = (const void *)a[1];
	if (a[2] < 0 || bad_buffer(a[1], a[2] * (long)sizeof(*iov)))
		return -EFAULT;
	for (long i = 0; i < a[2]; i++) /* one line at most, like a tty */
		if (iov[i].len)
			return bad_buffer((long)iov[i].base, (long)iov[i].len)
				       ? -EFAULT
				       : (long)uk_console_read(iov[i].base, iov[i].len);
	return 0;
}

SYSCALL(writev)
{
	if (!is_console(a[0]))
		return -EBADF;
	const struct iovec *iov = (const void *)a[1];
	long n = 0;
	if (a[2] < 0 || bad_buffer(a[1], a[2] * (long)sizeof(*iov)))
		return -EFAULT;
	for (long i = 0; i < a[2]; i++)
		if (iov[i].len && bad_buffer((long)iov[i].base, (long)iov[i].len))
			return -EFAULT;
	for (long i = 0; i < a[2]; i++) {
		uk_plat_console_write(iov[i].base, iov[i].len);
		n += (long)iov[i].len;
	}
	return n;
}

SYSCALL(open)
{
	(void)a;
	return -ENOENT;
}

SYSCALL(openat)
{
	(void)a;
	return -ENOENT;
}

__uk_cold SYSCALL(close)
{
	if (!is_console(a[0]))
		return -EBADF;
	open_fds &= ~(1u << a[0]);
	return 0;
}

__uk_cold SYSCALL(lseek)
{
	return is_console(a[0]) ? -ESPIPE : -EBADF;
}

__uk_cold SYSCALL(fstat)
{
	if (!is_console(a[0]))
		return -EBADF;
	struct stat *st = (struct stat *)a[1];
	uk_memset(st, 0, sizeof(*st));
	st->mode = S_IFCHR | 0620;
	st->nlink = 1;
	st->rdev = (4 << 8) | 64; /* like /dev/ttyS0 */
	st->blksize = 1024;
	return 0;
}

__uk_cold SYSCALL(newfstatat)
{
	const char *path = (const char *)a[1];
	if ((a[3] & AT_EMPTY_PATH) && path && !*path)
		return sys_fstat((const long[]){a[0], a[2]});
	return -ENOENT;
}

__uk_cold SYSCALL(ioctl)
{
	if (!is_console(a[0]))
		return -EBADF;
	switch (a[1]) {
	case TIOCGWINSZ: {
		uint16_t *ws = (uint16_t *)a[2];
		ws[0] = 24; /* rows, columns, pixels */
		ws[1] = 80;
		ws[2] = ws[3] = 0;
		return 0;
	}
	case TCGETS:
		uk_memset((void *)a[2], 0, 36); /* the kernel's struct termios: modes off */
		return 0;
	default:
		return -ENOTTY;
	}
}
