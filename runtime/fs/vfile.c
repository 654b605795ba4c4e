/* The open file over a node (files, directories, symlinks opened with
 * O_PATH): its operations go to the node's, and getdents lists a
 * directory with "." and ".." first, as Linux does. */
#include "vfs_impl.h"

#define N(f) uk_file_node(f)

static long v_read(struct uk_file *f, void *buf, size_t n, uint64_t off)
{
	struct uk_node *node = N(f);
	if (uk_is_dir(node))
		return -EISDIR;
	return node->ops->read ? node->ops->read(node, buf, n, off) : -EINVAL;
}

static long v_write(struct uk_file *f, const void *buf, size_t n, uint64_t off)
{
	struct uk_node *node = N(f);
	return node->ops->write ? node->ops->write(node, buf, n, off) : -EINVAL;
}

static long v_stat(struct uk_file *f, struct uk_stat *st)
{
	return uk_vfs_getattr(N(f), st);
}

static unsigned v_poll(struct uk_file *f)
{
	(void)f;
	return UK_POLLIN | UK_POLLOUT | UK_POLLRDNORM | UK_POLLWRNORM;
}

static long v_truncate(struct uk_file *f, uint64_t len)
{
	struct uk_node *node = N(f);
	if (uk_is_dir(node))
		return -EISDIR;
	if ((node->mode & UK_S_IFMT) != UK_S_IFREG || !node->ops->truncate)
		return -EINVAL;
	return node->ops->truncate(node, len);
}

static long v_sync(struct uk_file *f)
{
	struct uk_node *node = N(f);
	return node->ops->sync ? node->ops->sync(node) : 0;
}

struct dirent64 {
	uint64_t ino;
	int64_t off;
	uint16_t reclen;
	uint8_t type;
	char name[];
} __attribute__((packed));

struct lister {
	char *buf;
	size_t size, used;
	const uint64_t *cookie; /* position of the entry coming: *cookie + bias */
	uint64_t bias;
	struct dirent64 *prev;
	int full;
};

/* An entry's d_off is the position after it, known when the next entry
 * comes or at the end. */
static int emit(void *ctx, const char *name, uint64_t ino, unsigned type)
{
	struct lister *l = ctx;
	size_t len = uk_strlen(name), rec = ALIGN_UP(sizeof(struct dirent64) + len + 1, 8);
	if (l->used + rec > l->size)
		return l->full = 1;
	if (l->prev)
		l->prev->off = (int64_t)(*l->cookie + l->bias);
	struct dirent64 *d = (struct dirent64 *)(l->buf + l->used);
	d->ino = ino;
	d->off = 0;
	d->reclen = (uint16_t)rec;
	d->type = (uint8_t)type;
	uk_memcpy(d->name, name, len + 1);
	uk_memset(d->name + len + 1, 0, rec - sizeof(*d) - len - 1);
	l->used += rec;
	l->prev = d;
	return 0;
}

/* Positions 0 and 1 are "." and "..", the file system's cookie c is at
 * position c + 2. */
static long v_getdents(struct uk_file *f, void *buf, size_t n)
{
	struct uk_node *dir = N(f);
	if (!uk_is_dir(dir))
		return -ENOTDIR;
	uint64_t pos = f->pos, cookie;
	struct lister l = {.buf = buf, .size = n, .cookie = &pos};
	for (; pos < 2; pos++) {
		uint64_t ino = dir->ino;
		struct uk_node *up;
		if (pos == 1 && !uk_vfs_lookup(dir, "..", &up)) {
			ino = up->ino;
			uk_node_put(up);
		}
		if (emit(&l, pos ? ".." : ".", ino, UK_S_IFDIR >> 12))
			goto out;
	}
	cookie = pos - 2;
	l.cookie = &cookie;
	l.bias = 2;
	if (dir->ops->readdir) {
		long e = dir->ops->readdir(dir, &cookie, emit, &l);
		if (e)
			return e;
	}
	pos = cookie + 2;
out:
	if (l.prev)
		l.prev->off = (int64_t)pos;
	f->pos = pos;
	if (!l.used && l.full)
		return -EINVAL; /* not even one entry fits */
	return (long)l.used;
}

__attribute__((weak)) void uk_lock_release_file(struct uk_file *f);

static void v_release(struct uk_file *f)
{
	if (uk_lock_release_file)
		uk_lock_release_file(f);
	uk_node_put(N(f));
}

const struct uk_file_ops uk_vfs_file_ops = {
	.read = v_read,
	.write = v_write,
	.stat = v_stat,
	.poll = v_poll,
	.truncate = v_truncate,
	.getdents = v_getdents,
	.sync = v_sync,
	.release = v_release,
	.flags = UK_FILE_SEEKABLE,
};

/* O_PATH: a place in the tree, no data */
static long p_stat(struct uk_file *f, struct uk_stat *st)
{
	return uk_vfs_getattr(N(f), st);
}

static unsigned p_poll(struct uk_file *f)
{
	(void)f;
	return UK_POLLNVAL;
}

static void p_release(struct uk_file *f)
{
	uk_node_put(N(f));
}

const struct uk_file_ops uk_vfs_path_ops = {
	.stat = p_stat,
	.poll = p_poll,
	.release = p_release,
};

struct uk_file *uk_vfs_file(struct uk_node *n, unsigned flags)
{
	struct uk_file *f = uk_file_new(&uk_vfs_file_ops, flags, 0);
	if (f)
		f->node = uk_node_get(n);
	return f;
}

long uk_vfs_getattr(struct uk_node *n, struct uk_stat *st)
{
	uk_memset(st, 0, sizeof(*st));
	long e = 0;
	if (n->ops->getattr) {
		e = n->ops->getattr(n, st);
	} else {
		st->mode = n->mode;
		st->ino = n->ino;
		st->nlink = 1;
		st->blksize = PAGE_SIZE;
	}
	st->dev = n->fs->dev;
	return e;
}

#define KEPT_FLAGS (UK_O_ACCMODE | UK_O_APPEND | UK_O_NONBLOCK | UK_O_DSYNC | UK_O_DIRECT | \
		    UK_O_NOATIME | UK_O_DIRECTORY | UK_O_NOFOLLOW | UK_O_PATH | 04000000 /* O_SYNC */)

long uk_vfs_open_node(struct uk_node *n, unsigned flags, struct uk_file **out)
{
	uint32_t type = n->mode & UK_S_IFMT;
	unsigned acc = flags & UK_O_ACCMODE;
	unsigned kept = (flags & KEPT_FLAGS) | UK_O_LARGEFILE;
	if ((flags & UK_O_DIRECTORY) && type != UK_S_IFDIR)
		return -ENOTDIR;
	if (flags & UK_O_PATH) {
		struct uk_file *f = uk_file_new(&uk_vfs_path_ops, kept & (UK_O_PATH | UK_O_DIRECTORY | UK_O_NOFOLLOW | UK_O_LARGEFILE), 0);
		if (!f)
			return -ENOMEM;
		f->node = uk_node_get(n);
		*out = f;
		return 0;
	}
	if (type == UK_S_IFLNK)
		return -ELOOP;
	int writes = acc != UK_O_RDONLY || (flags & UK_O_TRUNC);
	if (type == UK_S_IFDIR && (acc != UK_O_RDONLY || (flags & UK_O_CREAT)))
		return -EISDIR;
	if (writes && (type == UK_S_IFREG || type == UK_S_IFDIR) && uk_vfs_writable(n))
		return -EROFS;
	if (n->ops->open)
		return n->ops->open(n, kept, out);
	if (type != UK_S_IFREG && type != UK_S_IFDIR)
		return -ENXIO; /* fifos, sockets and devices without a driver */
	if ((flags & UK_O_TRUNC) && type == UK_S_IFREG) {
		long e = n->ops->truncate ? n->ops->truncate(n, 0) : -EINVAL;
		if (e)
			return e;
	}
	struct uk_file *f = uk_vfs_file(n, kept);
	if (!f)
		return -ENOMEM;
	*out = f;
	return 0;
}
