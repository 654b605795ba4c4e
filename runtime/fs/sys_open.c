/* open, creat, openat, memfd_create. */
#include "vfs_impl.h"

#define MFD_CLOEXEC       1u
#define MFD_ALLOW_SEALING 2u
#define MFD_HUGETLB       4u

static long install(struct uk_file *f, unsigned flags)
{
	long fd = uk_fd_install(f, 0, (flags & UK_O_CLOEXEC) ? UK_FD_CLOEXEC : 0);
	if (fd < 0)
		uk_file_put(f);
	return fd;
}

static long open_new(struct uk_node *n, unsigned flags, long *fd)
{
	struct uk_file *f;
	long e = uk_vfs_open_node(n, flags & ~(unsigned)UK_O_TRUNC, &f);
	uk_node_put(n);
	if (e)
		return e;
	*fd = install(f, flags);
	return 0;
}

/* O_CREAT: the name exists or is made in its directory. */
static long create(long dirfd, const char *path, unsigned flags, uint32_t mode, long *fd)
{
	struct uk_node *n, *dir;
	unsigned follow = (flags & (UK_O_NOFOLLOW | UK_O_EXCL)) ? UK_WALK_NOFOLLOW : 0;
	long e = uk_vfs_walk(dirfd, path, follow, &n);
	if (!e) {
		if (flags & UK_O_EXCL) {
			uk_node_put(n);
			return -EEXIST;
		}
		if (uk_is_dir(n)) {
			uk_node_put(n);
			return -EISDIR;
		}
		struct uk_file *f;
		e = uk_vfs_open_node(n, flags, &f);
		uk_node_put(n);
		if (!e)
			*fd = install(f, flags);
		return e;
	}
	if (e != -ENOENT)
		return e;
	char name[UK_NAME_MAX + 1];
	int slash;
	if ((e = uk_vfs_walk_parent(dirfd, path, &dir, name, &slash)))
		return e;
	if (slash || name[0] == '/' || uk_streq(name, ".") || uk_streq(name, ".."))
		e = -EISDIR;
	else if (!(e = uk_vfs_writable(dir)))
		e = dir->ops->create ? dir->ops->create(dir, name, UK_S_IFREG | (mode & 07777 & ~uk_vfs_umask), 0, &n) : -EPERM;
	uk_node_put(dir);
	return e ? e : open_new(n, flags, fd);
}

static long tmpfile(long dirfd, const char *path, unsigned flags, uint32_t mode, long *fd)
{
	unsigned acc = flags & UK_O_ACCMODE;
	if (acc != UK_O_WRONLY && acc != UK_O_RDWR)
		return -EINVAL;
	struct uk_node *dir, *n;
	long e = uk_vfs_walk(dirfd, path, UK_WALK_DIR, &dir);
	if (e)
		return e;
	if (!(e = uk_vfs_writable(dir)))
		e = uk_tmpfs_anon(dir, mode & ~uk_vfs_umask, &n);
	uk_node_put(dir);
	return e ? e : open_new(n, flags & ~(unsigned)UK_O_TMPFILE, fd);
}

static long do_open(long dirfd, long path, long flags, long mode)
{
	unsigned fl = (unsigned)flags;
	long fd = 0, e;
	if (fl & UK_O_PATH)
		fl &= UK_O_PATH | UK_O_DIRECTORY | UK_O_NOFOLLOW | UK_O_CLOEXEC;
	if ((fl & UK_O_TMPFILE) == UK_O_TMPFILE) {
		e = tmpfile(dirfd, (const char *)path, fl, (uint32_t)mode, &fd);
	} else if (fl & UK_O_CREAT) {
		e = create(dirfd, (const char *)path, fl, (uint32_t)mode, &fd);
	} else {
		struct uk_node *n;
		unsigned wf = ((fl & UK_O_NOFOLLOW) ? UK_WALK_NOFOLLOW : 0) |
			      ((fl & UK_O_DIRECTORY) ? UK_WALK_DIR : 0);
		e = uk_vfs_walk(dirfd, (const char *)path, wf, &n);
		if (!e) {
			struct uk_file *f;
			e = uk_vfs_open_node(n, fl, &f);
			uk_node_put(n);
			if (!e)
				fd = install(f, fl);
		}
	}
	return e ? e : fd;
}

SYSCALL(open)
{
	return do_open(UK_AT_FDCWD, a[0], a[1], a[2]);
}

SYSCALL(creat)
{
	return do_open(UK_AT_FDCWD, a[0], UK_O_CREAT | UK_O_WRONLY | UK_O_TRUNC, a[1]);
}

SYSCALL(openat)
{
	return do_open(a[0], a[1], a[2], a[3]);
}

/* memfd: a file without a name on a tmpfs of its own */
SYSCALL(memfd_create)
{
	static struct uk_node *memfs;
	unsigned flags = (unsigned)a[1];
	if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB))
		return -EINVAL;
	char *buf = uk_path_buf();
	if (!buf)
		return -ENOMEM;
	long len = uk_path_copy(buf, a[0]);
	uk_path_buf_free(buf);
	if (len == -ENAMETOOLONG || len > 249)
		return -EINVAL;
	if (len < 0)
		return len;
	if (!memfs) {
		if (!(memfs = uk_tmpfs_new()))
			return -ENOMEM;
		memfs->fs->root = memfs;
		memfs->fs->dev = uk_vfs_new_dev();
	}
	struct uk_node *n;
	long e = uk_tmpfs_anon(memfs, 0777, &n), fd = 0;
	if (!e)
		e = open_new(n, UK_O_RDWR | ((flags & MFD_CLOEXEC) ? UK_O_CLOEXEC : 0), &fd);
	return e ? e : fd;
}
