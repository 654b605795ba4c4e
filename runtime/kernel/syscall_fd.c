/* System calls on descriptors of any kind that every program links: read,
 * write, their vector forms, close, lseek, fstat, ioctl (file.h has the
 * open-file model; the optional ones are in syscall_dup.c and
 * syscall_pos.c). */
#include "file.h"
#include "syscall.h"

#define SEEK_SET  0
#define SEEK_CUR  1
#define SEEK_END  2
#define SEEK_DATA 3
#define SEEK_HOLE 4
#define FIONBIO  0x5421
#define FIONCLEX 0x5450
#define FIOCLEX  0x5451
#define FIOASYNC 0x5452
#define IOV_MAX 1024

struct iovec {
	void *base;
	size_t len;
};

#define file_of uk_fd_get

SYSCALL(read)
{
	struct uk_file *f = file_of(a[0]);
	if (!f)
		return -EBADF;
	if (a[2] && uk_bad_user(a[1], (uint64_t)a[2]))
		return -EFAULT;
	return uk_file_read(f, (void *)a[1], (size_t)a[2], 0);
}

SYSCALL(write)
{
	struct uk_file *f = file_of(a[0]);
	if (!f)
		return -EBADF;
	if (a[2] && uk_bad_user(a[1], (uint64_t)a[2]))
		return -EFAULT;
	return uk_file_write(f, (const void *)a[1], (size_t)a[2], 0);
}

/* The vector forms: one transfer per buffer until one comes up short.
 * Only the first may block; then O_NONBLOCK is in force, so that a
 * reader gets what is there (like Linux, which copies what is there). */
long uk_rw_vec(const long *a, int write, const uint64_t *off)
{
	struct uk_file *f = file_of(a[0]);
	if (!f)
		return -EBADF;
	/* a socket's message is the whole vector (one datagram); a socket
	 * exists only when socket.c is linked */
	if (f->ops->flags & UK_FILE_SOCKET)
		return uk_sock_rw_vec(a, write);
	const struct iovec *iov = (const void *)a[1];
	long cnt = a[2];
	if (cnt < 0 || cnt > IOV_MAX)
		return -EINVAL;
	if (cnt && uk_bad_user(a[1], (uint64_t)cnt * sizeof(*iov)))
		return -EFAULT;
	uint64_t total = 0;
	for (long i = 0; i < cnt; i++) {
		if (iov[i].len && uk_bad_user((long)iov[i].base, iov[i].len))
			return -EFAULT;
		total += iov[i].len;
		if ((int64_t)total < 0)
			return -EINVAL;
	}
	long done = 0;
	uint32_t saved = f->flags;
	for (long i = 0; i < cnt; i++) {
		if (!iov[i].len)
			continue;
		uint64_t pos = off ? *off + (uint64_t)done : 0;
		long r = write ? uk_file_write(f, iov[i].base, iov[i].len, off ? &pos : 0)
			       : uk_file_read(f, iov[i].base, iov[i].len, off ? &pos : 0);
		if (r < 0) {
			if (!done)
				done = r;
			break;
		}
		done += r;
		if ((size_t)r < iov[i].len)
			break;
		f->flags |= UK_O_NONBLOCK;
	}
	f->flags = (f->flags & ~UK_O_NONBLOCK) | (saved & UK_O_NONBLOCK);
	return done;
}

SYSCALL(readv)
{
	return uk_rw_vec(a, 0, 0);
}

SYSCALL(writev)
{
	return uk_rw_vec(a, 1, 0);
}

SYSCALL(close)
{
	return uk_fd_close(a[0]);
}

SYSCALL(lseek)
{
	struct uk_file *f = file_of(a[0]);
	if (!f)
		return -EBADF;
	if (!(f->ops->flags & UK_FILE_SEEKABLE))
		return -ESPIPE;
	int64_t off = a[1], base;
	struct uk_stat st = {0};
	switch (a[2]) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case SEEK_END:
	case SEEK_DATA:
	case SEEK_HOLE:
		if (!f->ops->stat || f->ops->stat(f, &st))
			return -EINVAL;
		if (a[2] == SEEK_END) {
			base = st.size;
			break;
		}
		/* no holes are kept: all of a file is data */
		if (off < 0 || off >= st.size)
			return -ENXIO;
		f->pos = (uint64_t)(a[2] == SEEK_DATA ? off : st.size);
		return (long)f->pos;
	default:
		return -EINVAL;
	}
	int64_t pos = base + off;
	if ((off > 0 && pos < base) || pos < 0)
		return -EINVAL;
	f->pos = (uint64_t)pos;
	return pos;
}

SYSCALL(fstat)
{
	struct uk_file *f = file_of(a[0]);
	if (!f)
		return -EBADF;
	if (uk_bad_user(a[1], sizeof(struct uk_stat)))
		return -EFAULT;
	uk_memset((void *)a[1], 0, sizeof(struct uk_stat));
	return f->ops->stat ? f->ops->stat(f, (struct uk_stat *)a[1]) : 0;
}

SYSCALL(ioctl)
{
	struct uk_file *f = file_of(a[0]);
	if (!f)
		return -EBADF;
	switch ((unsigned long)a[1]) {
	case FIONBIO:
		if (uk_bad_user(a[2], sizeof(int)))
			return -EFAULT;
		if (*(const int *)a[2])
			f->flags |= UK_O_NONBLOCK;
		else
			f->flags &= ~(uint32_t)UK_O_NONBLOCK;
		return 0;
	case FIOCLEX:
		uk_fd_set_flags(a[0], uk_fd_flags(a[0]) | UK_FD_CLOEXEC);
		return 0;
	case FIONCLEX:
		uk_fd_set_flags(a[0], uk_fd_flags(a[0]) & ~UK_FD_CLOEXEC);
		return 0;
	case FIOASYNC:
		return 0;
	}
	return f->ops->ioctl ? f->ops->ioctl(f, (unsigned long)a[1], a[2]) : -ENOTTY;
}

