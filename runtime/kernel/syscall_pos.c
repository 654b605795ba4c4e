/* Group fd (sys_fd.h): positioned reads and writes, truncation,
 * syncing and directory reading, on any descriptor. */
#include "file.h"
#include "syscall.h"

#define file_of uk_fd_get

/* The descriptor of a positioned call (a[0], position a[3]), or 0 with
 * *e set: EBADF, ESPIPE for a stream, EINVAL for a negative position. */
static struct uk_file *positioned(const long *a, long *e)
{
	struct uk_file *f = file_of(a[0]);
	*e = !f ? -EBADF : !(f->ops->flags & UK_FILE_SEEKABLE) ? -ESPIPE : a[3] < 0 ? -EINVAL : 0;
	return *e ? 0 : f;
}

static long rw_at(const long *a, int write)
{
	long e;
	struct uk_file *f = positioned(a, &e);
	if (!f)
		return e;
	if (a[2] && uk_bad_user(a[1], (uint64_t)a[2]))
		return -EFAULT;
	uint64_t off = (uint64_t)a[3];
	return write ? uk_file_write(f, (const void *)a[1], (size_t)a[2], &off)
		     : uk_file_read(f, (void *)a[1], (size_t)a[2], &off);
}

SYSCALL(pread64)
{
	return rw_at(a, 0);
}

SYSCALL(pwrite64)
{
	return rw_at(a, 1);
}

static long rw_vec_at(const long *a, int write)
{
	long e;
	if (!positioned(a, &e))
		return e;
	uint64_t off = (uint64_t)a[3];
	return uk_rw_vec(a, write, &off);
}

SYSCALL(preadv)
{
	return rw_vec_at(a, 0);
}

SYSCALL(pwritev)
{
	return rw_vec_at(a, 1);
}

SYSCALL(ftruncate)
{
	struct uk_file *f = file_of(a[0]);
	if (!f)
		return -EBADF;
	if (a[1] < 0)
		return -EINVAL;
	if (!f->ops->truncate || (f->flags & UK_O_ACCMODE) == UK_O_RDONLY)
		return -EINVAL;
	return f->ops->truncate(f, (uint64_t)a[1]);
}

static long sync_fd(long fd)
{
	struct uk_file *f = file_of(fd);
	if (!f)
		return -EBADF;
	if (!f->ops->sync)
		return (f->ops->flags & UK_FILE_SEEKABLE) ? 0 : -EINVAL;
	return f->ops->sync(f);
}

SYSCALL(fsync)
{
	return sync_fd(a[0]);
}

SYSCALL(fdatasync)
{
	return sync_fd(a[0]);
}

SYSCALL(getdents64)
{
	struct uk_file *f = file_of(a[0]);
	if (!f)
		return -EBADF;
	if (!f->ops->getdents)
		return -ENOTDIR;
	if (uk_bad_user(a[1], (uint64_t)a[2]))
		return -EFAULT;
	return f->ops->getdents(f, (void *)a[1], (size_t)a[2]);
}
