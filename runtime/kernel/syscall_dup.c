/* Optional (SYS_OPT_LIST): dup, dup2, dup3, fcntl, close_range. */
#include "file.h"
#include "syscall.h"

#define F_DUPFD   0
#define F_GETFD   1
#define F_SETFD   2
#define F_GETFL   3
#define F_SETFL   4
#define F_GETLK   5
#define F_SETLK   6
#define F_SETLKW  7
#define F_SETOWN  8
#define F_GETOWN  9
#define F_OFD_GETLK  36
#define F_OFD_SETLK  37
#define F_OFD_SETLKW 38
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#define FD_CLOEXEC 1
#define CLOSE_RANGE_CLOEXEC (1u << 2)
#define CLOSE_RANGE_UNSHARE (1u << 1)
#define file_of uk_fd_get

SYSCALL(close_range)
{
	unsigned long lo = (unsigned long)a[0], hi = (unsigned long)a[1];
	if (lo > hi || (a[2] & ~(long)(CLOSE_RANGE_CLOEXEC | CLOSE_RANGE_UNSHARE)))
		return -EINVAL;
	if (hi >= UK_FD_LIMIT * 64ul)
		hi = UK_FD_LIMIT * 64ul;
	for (unsigned long fd = lo; fd <= hi; fd++) {
		if (!uk_fd_get((long)fd))
			continue;
		if (a[2] & CLOSE_RANGE_CLOEXEC)
			uk_fd_set_flags((long)fd, uk_fd_flags((long)fd) | UK_FD_CLOEXEC);
		else
			uk_fd_close((long)fd);
	}
	return 0;
}

static long dup_to(long oldfd, long newfd, unsigned fdflags)
{
	struct uk_file *f = file_of(oldfd);
	if (!f)
		return -EBADF;
	return uk_fd_install_at(uk_file_get(f), newfd, fdflags);
}

SYSCALL(dup)
{
	struct uk_file *f = file_of(a[0]);
	if (!f)
		return -EBADF;
	long fd = uk_fd_install(uk_file_get(f), 0, 0);
	if (fd < 0)
		uk_file_put(f);
	return fd;
}

SYSCALL(dup2)
{
	if (!file_of(a[0]))
		return -EBADF;
	if (a[0] == a[1])
		return a[1];
	return dup_to(a[0], a[1], 0);
}

SYSCALL(dup3)
{
	if (a[2] & ~(long)UK_O_CLOEXEC)
		return -EINVAL;
	if (a[0] == a[1])
		return -EINVAL;
	return dup_to(a[0], a[1], (a[2] & UK_O_CLOEXEC) ? UK_FD_CLOEXEC : 0);
}

/* Record locks (fcntl F_*LK, OFD locks): the file system provides them;
 * without it, descriptors take none. */
__attribute__((weak)) long uk_file_lock(struct uk_file *f, long cmd, long arg)
{
	(void)f, (void)cmd, (void)arg;
	return -EINVAL;
}

/* Pipes (pipe.c, group event) answer F_GETPIPE_SZ and F_SETPIPE_SZ;
 * without them nothing is a pipe. */
__attribute__((weak)) long uk_pipe_fcntl(struct uk_file *f, long cmd, unsigned long arg);

SYSCALL(fcntl)
{
	struct uk_file *f = file_of(a[0]);
	if (!f)
		return -EBADF;
	long fd;
	switch (a[1]) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (a[2] < 0 || a[2] >= (long)uk_fd_limit)
			return -EINVAL;
		fd = uk_fd_install(uk_file_get(f), a[2], a[1] == F_DUPFD ? 0 : UK_FD_CLOEXEC);
		if (fd < 0)
			uk_file_put(f);
		return fd;
	case F_GETFD:
		return (uk_fd_flags(a[0]) & UK_FD_CLOEXEC) ? FD_CLOEXEC : 0;
	case F_SETFD:
		uk_fd_set_flags(a[0], (a[2] & FD_CLOEXEC) ? UK_FD_CLOEXEC : 0);
		return 0;
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		f->flags = (f->flags & ~(uint32_t)UK_O_SETFL_MASK) | ((uint32_t)a[2] & UK_O_SETFL_MASK);
		return 0;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return uk_file_lock(f, a[1], a[2]);
	case F_SETPIPE_SZ:
	case F_GETPIPE_SZ:
		return uk_pipe_fcntl ? uk_pipe_fcntl(f, a[1], (unsigned long)a[2]) : -EBADF;
	case F_GETOWN:
		return 0;
	case F_SETOWN:
		return 0;
	default:
		return -EINVAL;
	}
}

