/* Host folders over virtio-9p (9P2000.L, drivers/virtio/9p.h) as a file
 * system of the VFS. Nothing is cached: every stat, listing, read and
 * write goes to the host, so the guest and the host always see the same
 * files, and data a write returned for is in the host's file already (a
 * guest crash loses nothing; fsync asks the host for its disk).
 *
 * A node holds a fid walked to its file (for walks, attributes and
 * directory operations) and, once used, fids opened for reading, writing
 * and listing. Nodes are found by the qid path (the host's inode), so a
 * file reached twice is one node; its inode number is that path. */
#include "9p.h"
#include "vfs.h"

#define V9FS_MAGIC 0x01021997
#define HASH 64

struct p9node {
	struct uk_node n;
	uint32_t fid;        /* walked, not opened */
	uint32_t rfid, wfid; /* opened for reading, for writing (may be one) */
	uint32_t dfid;       /* a directory opened for listing */
	struct p9node *hnext;
};

struct p9fs {
	struct uk_fs fs;
	struct uk_9p *c;
	struct p9node *hash[HASH];
};

static const struct uk_node_ops p9_ops;

#define P(node) ((struct p9node *)(node))
#define C(node) (((struct p9fs *)(node)->fs)->c)
#define FS(node) ((struct p9fs *)(node)->fs)

static struct p9node **slot(struct p9fs *fs, uint64_t path)
{
	return &fs->hash[(path ^ (path >> 16)) % HASH];
}

static void drop_fid(struct uk_9p *c, uint32_t fid)
{
	if (fid != UK_9P_NOFID)
		uk_9p_clunk(c, fid);
}

/* The node for a walked fid: the one already known for its qid (fid is
 * then clunked), else a new one (it keeps fid). A new reference. */
static long node_of(struct p9fs *fs, uint32_t fid, const struct uk_9p_qid *qid,
		    struct uk_node **out)
{
	for (struct p9node *p = *slot(fs, qid->path); p; p = p->hnext)
		if (p->n.ino == qid->path) {
			uk_9p_clunk(fs->c, fid);
			*out = uk_node_get(&p->n);
			return 0;
		}
	struct uk_9p_attr a;
	long e = uk_9p_getattr(fs->c, fid, &a);
	struct p9node *p = e ? 0 : uk_zalloc(sizeof(*p));
	if (!p) {
		uk_9p_clunk(fs->c, fid);
		return e ? e : -ENOMEM;
	}
	p->n.ops = &p9_ops;
	p->n.fs = &fs->fs;
	p->n.mode = a.mode;
	p->n.ino = qid->path;
	p->n.priv = fs;
	p->fid = fid;
	p->rfid = p->wfid = p->dfid = UK_9P_NOFID;
	struct p9node **s = slot(fs, qid->path);
	p->hnext = *s;
	*s = p;
	*out = uk_node_get(&p->n);
	return 0;
}

/* dir/name as a node (after it was made or to look it up) */
static long walk_to(struct uk_node *dir, const char *name, struct uk_node **out)
{
	struct uk_9p *c = C(dir);
	uint32_t fid = uk_9p_fid_new(c);
	struct uk_9p_qid q;
	long e = uk_9p_walk(c, P(dir)->fid, fid, name, &q);
	if (e) {
		uk_9p_fid_free(c, fid); /* a failed walk makes no fid */
		return e;
	}
	return node_of(FS(dir), fid, &q, out);
}

/* A fid of node opened with flags, kept in *slotp. */
static long opened(struct uk_node *node, uint32_t *slotp, uint32_t flags)
{
	if (*slotp != UK_9P_NOFID)
		return 0;
	struct uk_9p *c = C(node);
	uint32_t fid = uk_9p_fid_new(c);
	long e = uk_9p_walk(c, P(node)->fid, fid, 0, 0);
	if (!e)
		e = uk_9p_lopen(c, fid, flags);
	if (e) {
		uk_9p_clunk(c, fid);
		return e;
	}
	*slotp = fid;
	return 0;
}

static long p_lookup(struct uk_node *dir, const char *name, struct uk_node **out)
{
	return walk_to(dir, name, out);
}

static long p_create(struct uk_node *dir, const char *name, uint32_t mode, uint64_t rdev,
		     struct uk_node **out)
{
	struct uk_9p *c = C(dir);
	long e;
	if ((mode & UK_S_IFMT) == UK_S_IFREG) {
		/* Tlcreate turns a clone of the directory's fid into the new
		 * file, open read-write: it becomes the node's I/O fid */
		uint32_t fid = uk_9p_fid_new(c);
		struct uk_9p_qid q;
		e = uk_9p_walk(c, P(dir)->fid, fid, 0, 0);
		if (!e)
			e = uk_9p_lcreate(c, fid, name, UK_O_RDWR | UK_O_CREAT | UK_O_EXCL,
					  mode & 07777, &q);
		if (e) {
			uk_9p_clunk(c, fid);
			return e;
		}
		e = walk_to(dir, name, out);
		if (e || P(*out)->wfid != UK_9P_NOFID)
			uk_9p_clunk(c, fid);
		else
			P(*out)->rfid = P(*out)->wfid = fid;
		return e;
	}
	struct uk_9p_qid q;
	e = uk_9p_mknod(c, P(dir)->fid, name, mode, rdev, &q);
	return e ? e : walk_to(dir, name, out);
}

static long p_mkdir(struct uk_node *dir, const char *name, uint32_t mode, struct uk_node **out)
{
	struct uk_9p_qid q;
	long e = uk_9p_mkdir(C(dir), P(dir)->fid, name, mode & 07777, &q);
	return e ? e : walk_to(dir, name, out);
}

static long p_symlink(struct uk_node *dir, const char *name, const char *target,
		      struct uk_node **out)
{
	struct uk_9p_qid q;
	long e = uk_9p_symlink(C(dir), P(dir)->fid, name, target, &q);
	return e ? e : walk_to(dir, name, out);
}

static long p_link(struct uk_node *dir, const char *name, struct uk_node *node)
{
	return uk_9p_link(C(dir), P(dir)->fid, P(node)->fid, name);
}

static long p_unlink(struct uk_node *dir, const char *name)
{
	return uk_9p_unlinkat(C(dir), P(dir)->fid, name, 0);
}

static long p_rmdir(struct uk_node *dir, const char *name)
{
	return uk_9p_unlinkat(C(dir), P(dir)->fid, name, UK_9P_AT_REMOVEDIR);
}

static long p_rename(struct uk_node *olddir, const char *oldname, struct uk_node *newdir,
		     const char *newname, unsigned flags)
{
	if (flags & UK_RENAME_EXCHANGE)
		return -EINVAL; /* 9P2000.L cannot: Linux says EINVAL too */
	if (flags & UK_RENAME_NOREPLACE) {
		struct uk_node *there;
		long e = walk_to(newdir, newname, &there);
		if (!e) {
			uk_node_put(there);
			return -EEXIST;
		}
		if (e != -ENOENT)
			return e;
	}
	return uk_9p_renameat(C(olddir), P(olddir)->fid, oldname, P(newdir)->fid, newname);
}

static long p_readlink(struct uk_node *node, char *buf, size_t size)
{
	return uk_9p_readlink(C(node), P(node)->fid, buf, size);
}

struct lister {
	uk_dir_emit emit;
	void *ctx;
	uint64_t *cookie;
	int full;
};

static int one_entry(void *ctx, const char *name, const struct uk_9p_qid *qid, unsigned type,
		     uint64_t next)
{
	struct lister *l = ctx;
	int dots = name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]));
	if (!dots && l->emit(l->ctx, name, qid->path, type))
		return l->full = 1;
	*l->cookie = next;
	return 0;
}

static long p_readdir(struct uk_node *dir, uint64_t *cookie, uk_dir_emit emit, void *ctx)
{
	long e = opened(dir, &P(dir)->dfid, UK_O_RDONLY | UK_O_DIRECTORY);
	if (e)
		return e;
	struct lister l = {emit, ctx, cookie, 0};
	/* bounded: each round takes at least one entry or ends */
	while (!l.full) {
		long n = uk_9p_readdir(C(dir), P(dir)->dfid, *cookie, one_entry, &l);
		if (n < 0)
			return n;
		if (n == 0 && !l.full)
			break;
	}
	return 0;
}

static long p_read(struct uk_node *node, void *buf, size_t n, uint64_t off)
{
	struct p9node *p = P(node);
	long e = opened(node, &p->rfid, UK_O_RDONLY);
	return e ? e : uk_9p_read(C(node), p->rfid, off, buf, n);
}

static long p_write(struct uk_node *node, const void *buf, size_t n, uint64_t off)
{
	struct p9node *p = P(node);
	long e = opened(node, &p->wfid, UK_O_WRONLY);
	return e ? e : uk_9p_write(C(node), p->wfid, off, buf, n);
}

static long setattr(struct uk_node *node, struct uk_9p_setattr *s)
{
	return uk_9p_setattr(C(node), P(node)->fid, s);
}

static long p_truncate(struct uk_node *node, uint64_t size)
{
	struct uk_9p_setattr s = {.valid = UK_9P_SET_SIZE, .size = size};
	return setattr(node, &s);
}

static long p_getattr(struct uk_node *node, struct uk_stat *st)
{
	struct uk_9p_attr a;
	long e = uk_9p_getattr(C(node), P(node)->fid, &a);
	if (e)
		return e;
	node->mode = a.mode;
	st->mode = a.mode;
	st->ino = node->ino;
	st->nlink = a.nlink;
	st->uid = a.uid;
	st->gid = a.gid;
	st->rdev = a.rdev;
	st->size = (int64_t)a.size;
	st->blksize = (int64_t)a.blksize;
	st->blocks = (int64_t)a.blocks;
	st->atime = (int64_t)a.atime;
	st->atime_ns = (int64_t)a.atime_ns;
	st->mtime = (int64_t)a.mtime;
	st->mtime_ns = (int64_t)a.mtime_ns;
	st->ctime = (int64_t)a.ctime;
	st->ctime_ns = (int64_t)a.ctime_ns;
	return 0;
}

static long p_setattr(struct uk_node *node, const struct uk_attr *attr)
{
	struct uk_9p_setattr s = {0};
	if (attr->mask & UK_ATTR_MODE) {
		s.valid |= UK_9P_SET_MODE;
		s.mode = attr->mode & 07777;
	}
	if (attr->mask & UK_ATTR_UID) {
		s.valid |= UK_9P_SET_UID;
		s.uid = attr->uid;
	}
	if (attr->mask & UK_ATTR_GID) {
		s.valid |= UK_9P_SET_GID;
		s.gid = attr->gid;
	}
	if (attr->mask & UK_ATTR_ATIME) {
		s.valid |= UK_9P_SET_ATIME | UK_9P_SET_ATIME_SET;
		s.atime = (uint64_t)attr->atime;
		s.atime_ns = (uint64_t)attr->atime_ns;
	}
	if (attr->mask & UK_ATTR_MTIME) {
		s.valid |= UK_9P_SET_MTIME | UK_9P_SET_MTIME_SET;
		s.mtime = (uint64_t)attr->mtime;
		s.mtime_ns = (uint64_t)attr->mtime_ns;
	}
	s.valid |= UK_9P_SET_CTIME;
	long e = setattr(node, &s);
	if (!e && (attr->mask & UK_ATTR_MODE))
		node->mode = (node->mode & UK_S_IFMT) | (attr->mode & 07777);
	return e;
}

static long p_sync(struct uk_node *node)
{
	struct p9node *p = P(node);
	uint32_t fid = p->wfid != UK_9P_NOFID ? p->wfid
		       : p->rfid != UK_9P_NOFID ? p->rfid : p->dfid;
	return fid == UK_9P_NOFID ? 0 : uk_9p_fsync(C(node), fid);
}

static void p_release(struct uk_node *node)
{
	struct p9node *p = P(node);
	struct uk_9p *c = C(node);
	for (struct p9node **pp = slot(FS(node), node->ino); *pp; pp = &(*pp)->hnext)
		if (*pp == p) {
			*pp = p->hnext;
			break;
		}
	if (p->wfid != p->rfid)
		drop_fid(c, p->wfid);
	drop_fid(c, p->rfid);
	drop_fid(c, p->dfid);
	drop_fid(c, p->fid);
	uk_free(p);
}

static const struct uk_node_ops p9_ops = {
	.lookup = p_lookup,
	.create = p_create,
	.mkdir = p_mkdir,
	.symlink = p_symlink,
	.link = p_link,
	.unlink = p_unlink,
	.rmdir = p_rmdir,
	.rename = p_rename,
	.readlink = p_readlink,
	.readdir = p_readdir,
	.read = p_read,
	.write = p_write,
	.truncate = p_truncate,
	.getattr = p_getattr,
	.setattr = p_setattr,
	.sync = p_sync,
	.release = p_release,
};

static long p_statfs(struct uk_fs *fs, struct uk_statfs *st)
{
	struct uk_9p_statfs s;
	long e = uk_9p_statfs(((struct p9fs *)fs)->c, P(fs->root)->fid, &s);
	if (e)
		return e;
	st->type = V9FS_MAGIC;
	st->bsize = s.bsize;
	st->blocks = (int64_t)s.blocks;
	st->bfree = (int64_t)s.bfree;
	st->bavail = (int64_t)s.bavail;
	st->files = (int64_t)s.files;
	st->ffree = (int64_t)s.ffree;
	return 0;
}

/* sync(2): every file written through this mount */
static long p_fs_sync(struct uk_fs *fs)
{
	struct p9fs *p = (struct p9fs *)fs;
	long err = 0;
	for (unsigned i = 0; i < HASH; i++)
		for (struct p9node *n = p->hash[i]; n; n = n->hnext)
			if (n->wfid != UK_9P_NOFID) {
				long e = uk_9p_fsync(p->c, n->wfid);
				if (e && !err)
					err = e;
			}
	return err;
}

static const struct uk_fs_ops p9_fs_ops = {.statfs = p_statfs, .sync = p_fs_sync};

/* The root of the file system served by the device tagged tag (refs 1). */
__uk_cold long uk_9pfs_new(const char *tag, struct uk_node **root)
{
	struct uk_9p *c = uk_9p_open(tag);
	if (!c)
		return -ENODEV;
	struct p9fs *fs = uk_zalloc(sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	fs->fs.ops = &p9_fs_ops;
	fs->fs.magic = V9FS_MAGIC;
	fs->fs.priv = fs;
	fs->c = c;
	uint32_t fid = uk_9p_fid_new(c);
	struct uk_9p_qid q;
	long e = uk_9p_attach(c, fid, &q);
	if (e)
		return e;
	e = node_of(fs, fid, &q, root);
	if (e)
		return e;
	(*root)->fs = &fs->fs;
	return 0;
}
