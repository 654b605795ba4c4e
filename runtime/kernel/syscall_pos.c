/* Optional (SYS_OPT_LIST): positioned reads and writes, truncation,
 * syncing and directory reading, on any descriptor. */
#include "file.h"
#include "syscall.h"

#define file_of uk_fd_get

static long check_pos(long pos, struct uk_file *f)
{
	if (!(f->ops->flags & UK_FILE_SEEKABLE))
		return -ESPIPE;
	return pos < 0 ? -EINVAL : 0;
}

SYSCALL(pread64)
{
	struct uk_file *f = file_of(a[0]);
	if (!f)
		return -EBADF;
	long e = check_pos(a[3], f);
	if (e)
		return e;
	if (a[2] && uk_bad_user(a[1], (uint64_t)a[2]))
		return -EFAULT;
	uint64_t off = (uint64_t)a[3];
	return uk_file_read(f, (void *)a[1], (size_t)a[2], &off);
}

SYSCALL(pwrite64)
{
	struct uk_file *f = file_of(a[0]);
	if (!f)
		return -EBADF;
	long e = check_pos(a[3], f);
	if (e)
		return e;
	if (a[2] && uk_bad_user(a[1], (uint64_t)a[2]))
		return -EFAULT;
	uint64_t off = (uint64_t)a[3];
	return uk_file_write(f, (const void *)a[1], (size_t)a[2], &off);
}

static long rw_vec_at(const long *a, int write)
{
	struct uk_file *f = file_of(a[0]);
	if (!f)
		return -EBADF;
	long e = check_pos(a[3], f);
	if (e)
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
