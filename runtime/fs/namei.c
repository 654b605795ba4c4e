/* The path walk: from the root or a starting directory, one name at a
 * time, through mount points both ways and symlinks (rewriting what
 * remains of the path), with Linux's rules for trailing slashes. */
#include "vfs_impl.h"

static char *pool[3];
static unsigned pooled;

char *uk_path_buf(void)
{
	return pooled ? pool[--pooled] : uk_malloc(UK_PATH_MAX);
}

void uk_path_buf_free(char *p)
{
	if (!p)
		return;
	if (pooled < ARRAY_SIZE(pool))
		pool[pooled++] = p;
	else
		uk_free(p);
}

long uk_path_copy(char *buf, long user)
{
	const char *s = (const char *)user;
	size_t i = 0;
	while (i < UK_PATH_MAX) {
		uint64_t at = (uint64_t)user + i;
		uint64_t chunk = PAGE_SIZE - (at & (PAGE_SIZE - 1));
		if (chunk > UK_PATH_MAX - i)
			chunk = UK_PATH_MAX - i;
		if (uk_bad_user((long)at, chunk))
			return -EFAULT;
		for (uint64_t end = i + chunk; i < end; i++)
			if (!(buf[i] = s[i]))
				return (long)i;
	}
	return -ENAMETOOLONG;
}

long uk_vfs_start(long dirfd, struct uk_node **out)
{
	dirfd = (int)dirfd; /* Linux takes descriptors as int */
	if (dirfd == UK_AT_FDCWD) {
		*out = uk_vfs_cwd();
		return 0;
	}
	struct uk_file *f = uk_fd_get(dirfd);
	if (!f)
		return -EBADF;
	struct uk_node *n = uk_file_node(f);
	if (!n || !uk_is_dir(n))
		return -ENOTDIR;
	*out = uk_node_get(n);
	return 0;
}

long uk_vfs_lookup(struct uk_node *dir, const char *name, struct uk_node **out)
{
	if (!uk_is_dir(dir))
		return -ENOTDIR;
	if (uk_streq(name, ".")) {
		*out = uk_node_get(dir);
		return 0;
	}
	if (uk_streq(name, "..")) {
		while (dir == dir->fs->root && dir->fs->covered)
			dir = dir->fs->covered;
		if (dir == uk_vfs_root()) {
			*out = uk_node_get(dir);
			return 0;
		}
	}
	if (!dir->ops->lookup)
		return -ENOTDIR;
	struct uk_node *n;
	long e = dir->ops->lookup(dir, name, &n);
	if (e)
		return e;
	for (struct uk_fs *m; (m = uk_vfs_mounted(n));) {
		uk_node_put(n);
		n = uk_node_get(m->root);
	}
	*out = n;
	return 0;
}

static void move(char *d, const char *s, size_t n)
{
	if (d < s)
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	else
		for (size_t i = n; i-- > 0;)
			d[i] = s[i];
}

struct walk {
	struct uk_node *cur; /* referenced */
	char *path;          /* what remains is rewritten in place */
	char *link;
	int links;
};

/* path becomes the symlink's target followed by what came after it. */
static long expand(struct walk *w, struct uk_node *lnk, char *rest)
{
	if (++w->links > UK_SYMLOOP_MAX)
		return -ELOOP;
	if (!w->link && !(w->link = uk_path_buf()))
		return -ENOMEM;
	if (!lnk->ops->readlink)
		return -EINVAL;
	long t = lnk->ops->readlink(lnk, w->link, UK_PATH_MAX);
	if (t < 0)
		return t;
	if (!t)
		return -ENOENT;
	size_t r = uk_strlen(rest);
	if ((size_t)t + r + 1 > UK_PATH_MAX)
		return -ENAMETOOLONG;
	move(w->path + t, rest, r + 1);
	uk_memcpy(w->path, w->link, (size_t)t);
	if (w->path[0] == '/') {
		uk_node_put(w->cur);
		w->cur = uk_node_get(uk_vfs_root());
	}
	return 0;
}

static long walk(struct walk *w, unsigned flags)
{
	char name[UK_NAME_MAX + 1];
	char *p = w->path;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			return 0;
		char *end = p;
		while (*end && *end != '/')
			end++;
		size_t n = (size_t)(end - p);
		if (n > UK_NAME_MAX)
			return -ENAMETOOLONG;
		uk_memcpy(name, p, n);
		name[n] = 0;
		const char *after = end;
		while (*after == '/')
			after++;
		int last = !*after, slash = *end == '/';
		struct uk_node *next;
		long e = uk_vfs_lookup(w->cur, name, &next);
		if (e)
			return e;
		if (uk_is_lnk(next) && (!last || slash || !(flags & UK_WALK_NOFOLLOW))) {
			e = expand(w, next, end);
			uk_node_put(next);
			if (e)
				return e;
			p = w->path;
			continue;
		}
		if (last && slash && !uk_is_dir(next)) {
			uk_node_put(next);
			return -ENOTDIR;
		}
		uk_node_put(w->cur);
		w->cur = next;
		p = end;
	}
}

long uk_vfs_walk_k(long dirfd, const char *path, unsigned flags, struct uk_node **out)
{
	struct walk w = {0};
	long e;
	dirfd = (int)dirfd;
	if (!*path) {
		if (!(flags & UK_WALK_EMPTY))
			return -ENOENT;
		if (dirfd == UK_AT_FDCWD) {
			w.cur = uk_vfs_cwd();
		} else {
			struct uk_file *f = uk_fd_get(dirfd);
			if (!f)
				return -EBADF;
			if (!uk_file_node(f))
				return -ENOENT;
			w.cur = uk_node_get(uk_file_node(f));
		}
		goto done;
	}
	if (!(w.path = uk_path_buf()))
		return -ENOMEM;
	size_t len = uk_strlen(path);
	uk_memcpy(w.path, path, len + 1);
	if (path[0] == '/')
		w.cur = uk_node_get(uk_vfs_root());
	else if ((e = uk_vfs_start(dirfd, &w.cur)))
		goto out;
	e = walk(&w, flags);
	if (e)
		goto out;
done:
	if ((flags & UK_WALK_DIR) && !uk_is_dir(w.cur)) {
		e = -ENOTDIR;
		goto out;
	}
	*out = w.cur;
	w.cur = 0;
	e = 0;
out:
	if (w.cur)
		uk_node_put(w.cur);
	uk_path_buf_free(w.path);
	uk_path_buf_free(w.link);
	return e;
}

long uk_vfs_walk(long dirfd, const char *path, unsigned flags, struct uk_node **out)
{
	char *buf = uk_path_buf();
	if (!buf)
		return -ENOMEM;
	long e = uk_path_copy(buf, (long)path);
	if (e >= 0)
		e = uk_vfs_walk_k(dirfd, buf, flags, out);
	uk_path_buf_free(buf);
	return e;
}

long uk_vfs_walk_parent(long dirfd, const char *path, struct uk_node **dir,
			char name[UK_NAME_MAX + 1], int *slash)
{
	char *buf = uk_path_buf();
	if (!buf)
		return -ENOMEM;
	long e = uk_path_copy(buf, (long)path);
	if (e < 0)
		goto out;
	size_t len = (size_t)e;
	if (!len) {
		e = -ENOENT;
		goto out;
	}
	*slash = 0;
	while (len > 1 && buf[len - 1] == '/') {
		buf[--len] = 0;
		*slash = 1;
	}
	if (uk_streq(buf, "/")) { /* the root: no parent, name "/" */
		name[0] = '/', name[1] = 0;
		*dir = uk_node_get(uk_vfs_root());
		e = 0;
		goto out;
	}
	size_t cut = len;
	while (cut && buf[cut - 1] != '/')
		cut--;
	if (len - cut > UK_NAME_MAX) {
		e = -ENAMETOOLONG;
		goto out;
	}
	uk_memcpy(name, buf + cut, len - cut + 1);
	if (!cut)
		buf[0] = '.', buf[1] = 0;
	else
		buf[cut] = 0; /* "a/b" -> "a/", "/b" -> "/" */
	e = uk_vfs_walk_k(dirfd, buf, UK_WALK_DIR, dir);
out:
	uk_path_buf_free(buf);
	return e;
}
