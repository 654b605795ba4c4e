/* tmpfs: a writable file system in RAM (/tmp, and / until the image's
 * files mount there). Directories are lists of names in creation order;
 * file data is in tmpfs_pages.c. A node lives while a name or a reference
 * holds it. */
#include "tmpfs.h"

static const struct uk_node_ops tmpfs_ops;

static struct tnode *T(struct uk_node *n)
{
	return (struct tnode *)n;
}

static void now(int64_t *s, int64_t *ns)
{
	uint64_t t = uk_realtime_ns();
	*s = (int64_t)(t / 1000000000u);
	*ns = (int64_t)(t % 1000000000u);
}

static void touch(struct tnode *t, int data)
{
	now(&t->ctime, &t->ctime_ns);
	if (data) {
		t->mtime = t->ctime;
		t->mtime_ns = t->ctime_ns;
	}
}

static struct tnode *tnode_new(struct uk_fs *fs, uint32_t mode)
{
	struct tnode *t = uk_zalloc(sizeof(*t));
	if (!t)
		return 0;
	t->n.ops = &tmpfs_ops;
	t->n.fs = fs;
	t->n.mode = mode;
	t->n.ino = uk_vfs_new_ino();
	t->n.priv = t;
	touch(t, 1);
	t->atime = t->ctime;
	t->atime_ns = t->ctime_ns;
	if ((mode & UK_S_IFMT) == UK_S_IFDIR) {
		t->nlink = 2;
		t->dir.tail = &t->dir.head;
	} else {
		t->nlink = 1;
	}
	return t;
}

static void tnode_free(struct tnode *t)
{
	uint32_t type = t->n.mode & UK_S_IFMT;
	if (type == UK_S_IFREG)
		uk_tmpfs_free_data(&t->file);
	else if (type == UK_S_IFLNK)
		uk_free(t->target);
	uk_free(t);
}

/* A name went away from t (or a directory was removed). */
static void unlinked(struct tnode *t)
{
	if (!t->nlink && !t->n.refs)
		tnode_free(t);
}

static void t_release(struct uk_node *n)
{
	unlinked(T(n));
}

static struct tdirent **find(struct tnode *d, const char *name)
{
	struct tdirent **pp = &d->dir.head;
	for (; *pp; pp = &(*pp)->next)
		if (uk_streq((*pp)->name, name))
			return pp;
	return pp;
}

static long t_lookup(struct uk_node *dir, const char *name, struct uk_node **out)
{
	struct tnode *d = T(dir);
	if (uk_streq(name, "..")) {
		struct tnode *p = dir == dir->fs->root ? d : d->dir.parent;
		if (!p)
			return -ENOENT;
		*out = uk_node_get(&p->n);
		return 0;
	}
	struct tdirent *e = *find(d, name);
	if (!e)
		return -ENOENT;
	*out = uk_node_get(&e->node->n);
	return 0;
}

static long add(struct tnode *d, const char *name, struct tnode *t)
{
	if (!d->dir.parent && &d->n != d->n.fs->root)
		return -ENOENT; /* a removed directory takes no names */
	size_t len = uk_strlen(name);
	struct tdirent *e = uk_malloc(sizeof(*e) + len + 1);
	if (!e)
		return -ENOSPC;
	uk_memcpy(e->name, name, len + 1);
	e->node = t;
	e->seq = d->dir.seq++;
	e->next = 0;
	*d->dir.tail = e;
	d->dir.tail = &e->next;
	d->dir.count++;
	touch(d, 1);
	return 0;
}

static void drop(struct tnode *d, struct tdirent **pp)
{
	struct tdirent *e = *pp;
	*pp = e->next;
	if (d->dir.tail == &e->next)
		d->dir.tail = pp;
	d->dir.count--;
	touch(d, 1);
	uk_free(e);
}

static long make(struct uk_node *dir, const char *name, uint32_t mode, struct tnode **out)
{
	struct tnode *d = T(dir);
	if (*find(d, name))
		return -EEXIST;
	struct tnode *t = tnode_new(dir->fs, mode);
	if (!t)
		return -ENOSPC;
	long e = add(d, name, t);
	if (e) {
		uk_free(t);
		return e;
	}
	*out = t;
	return 0;
}

static long t_create(struct uk_node *dir, const char *name, uint32_t mode, uint64_t rdev,
		     struct uk_node **out)
{
	struct tnode *t;
	long e = make(dir, name, mode, &t);
	if (e)
		return e;
	t->rdev = rdev;
	*out = uk_node_get(&t->n);
	return 0;
}

static long t_mkdir(struct uk_node *dir, const char *name, uint32_t mode, struct uk_node **out)
{
	struct tnode *t;
	long e = make(dir, name, UK_S_IFDIR | (mode & 07777), &t);
	if (e)
		return e;
	t->dir.parent = T(dir);
	T(dir)->nlink++;
	*out = uk_node_get(&t->n);
	return 0;
}

static long t_symlink(struct uk_node *dir, const char *name, const char *target,
		      struct uk_node **out)
{
	size_t len = uk_strlen(target);
	char *copy = uk_malloc(len + 1);
	if (!copy)
		return -ENOSPC;
	uk_memcpy(copy, target, len + 1);
	struct tnode *t;
	long e = make(dir, name, UK_S_IFLNK | 0777, &t);
	if (e) {
		uk_free(copy);
		return e;
	}
	t->target = copy;
	*out = uk_node_get(&t->n);
	return 0;
}

static long t_link(struct uk_node *dir, const char *name, struct uk_node *node)
{
	struct tnode *t = T(node);
	if (*find(T(dir), name))
		return -EEXIST;
	long e = add(T(dir), name, t);
	if (e)
		return e;
	t->nlink++;
	touch(t, 0);
	return 0;
}

static long t_unlink(struct uk_node *dir, const char *name)
{
	struct tdirent **pp = find(T(dir), name);
	if (!*pp)
		return -ENOENT;
	struct tnode *t = (*pp)->node;
	if (uk_is_dir(&t->n))
		return -EISDIR;
	drop(T(dir), pp);
	t->nlink--;
	touch(t, 0);
	unlinked(t);
	return 0;
}

static long t_rmdir(struct uk_node *dir, const char *name)
{
	struct tdirent **pp = find(T(dir), name);
	if (!*pp)
		return -ENOENT;
	struct tnode *t = (*pp)->node;
	if (!uk_is_dir(&t->n))
		return -ENOTDIR;
	if (t->dir.count)
		return -ENOTEMPTY;
	drop(T(dir), pp);
	T(dir)->nlink--;
	t->nlink = 0;
	t->dir.parent = 0;
	touch(t, 0);
	unlinked(t);
	return 0;
}

/* Is d the directory a or below it? */
static int below(struct tnode *d, struct tnode *a)
{
	for (; d; d = d->dir.parent)
		if (d == a)
			return 1;
	return 0;
}

static long exchange(struct tnode *od, struct tdirent *eo, struct tnode *nd, struct tdirent *en)
{
	struct tnode *a = eo->node, *b = en->node;
	int adir = uk_is_dir(&a->n), bdir = uk_is_dir(&b->n);
	if ((adir && below(nd, a)) || (bdir && below(od, b)))
		return -EINVAL;
	eo->node = b;
	en->node = a;
	if (adir != bdir) {
		struct tnode *gains = adir ? nd : od, *loses = adir ? od : nd;
		gains->nlink++;
		loses->nlink--;
	}
	if (adir)
		a->dir.parent = nd;
	if (bdir)
		b->dir.parent = od;
	touch(od, 1), touch(nd, 1), touch(a, 0), touch(b, 0);
	return 0;
}

static long t_rename(struct uk_node *olddir, const char *oldname, struct uk_node *newdir,
		     const char *newname, unsigned flags)
{
	struct tnode *od = T(olddir), *nd = T(newdir);
	struct tdirent **po = find(od, oldname), **pn = find(nd, newname);
	if (!*po)
		return -ENOENT;
	if (flags & UK_RENAME_EXCHANGE)
		return *pn ? exchange(od, *po, nd, *pn) : -ENOENT;
	if (*pn && (flags & UK_RENAME_NOREPLACE))
		return -EEXIST;
	struct tnode *t = (*po)->node, *victim = *pn ? (*pn)->node : 0;
	int dir = uk_is_dir(&t->n);
	if (victim == t)
		return 0;
	if (dir && below(nd, t))
		return -EINVAL;
	if (victim) {
		if (dir && !uk_is_dir(&victim->n))
			return -ENOTDIR;
		if (!dir && uk_is_dir(&victim->n))
			return -EISDIR;
		if (dir && victim->dir.count)
			return -ENOTEMPTY;
		(*pn)->node = t;
		touch(nd, 1);
		if (dir) {
			nd->nlink--;
			victim->nlink = 0;
			victim->dir.parent = 0;
		} else {
			victim->nlink--;
		}
		touch(victim, 0);
		unlinked(victim);
	} else {
		long e = add(nd, newname, t);
		if (e)
			return e;
		po = find(od, oldname); /* add may have moved od's tail */
	}
	drop(od, po);
	if (dir) {
		od->nlink--;
		nd->nlink++;
		t->dir.parent = nd;
	}
	touch(t, 0);
	return 0;
}

static long t_readlink(struct uk_node *node, char *buf, size_t size)
{
	size_t len = uk_strlen(T(node)->target);
	if (len > size)
		len = size;
	uk_memcpy(buf, T(node)->target, len);
	return (long)len;
}

static long t_readdir(struct uk_node *dir, uint64_t *cookie, uk_dir_emit emit, void *ctx)
{
	for (struct tdirent *e = T(dir)->dir.head; e; e = e->next) {
		if (e->seq < *cookie)
			continue;
		if (emit(ctx, e->name, e->node->n.ino, (e->node->n.mode & UK_S_IFMT) >> 12))
			break;
		*cookie = e->seq + 1;
	}
	return 0;
}

static long t_read(struct uk_node *node, void *buf, size_t n, uint64_t off)
{
	struct tnode *t = T(node);
	now(&t->atime, &t->atime_ns);
	return uk_tmpfs_read(&t->file, buf, n, off);
}

static long t_write(struct uk_node *node, const void *buf, size_t n, uint64_t off)
{
	struct tnode *t = T(node);
	long r = uk_tmpfs_write(&t->file, buf, n, off);
	if (r > 0)
		touch(t, 1);
	return r;
}

static long t_truncate(struct uk_node *node, uint64_t size)
{
	struct tnode *t = T(node);
	long e = uk_tmpfs_truncate(&t->file, size);
	if (!e)
		touch(t, 1);
	return e;
}

long uk_tmpfs_fallocate(struct uk_node *node, uint64_t off, uint64_t len)
{
	if (node->ops != &tmpfs_ops)
		return -EOPNOTSUPP;
	struct tnode *t = T(node);
	long e = uk_tmpfs_alloc(&t->file, off, len);
	if (!e)
		touch(t, 0);
	return e;
}

static long t_getattr(struct uk_node *node, struct uk_stat *st)
{
	struct tnode *t = T(node);
	st->mode = node->mode;
	st->ino = node->ino;
	st->nlink = t->nlink;
	st->uid = t->uid;
	st->gid = t->gid;
	st->rdev = t->rdev;
	st->blksize = PAGE_SIZE;
	switch (node->mode & UK_S_IFMT) {
	case UK_S_IFREG:
		st->size = (int64_t)t->file.size;
		st->blocks = (int64_t)uk_tmpfs_pages(&t->file) * (PAGE_SIZE / 512);
		break;
	case UK_S_IFDIR:
		st->size = (int64_t)(t->dir.count + 2) * 20; /* as Linux's tmpfs */
		break;
	case UK_S_IFLNK:
		st->size = (int64_t)uk_strlen(t->target);
		break;
	}
	st->atime = t->atime, st->atime_ns = t->atime_ns;
	st->mtime = t->mtime, st->mtime_ns = t->mtime_ns;
	st->ctime = t->ctime, st->ctime_ns = t->ctime_ns;
	return 0;
}

static long t_setattr(struct uk_node *node, const struct uk_attr *a)
{
	struct tnode *t = T(node);
	if (a->mask & UK_ATTR_MODE)
		node->mode = (node->mode & UK_S_IFMT) | (a->mode & 07777);
	if (a->mask & UK_ATTR_UID)
		t->uid = a->uid;
	if (a->mask & UK_ATTR_GID)
		t->gid = a->gid;
	if (a->mask & UK_ATTR_ATIME)
		t->atime = a->atime, t->atime_ns = a->atime_ns;
	if (a->mask & UK_ATTR_MTIME)
		t->mtime = a->mtime, t->mtime_ns = a->mtime_ns;
	touch(t, 0);
	return 0;
}

static const struct uk_node_ops tmpfs_ops = {
	.lookup = t_lookup,
	.create = t_create,
	.mkdir = t_mkdir,
	.symlink = t_symlink,
	.link = t_link,
	.unlink = t_unlink,
	.rmdir = t_rmdir,
	.rename = t_rename,
	.readlink = t_readlink,
	.readdir = t_readdir,
	.read = t_read,
	.write = t_write,
	.truncate = t_truncate,
	.getattr = t_getattr,
	.setattr = t_setattr,
	.release = t_release,
};

static long t_statfs(struct uk_fs *fs, struct uk_statfs *st)
{
	(void)fs;
	uint64_t total = 0;
	for (unsigned i = 0; i < uk_ram_count; i++)
		total += uk_ram[i].end - uk_ram[i].start;
	st->type = TMPFS_MAGIC;
	st->bsize = PAGE_SIZE;
	st->blocks = (int64_t)(total / PAGE_SIZE);
	st->bfree = st->bavail = (int64_t)(uk_pmem_free_bytes() / PAGE_SIZE);
	st->files = st->blocks;
	st->ffree = st->bfree;
	return 0;
}

static const struct uk_fs_ops tmpfs_fs_ops = {.statfs = t_statfs};

struct uk_node *uk_tmpfs_new(void)
{
	struct uk_fs *fs = uk_zalloc(sizeof(*fs));
	if (!fs)
		return 0;
	fs->ops = &tmpfs_fs_ops;
	fs->magic = TMPFS_MAGIC;
	struct tnode *root = tnode_new(fs, UK_S_IFDIR | 01777);
	if (!root) {
		uk_free(fs);
		return 0;
	}
	root->n.refs = 1;
	fs->root = &root->n;
	return &root->n;
}

long uk_tmpfs_anon(struct uk_node *dir, uint32_t mode, struct uk_node **out)
{
	if (dir->ops != &tmpfs_ops)
		return -EOPNOTSUPP;
	struct tnode *t = tnode_new(dir->fs, UK_S_IFREG | (mode & 07777));
	if (!t)
		return -ENOSPC;
	t->nlink = 0;
	*out = uk_node_get(&t->n);
	return 0;
}

struct tfile *uk_tmpfs_file(struct uk_node *n)
{
	if (!n || n->ops != &tmpfs_ops || (n->mode & UK_S_IFMT) != UK_S_IFREG)
		return 0;
	return &T(n)->file;
}
