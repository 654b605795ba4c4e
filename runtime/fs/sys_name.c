/* Calls that make or remove names: mkdir, mknod, symlink, link, unlink,
 * rmdir, rename, each with its *at form. The checks come in Linux's
 * order (fs/namei.c): the kind of the last name, existence, trailing
 * slashes, then EROFS. */
#include "vfs_impl.h"

#define RENAME_WHITEOUT 4u

static int dots(const char *name)
{
	return name[0] == '/' || uk_streq(name, ".") || uk_streq(name, "..");
}

/* The name as it is in dir, without crossing what is mounted on it. */
static long raw_lookup(struct uk_node *dir, const char *name, struct uk_node **out)
{
	if (!dir->ops->lookup)
		return -ENOTDIR;
	return dir->ops->lookup(dir, name, out);
}

static int busy(struct uk_node *n)
{
	return uk_vfs_mounted(n) || n == n->fs->root;
}

/* Where a new name goes (Linux's filename_create): *dir referenced. */
static long new_name(long dirfd, long path, int is_dir, struct uk_node **dir,
		     char name[UK_NAME_MAX + 1])
{
	int slash;
	long e = uk_vfs_walk_parent(dirfd, (const char *)path, dir, name, &slash);
	if (e)
		return e;
	struct uk_node *n;
	if (dots(name))
		e = -EEXIST;
	else if (!(e = raw_lookup(*dir, name, &n))) {
		uk_node_put(n);
		e = -EEXIST;
	} else if (e == -ENOENT) {
		e = slash && !is_dir ? -ENOENT : uk_vfs_writable(*dir);
	}
	if (e)
		uk_node_put(*dir);
	return e;
}

static long mkdir_at(long dirfd, long path, long mode)
{
	struct uk_node *dir, *n;
	char name[UK_NAME_MAX + 1];
	long e = new_name(dirfd, path, 1, &dir, name);
	if (e)
		return e;
	e = dir->ops->mkdir ? dir->ops->mkdir(dir, name, (uint32_t)mode & 01777 & ~uk_vfs_umask, &n)
			    : -EPERM;
	if (!e)
		uk_node_put(n);
	uk_node_put(dir);
	return e;
}

SYSCALL(mkdir)
{
	return mkdir_at(UK_AT_FDCWD, a[0], a[1]);
}

SYSCALL(mkdirat)
{
	return mkdir_at(a[0], a[1], a[2]);
}

static long mknod_at(long dirfd, long path, long mode, long dev)
{
	uint32_t type = (uint32_t)mode & UK_S_IFMT;
	switch (type) {
	case 0:
		type = UK_S_IFREG;
		/* fall through */
	case UK_S_IFREG:
	case UK_S_IFCHR:
	case UK_S_IFBLK:
	case UK_S_IFIFO:
	case UK_S_IFSOCK:
		break;
	case UK_S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	struct uk_node *dir, *n;
	char name[UK_NAME_MAX + 1];
	long e = new_name(dirfd, path, 0, &dir, name);
	if (e)
		return e;
	uint32_t m = type | ((uint32_t)mode & 07777 & ~uk_vfs_umask);
	uint64_t rdev = (type == UK_S_IFCHR || type == UK_S_IFBLK) ? (uint64_t)(uint32_t)dev : 0;
	e = dir->ops->create ? dir->ops->create(dir, name, m, rdev, &n) : -EPERM;
	if (!e)
		uk_node_put(n);
	uk_node_put(dir);
	return e;
}

SYSCALL(mknod)
{
	return mknod_at(UK_AT_FDCWD, a[0], a[1], a[2]);
}

SYSCALL(mknodat)
{
	return mknod_at(a[0], a[1], a[2], a[3]);
}

static long symlink_at(long target, long dirfd, long path)
{
	char *t = uk_path_buf();
	if (!t)
		return -ENOMEM;
	long e = uk_path_copy(t, target);
	if (!e)
		e = -ENOENT;
	struct uk_node *dir, *n;
	char name[UK_NAME_MAX + 1];
	if (e > 0 && !(e = new_name(dirfd, path, 0, &dir, name))) {
		e = dir->ops->symlink ? dir->ops->symlink(dir, name, t, &n) : -EPERM;
		if (!e)
			uk_node_put(n);
		uk_node_put(dir);
	}
	uk_path_buf_free(t);
	return e > 0 ? 0 : e;
}

SYSCALL(symlink)
{
	return symlink_at(a[0], UK_AT_FDCWD, a[1]);
}

SYSCALL(symlinkat)
{
	return symlink_at(a[0], a[1], a[2]);
}

static long link_at(long olddir, long oldpath, long newdir, long newpath, long flags)
{
	if (flags & ~(long)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct uk_node *n, *dir;
	unsigned wf = ((flags & AT_SYMLINK_FOLLOW) ? 0 : UK_WALK_NOFOLLOW) |
		      ((flags & AT_EMPTY_PATH) ? UK_WALK_EMPTY : 0);
	long e = uk_vfs_walk(olddir, (const char *)oldpath, wf, &n);
	if (e)
		return e;
	char name[UK_NAME_MAX + 1];
	if (!(e = new_name(newdir, newpath, 0, &dir, name))) {
		if (dir->fs != n->fs)
			e = -EXDEV;
		else if (uk_is_dir(n))
			e = -EPERM;
		else
			e = dir->ops->link ? dir->ops->link(dir, name, n) : -EPERM;
		uk_node_put(dir);
	}
	uk_node_put(n);
	return e;
}

SYSCALL(link)
{
	return link_at(UK_AT_FDCWD, a[0], UK_AT_FDCWD, a[1], 0);
}

SYSCALL(linkat)
{
	return link_at(a[0], a[1], a[2], a[3], a[4]);
}

static long rmdir_at(long dirfd, long path)
{
	struct uk_node *dir, *n;
	char name[UK_NAME_MAX + 1];
	int slash;
	long e = uk_vfs_walk_parent(dirfd, (const char *)path, &dir, name, &slash);
	if (e)
		return e;
	if (name[0] == '/')
		e = -EBUSY;
	else if (uk_streq(name, "."))
		e = -EINVAL;
	else if (uk_streq(name, ".."))
		e = -ENOTEMPTY;
	else if (!(e = uk_vfs_writable(dir)) && !(e = raw_lookup(dir, name, &n))) {
		if (!uk_is_dir(n))
			e = -ENOTDIR;
		else if (busy(n))
			e = -EBUSY;
		else
			e = dir->ops->rmdir ? dir->ops->rmdir(dir, name) : -EPERM;
		uk_node_put(n);
	}
	uk_node_put(dir);
	return e;
}

static long unlink_at(long dirfd, long path)
{
	struct uk_node *dir, *n;
	char name[UK_NAME_MAX + 1];
	int slash;
	long e = uk_vfs_walk_parent(dirfd, (const char *)path, &dir, name, &slash);
	if (e)
		return e;
	if (dots(name))
		e = -EISDIR;
	else if (!(e = uk_vfs_writable(dir)) && !(e = raw_lookup(dir, name, &n))) {
		if (uk_is_dir(n))
			e = -EISDIR;
		else if (slash)
			e = -ENOTDIR;
		else
			e = dir->ops->unlink ? dir->ops->unlink(dir, name) : -EPERM;
		uk_node_put(n);
	}
	uk_node_put(dir);
	return e;
}

SYSCALL(rmdir)
{
	return rmdir_at(UK_AT_FDCWD, a[0]);
}

SYSCALL(unlink)
{
	return unlink_at(UK_AT_FDCWD, a[0]);
}

SYSCALL(unlinkat)
{
	if (a[2] & ~(long)AT_REMOVEDIR)
		return -EINVAL;
	return (a[2] & AT_REMOVEDIR) ? rmdir_at(a[0], a[1]) : unlink_at(a[0], a[1]);
}

static long rename_at(long olddfd, long oldpath, long newdfd, long newpath, unsigned flags)
{
	if (flags & ~(UK_RENAME_NOREPLACE | UK_RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & UK_RENAME_EXCHANGE) && (flags & (UK_RENAME_NOREPLACE | RENAME_WHITEOUT)))
		return -EINVAL;
	if (flags & RENAME_WHITEOUT)
		return -EINVAL;
	struct uk_node *od, *nd, *on = 0, *nn = 0;
	char oname[UK_NAME_MAX + 1], nname[UK_NAME_MAX + 1];
	int oslash, nslash;
	long e = uk_vfs_walk_parent(olddfd, (const char *)oldpath, &od, oname, &oslash);
	if (e)
		return e;
	if ((e = uk_vfs_walk_parent(newdfd, (const char *)newpath, &nd, nname, &nslash))) {
		uk_node_put(od);
		return e;
	}
	if (od->fs != nd->fs)
		e = -EXDEV;
	else if (dots(oname))
		e = -EBUSY;
	else if (dots(nname))
		e = (flags & UK_RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
	else if (!(e = uk_vfs_writable(od)) && !(e = raw_lookup(od, oname, &on))) {
		e = raw_lookup(nd, nname, &nn);
		if (e == -ENOENT && !(flags & UK_RENAME_EXCHANGE))
			e = 0, nn = 0;
		if (!e && nn && (flags & UK_RENAME_NOREPLACE))
			e = -EEXIST;
		if (!e && !uk_is_dir(on) &&
		    (oslash || (nslash && !(flags & UK_RENAME_EXCHANGE))))
			e = -ENOTDIR;
		if (!e && (busy(on) || (nn && busy(nn))))
			e = -EBUSY;
		if (!e)
			e = od->ops->rename ? od->ops->rename(od, oname, nd, nname, flags) : -EPERM;
	}
	if (on)
		uk_node_put(on);
	if (nn)
		uk_node_put(nn);
	uk_node_put(od);
	uk_node_put(nd);
	return e;
}

SYSCALL(rename)
{
	return rename_at(UK_AT_FDCWD, a[0], UK_AT_FDCWD, a[1], 0);
}

SYSCALL(renameat)
{
	return rename_at(a[0], a[1], a[2], a[3], 0);
}

SYSCALL(renameat2)
{
	return rename_at(a[0], a[1], a[2], a[3], (unsigned)a[4]);
}
