/* The path of a node, found upwards: each directory's name is looked for
 * in its parent's listing by inode number (getcwd, /proc/self/fd). */
#include "vfs_impl.h"

struct finder {
	uint64_t ino;
	char *name;
	int found;
};

static int find(void *ctx, const char *name, uint64_t ino, unsigned type)
{
	struct finder *f = ctx;
	(void)type;
	if (ino != f->ino)
		return 0;
	size_t len = uk_strlen(name);
	uk_memcpy(f->name, name, len + 1);
	f->found = 1;
	return 1;
}

/* The name of n in dir, into name. */
static long name_in(struct uk_node *dir, struct uk_node *n, char *name)
{
	struct finder f = {.ino = n->ino, .name = name};
	uint64_t cookie = 0;
	if (!dir->ops->readdir)
		return -ENOENT;
	/* each call stops after a match; the cookie loop has the length of
	 * the directory as its bound */
	long e = dir->ops->readdir(dir, &cookie, find, &f);
	if (e)
		return e;
	return f.found ? 0 : -ENOENT;
}

long uk_vfs_path(struct uk_node *n, char *buf, size_t size)
{
	char name[UK_NAME_MAX + 1];
	size_t pos = size;
	if (!size)
		return -ERANGE;
	buf[--pos] = 0;
	uk_node_get(n);
	long e = 0;
	for (unsigned depth = 0; depth < UK_PATH_MAX; depth++) {
		while (n == n->fs->root && n->fs->covered) {
			struct uk_node *up = uk_node_get(n->fs->covered);
			uk_node_put(n);
			n = up;
		}
		if (n == uk_vfs_root())
			break;
		struct uk_node *up;
		if (!uk_is_dir(n)) {
			e = -ENOENT;
			break;
		}
		if ((e = n->ops->lookup ? n->ops->lookup(n, "..", &up) : -ENOENT))
			break;
		if (up == n) { /* a root no longer mounted */
			uk_node_put(up);
			e = -ENOENT;
			break;
		}
		e = name_in(up, n, name);
		uk_node_put(n);
		n = up;
		if (e)
			break;
		size_t len = uk_strlen(name);
		if (len + 1 > pos) {
			e = -ENAMETOOLONG;
			break;
		}
		pos -= len;
		uk_memcpy(buf + pos, name, len);
		buf[--pos] = '/';
	}
	uk_node_put(n);
	if (e)
		return e;
	if (pos == size - 1) {
		if (!pos)
			return -ERANGE;
		buf[--pos] = '/';
	}
	size_t len = size - 1 - pos;
	for (size_t i = 0; i <= len; i++)
		buf[i] = buf[pos + i];
	return (long)len;
}
