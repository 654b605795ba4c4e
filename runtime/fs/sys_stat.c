/* stat and its kinds (stat, lstat, newfstatat, statx), access,
 * readlink, statfs. */
#include "vfs_impl.h"

#define AT_STATX_SYNC 0x6000

static long stat_at(long dirfd, long path, long buf, long flags)
{
	if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC))
		return -EINVAL;
	if (uk_bad_user(buf, sizeof(struct uk_stat)))
		return -EFAULT;
	struct uk_stat *st = (struct uk_stat *)buf;
	if ((flags & AT_EMPTY_PATH) && !uk_bad_user(path, 1) && !*(const char *)path &&
	    (int)dirfd != UK_AT_FDCWD)
		return sys_fstat((const long[]){dirfd, buf});
	struct uk_node *n;
	unsigned wf = ((flags & AT_SYMLINK_NOFOLLOW) ? UK_WALK_NOFOLLOW : 0) |
		      ((flags & AT_EMPTY_PATH) ? UK_WALK_EMPTY : 0);
	long e = uk_vfs_walk(dirfd, (const char *)path, wf, &n);
	if (e)
		return e;
	struct uk_stat k;
	e = uk_vfs_getattr(n, &k);
	uk_node_put(n);
	if (!e)
		*st = k;
	return e;
}

SYSCALL(stat)
{
	return stat_at(UK_AT_FDCWD, a[0], a[1], 0);
}

SYSCALL(lstat)
{
	return stat_at(UK_AT_FDCWD, a[0], a[1], AT_SYMLINK_NOFOLLOW);
}

SYSCALL(newfstatat)
{
	return stat_at(a[0], a[1], a[2], a[3]);
}

struct statx_ts {
	int64_t sec;
	uint32_t nsec;
	int32_t pad;
};

struct statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, pad0;
	uint64_t ino, size, blocks, attributes_mask;
	struct statx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare[14];
};
_Static_assert(sizeof(struct statx) == 256, "struct statx");

#define STATX_BASIC_STATS 0x7ffu
#define STATX_RESERVED    0x80000000u

static uint32_t major(uint64_t d)
{
	return (uint32_t)(((d >> 31 >> 1) & 0xfffff000u) | ((d >> 8) & 0xfffu));
}

static uint32_t minor(uint64_t d)
{
	return (uint32_t)(((d >> 12) & 0xffffff00u) | (d & 0xffu));
}

SYSCALL(statx)
{
	long flags = a[2];
	if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC) == AT_STATX_SYNC || ((uint32_t)a[3] & STATX_RESERVED))
		return -EINVAL;
	if (uk_bad_user(a[4], sizeof(struct statx)))
		return -EFAULT;
	struct uk_stat st;
	long e = stat_at(a[0], a[1], (long)&st, flags & ~(long)AT_STATX_SYNC);
	if (e)
		return e;
	struct statx *x = (struct statx *)a[4];
	uk_memset(x, 0, sizeof(*x));
	x->mask = STATX_BASIC_STATS;
	x->blksize = (uint32_t)st.blksize;
	x->nlink = (uint32_t)st.nlink;
	x->uid = st.uid;
	x->gid = st.gid;
	x->mode = (uint16_t)st.mode;
	x->ino = st.ino;
	x->size = (uint64_t)st.size;
	x->blocks = (uint64_t)st.blocks;
	x->atime = (struct statx_ts){st.atime, (uint32_t)st.atime_ns, 0};
	x->mtime = (struct statx_ts){st.mtime, (uint32_t)st.mtime_ns, 0};
	x->ctime = (struct statx_ts){st.ctime, (uint32_t)st.ctime_ns, 0};
	x->rdev_major = major(st.rdev);
	x->rdev_minor = minor(st.rdev);
	x->dev_major = major(st.dev);
	x->dev_minor = minor(st.dev);
	return 0;
}

#define R_OK 4
#define W_OK 2
#define X_OK 1

/* As root: read and write are granted (but EROFS), execute needs an x
 * bit on anything but a directory. */
static long access_at(long dirfd, long path, long mode, long flags)
{
	if (mode & ~7l)
		return -EINVAL;
	if (flags & ~(long)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct uk_node *n;
	unsigned wf = ((flags & AT_SYMLINK_NOFOLLOW) ? UK_WALK_NOFOLLOW : 0) |
		      ((flags & AT_EMPTY_PATH) ? UK_WALK_EMPTY : 0);
	long e = uk_vfs_walk(dirfd, (const char *)path, wf, &n);
	if (e)
		return e;
	uint32_t type = n->mode & UK_S_IFMT;
	if ((mode & W_OK) && (type == UK_S_IFREG || type == UK_S_IFDIR || type == UK_S_IFLNK))
		e = uk_vfs_writable(n);
	if (!e && (mode & X_OK) && type != UK_S_IFDIR && !(n->mode & 0111))
		e = -EACCES;
	uk_node_put(n);
	return e;
}

SYSCALL(access)
{
	return access_at(UK_AT_FDCWD, a[0], a[1], 0);
}

SYSCALL(faccessat)
{
	return access_at(a[0], a[1], a[2], 0);
}

SYSCALL(faccessat2)
{
	return access_at(a[0], a[1], a[2], a[3]);
}

static long readlink_at(long dirfd, long path, long buf, long size)
{
	if (size <= 0)
		return -EINVAL;
	struct uk_node *n;
	long e = uk_vfs_walk(dirfd, (const char *)path, UK_WALK_NOFOLLOW | UK_WALK_EMPTY, &n);
	if (e)
		return e;
	if (!uk_is_lnk(n) || !n->ops->readlink)
		e = -EINVAL;
	else if (uk_bad_user(buf, (uint64_t)size))
		e = -EFAULT;
	else
		e = n->ops->readlink(n, (char *)buf, (size_t)size);
	uk_node_put(n);
	return e;
}

SYSCALL(readlink)
{
	return readlink_at(UK_AT_FDCWD, a[0], a[1], a[2]);
}

SYSCALL(readlinkat)
{
	return readlink_at(a[0], a[1], a[2], a[3]);
}

#define ST_RDONLY 1
#define ST_VALID  0x20

static long statfs_node(struct uk_node *n, long buf)
{
	if (uk_bad_user(buf, sizeof(struct uk_statfs)))
		return -EFAULT;
	struct uk_statfs st = {0};
	struct uk_fs *fs = n ? n->fs : 0;
	long e = 0;
	if (fs) {
		st.type = fs->magic;
		if (fs->ops && fs->ops->statfs)
			e = fs->ops->statfs(fs, &st);
		st.fsid[0] = (int32_t)fs->dev;
		st.flags = ST_VALID | ((fs->flags & UK_MNT_RDONLY) ? ST_RDONLY : 0);
	} else {
		st.type = 0x1cd1; /* devpts: the console; pipes are not counted */
		st.bsize = PAGE_SIZE;
		st.flags = ST_VALID;
	}
	st.namelen = UK_NAME_MAX;
	st.frsize = st.bsize;
	if (!e)
		*(struct uk_statfs *)buf = st;
	return e;
}

SYSCALL(statfs)
{
	struct uk_node *n;
	long e = uk_vfs_walk(UK_AT_FDCWD, (const char *)a[0], 0, &n);
	if (e)
		return e;
	e = statfs_node(n, a[1]);
	uk_node_put(n);
	return e;
}

SYSCALL(fstatfs)
{
	struct uk_node *n;
	long e = uk_fd_node(a[0], &n);
	return e ? e : statfs_node(n, a[1]);
}
