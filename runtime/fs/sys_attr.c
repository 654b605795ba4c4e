/* Attributes: chmod, chown, times (utimensat and the older forms),
 * truncate, fallocate. */
#include "vfs_impl.h"

#define UTIME_NOW  0x3fffffffl
#define UTIME_OMIT 0x3ffffffel
#define FALLOC_FL_KEEP_SIZE 1

/* Changes the attributes of a node (0 for a file without one: accepted). */
static long set(struct uk_node *n, struct uk_attr *at)
{
	if (!n)
		return 0;
	long e = uk_vfs_writable(n);
	if (e)
		return e;
	return n->ops->setattr ? n->ops->setattr(n, at) : -EPERM;
}

static long set_at(long dirfd, long path, unsigned wf, struct uk_attr *at)
{
	struct uk_node *n;
	long e = uk_vfs_walk(dirfd, (const char *)path, wf, &n);
	if (e)
		return e;
	e = set(n, at);
	uk_node_put(n);
	return e;
}

static long set_fd(long fd, struct uk_attr *at)
{
	struct uk_file *f = uk_fd_get(fd);
	if (!f || (f->flags & UK_O_PATH))
		return -EBADF;
	return set(uk_file_node(f), at);
}

static struct uk_attr mode_attr(long mode)
{
	return (struct uk_attr){.mask = UK_ATTR_MODE, .mode = (uint32_t)mode & 07777};
}

SYSCALL(chmod)
{
	struct uk_attr at = mode_attr(a[1]);
	return set_at(UK_AT_FDCWD, a[0], 0, &at);
}

SYSCALL(fchmod)
{
	struct uk_attr at = mode_attr(a[1]);
	return set_fd(a[0], &at);
}

SYSCALL(fchmodat)
{
	struct uk_attr at = mode_attr(a[2]);
	return set_at(a[0], a[1], 0, &at);
}

static struct uk_attr owner_attr(long uid, long gid)
{
	struct uk_attr at = {0};
	if ((uint32_t)uid != ~0u)
		at.mask |= UK_ATTR_UID, at.uid = (uint32_t)uid;
	if ((uint32_t)gid != ~0u)
		at.mask |= UK_ATTR_GID, at.gid = (uint32_t)gid;
	return at;
}

SYSCALL(chown)
{
	struct uk_attr at = owner_attr(a[1], a[2]);
	return set_at(UK_AT_FDCWD, a[0], 0, &at);
}

SYSCALL(lchown)
{
	struct uk_attr at = owner_attr(a[1], a[2]);
	return set_at(UK_AT_FDCWD, a[0], UK_WALK_NOFOLLOW, &at);
}

SYSCALL(fchown)
{
	struct uk_attr at = owner_attr(a[1], a[2]);
	struct uk_file *f = uk_fd_get(a[0]);
	if (!f)
		return -EBADF;
	return set(uk_file_node(f), &at);
}

SYSCALL(fchownat)
{
	if (a[4] & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct uk_attr at = owner_attr(a[2], a[3]);
	unsigned wf = ((a[4] & AT_SYMLINK_NOFOLLOW) ? UK_WALK_NOFOLLOW : 0) |
		      ((a[4] & AT_EMPTY_PATH) ? UK_WALK_EMPTY : 0);
	if ((a[4] & AT_EMPTY_PATH) && (int)a[0] != UK_AT_FDCWD && !uk_bad_user(a[1], 1) &&
	    !*(const char *)a[1]) {
		struct uk_file *f = uk_fd_get(a[0]);
		return f ? set(uk_file_node(f), &at) : -EBADF;
	}
	return set_at(a[0], a[1], wf, &at);
}

struct ts {
	int64_t sec, nsec;
};

/* times[2] (0: both now) to an attribute change; EINVAL for bad ns. */
static long times_attr(const struct ts *t, struct uk_attr *at)
{
	uint64_t now = uk_realtime_ns();
	struct ts n = {(int64_t)(now / 1000000000u), (int64_t)(now % 1000000000u)};
	struct ts v[2] = {n, n};
	*at = (struct uk_attr){.mask = UK_ATTR_ATIME | UK_ATTR_MTIME};
	for (int i = 0; t && i < 2; i++) {
		if (t[i].nsec == UTIME_OMIT)
			at->mask &= ~(unsigned)(i ? UK_ATTR_MTIME : UK_ATTR_ATIME);
		else if (t[i].nsec != UTIME_NOW && (t[i].nsec < 0 || t[i].nsec > 999999999))
			return -EINVAL;
		else if (t[i].nsec != UTIME_NOW)
			v[i] = t[i];
	}
	at->atime = v[0].sec, at->atime_ns = v[0].nsec;
	at->mtime = v[1].sec, at->mtime_ns = v[1].nsec;
	return 0;
}

static long utimens(long dirfd, long path, const struct ts *t, long flags)
{
	struct uk_attr at;
	long e = times_attr(t, &at);
	if (e)
		return e;
	if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!path) {
		if ((int)dirfd == UK_AT_FDCWD)
			return -EFAULT;
		struct uk_file *f = uk_fd_get(dirfd);
		if (!f)
			return -EBADF;
		return at.mask ? set(uk_file_node(f), &at) : 0;
	}
	unsigned wf = ((flags & AT_SYMLINK_NOFOLLOW) ? UK_WALK_NOFOLLOW : 0) |
		      ((flags & AT_EMPTY_PATH) ? UK_WALK_EMPTY : 0);
	struct uk_node *n;
	if ((e = uk_vfs_walk(dirfd, (const char *)path, wf, &n)))
		return e;
	e = at.mask ? set(n, &at) : 0;
	uk_node_put(n);
	return e;
}

SYSCALL(utimensat)
{
	if (a[2] && uk_bad_user(a[2], 2 * sizeof(struct ts)))
		return -EFAULT;
	return utimens(a[0], a[1], (const struct ts *)a[2], a[3]);
}

/* timeval pairs (utimes, futimesat): microseconds */
static long utimes_at(long dirfd, long path, long tv)
{
	struct ts t[2];
	if (tv) {
		if (uk_bad_user(tv, 2 * sizeof(struct ts)))
			return -EFAULT;
		const int64_t *v = (const int64_t *)tv;
		for (int i = 0; i < 2; i++) {
			if (v[2 * i + 1] < 0 || v[2 * i + 1] >= 1000000)
				return -EINVAL;
			t[i] = (struct ts){v[2 * i], v[2 * i + 1] * 1000};
		}
	}
	if (!path)
		return -EFAULT;
	return utimens(dirfd, path, tv ? t : 0, 0);
}

SYSCALL(utimes)
{
	return utimes_at(UK_AT_FDCWD, a[0], a[1]);
}

SYSCALL(futimesat)
{
	return utimes_at(a[0], a[1], a[2]);
}

SYSCALL(utime)
{
	struct ts t[2];
	if (a[1]) {
		if (uk_bad_user(a[1], 2 * sizeof(int64_t)))
			return -EFAULT;
		const int64_t *v = (const int64_t *)a[1];
		t[0] = (struct ts){v[0], 0};
		t[1] = (struct ts){v[1], 0};
	}
	return utimens(UK_AT_FDCWD, a[0], a[1] ? t : 0, 0);
}

SYSCALL(truncate)
{
	struct uk_node *n;
	long e = uk_vfs_walk(UK_AT_FDCWD, (const char *)a[0], 0, &n);
	if (e)
		return e;
	if (uk_is_dir(n))
		e = -EISDIR;
	else if ((n->mode & UK_S_IFMT) != UK_S_IFREG)
		e = -EINVAL;
	else if (a[1] < 0)
		e = -EINVAL;
	else if (!(e = uk_vfs_writable(n)))
		e = n->ops->truncate ? n->ops->truncate(n, (uint64_t)a[1]) : -EINVAL;
	uk_node_put(n);
	return e;
}

SYSCALL(fallocate)
{
	struct uk_file *f = uk_fd_get(a[0]);
	long mode = a[1], off = a[2], len = a[3];
	if (off < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~(long)FALLOC_FL_KEEP_SIZE)
		return -EOPNOTSUPP;
	if (!f || (f->flags & UK_O_ACCMODE) == UK_O_RDONLY || (f->flags & UK_O_PATH))
		return -EBADF;
	struct uk_node *n = uk_file_node(f);
	if (!n)
		return -ESPIPE;
	if (uk_is_dir(n))
		return -EISDIR;
	if ((n->mode & UK_S_IFMT) != UK_S_IFREG)
		return -ENODEV;
	if ((uint64_t)off + (uint64_t)len > 0x7fffffffffffffffull)
		return -EFBIG;
	long e = uk_tmpfs_fallocate(n, (uint64_t)off, (uint64_t)len);
	if (e)
		return e;
	struct uk_stat st;
	if (!(mode & FALLOC_FL_KEEP_SIZE) && !uk_vfs_getattr(n, &st) &&
	    (uint64_t)st.size < (uint64_t)(off + len))
		e = n->ops->truncate(n, (uint64_t)(off + len));
	return e;
}
