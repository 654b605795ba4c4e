/* /proc for the one process, pid 1: /proc/self is a link to "1", which
 * has cmdline, comm, cwd, exe, fd/ and mounts; /proc has cpuinfo, meminfo
 * and mounts (a link to self/mounts, as on Linux). Files are made again on
 * every read (procfs_text.c); fd/N are links whose target is worked out
 * when read. exe points to "/NAME" (the image name, argv[0]): the root of
 * the image's files, which is where a program that looks beside its
 * executable finds them. */
#include "procfs.h"
#include "vfs_impl.h"

enum kind { ROOT, PID, FDDIR, FILE, LINK, FDLINK };

static const struct ent {
	const char *name;
	uint32_t mode;
	enum kind kind, parent;
	void (*text)(struct uk_text *t); /* FILE: its contents; LINK: the target */
	const char *target;                 /* a fixed LINK's */
} ents[] = {
	{"", UK_S_IFDIR | 0555, ROOT, ROOT, 0, 0},
	{"1", UK_S_IFDIR | 0555, PID, ROOT, 0, 0},
	{"cpuinfo", UK_S_IFREG | 0444, FILE, ROOT, uk_proc_cpuinfo, 0},
	{"meminfo", UK_S_IFREG | 0444, FILE, ROOT, uk_proc_meminfo, 0},
	{"mounts", UK_S_IFLNK | 0777, LINK, ROOT, 0, "self/mounts"},
	{"self", UK_S_IFLNK | 0777, LINK, ROOT, 0, "1"},
	{"cmdline", UK_S_IFREG | 0444, FILE, PID, uk_proc_cmdline, 0},
	{"comm", UK_S_IFREG | 0644, FILE, PID, uk_proc_comm, 0},
	{"cwd", UK_S_IFLNK | 0777, LINK, PID, 0, 0},
	{"exe", UK_S_IFLNK | 0777, LINK, PID, 0, 0},
	{"fd", UK_S_IFDIR | 0500, FDDIR, PID, 0, 0},
	{"mounts", UK_S_IFREG | 0444, FILE, PID, uk_proc_mounts, 0},
};
#define PID_DIR 1 /* ents[] index */

static struct uk_fs fs;
static struct uk_node *nodes[ARRAY_SIZE(ents)];
static struct uk_node **fd_nodes; /* /proc/1/fd/N, made on first lookup */

static const struct uk_node_ops procfs_ops;

/* An fd node's priv is the descriptor + 1, a table node's its entry. */
static int is_fd(const struct uk_node *n)
{
	return (uintptr_t)n->priv <= UK_FD_LIMIT;
}

static const struct ent *ent_of(const struct uk_node *n)
{
	return is_fd(n) ? 0 : n->priv;
}

static enum kind kind_of(const struct uk_node *n)
{
	return is_fd(n) ? FDLINK : ent_of(n)->kind;
}

static uint32_t fd_mode(long fd)
{
	struct uk_file *f = uk_fd_get(fd);
	unsigned acc = f ? f->flags & UK_O_ACCMODE : UK_O_RDWR;
	return UK_S_IFLNK | (acc == UK_O_RDONLY ? 0500 : acc == UK_O_WRONLY ? 0300 : 0700);
}

static long fd_node(long fd, struct uk_node **out)
{
	if (!fd_nodes && !(fd_nodes = uk_zalloc(UK_FD_LIMIT * sizeof(*fd_nodes))))
		return -ENOMEM;
	if (!fd_nodes[fd]) {
		struct uk_node *n = uk_node_new(&procfs_ops, &fs, fd_mode(fd));
		if (!n)
			return -ENOMEM;
		n->priv = (void *)(uintptr_t)(fd + 1);
		n->ino = 0x10000 + (uint64_t)fd; /* as readdir says */
		n->refs = 1; /* the table's */
		fd_nodes[fd] = n;
	}
	fd_nodes[fd]->mode = fd_mode(fd);
	*out = uk_node_get(fd_nodes[fd]);
	return 0;
}

/* The decimal number name, or -1. */
static long number(const char *name)
{
	long v = 0;
	if (!*name || (name[0] == '0' && name[1]))
		return -1;
	for (; *name; name++) {
		if (*name < '0' || *name > '9' || v > UK_FD_LIMIT)
			return -1;
		v = v * 10 + (*name - '0');
	}
	return v;
}

static long procfs_lookup(struct uk_node *dir, const char *name, struct uk_node **out)
{
	enum kind k = kind_of(dir);
	if (name[0] == '.' && name[1] == '.' && !name[2]) {
		*out = uk_node_get(nodes[k == FDDIR ? PID_DIR : 0]);
		return 0;
	}
	if (k == FDDIR) {
		long fd = number(name);
		return fd >= 0 && fd < UK_FD_LIMIT && uk_fd_get(fd) ? fd_node(fd, out) : -ENOENT;
	}
	for (unsigned i = 1; i < ARRAY_SIZE(ents); i++)
		if (ents[i].parent == k && uk_streq(ents[i].name, name)) {
			*out = uk_node_get(nodes[i]);
			return 0;
		}
	return -ENOENT;
}

static long procfs_readdir(struct uk_node *dir, uint64_t *cookie, uk_dir_emit emit, void *ctx)
{
	enum kind k = kind_of(dir);
	if (k == FDDIR) {
		for (; *cookie < UK_FD_LIMIT; ++*cookie) {
			char name[8];
			unsigned n = sizeof(name) - 1;
			name[n] = 0;
			uint64_t v = *cookie;
			if (!uk_fd_get((long)v))
				continue;
			do
				name[--n] = (char)('0' + v % 10);
			while ((v /= 10));
			if (emit(ctx, name + n, 0x10000 + *cookie, UK_S_IFLNK >> 12))
				break;
		}
		return 0;
	}
	for (; *cookie + 1 < ARRAY_SIZE(ents); ++*cookie) {
		const struct ent *e = &ents[*cookie + 1];
		if (e->parent == k && emit(ctx, e->name, nodes[*cookie + 1]->ino, e->mode >> 12))
			break;
	}
	return 0;
}

static long procfs_read(struct uk_node *node, void *buf, size_t n, uint64_t off)
{
	const struct ent *e = ent_of(node);
	if (!e || e->kind != FILE)
		return -EINVAL;
	struct uk_text t = {buf, off, n, 0};
	e->text(&t);
	return uk_text_done(&t);
}

static long procfs_readlink(struct uk_node *node, char *buf, size_t size)
{
	struct uk_text t = {buf, 0, size, 0};
	const struct ent *e = ent_of(node);
	if (!e) {
		long fd = (long)(uintptr_t)node->priv - 1;
		if (!uk_fd_get(fd))
			return -ENOENT; /* closed since the lookup */
		uk_proc_fd_target(&t, fd);
	} else if (e->target) {
		uk_text_str(&t, e->target);
	} else if (uk_streq(e->name, "exe")) {
		uk_text_put(&t, "/", 1);
		uk_text_str(&t, uk_opt.name);
	} else { /* cwd */
		struct uk_node *cwd = uk_vfs_cwd();
		char *path = uk_path_buf();
		long len = path ? uk_vfs_path(cwd, path, UK_PATH_MAX) : -ENOMEM;
		if (len > 0)
			uk_text_put(&t, path, (size_t)len);
		if (path)
			uk_path_buf_free(path);
		uk_node_put(cwd);
		if (len < 0)
			return len;
	}
	return uk_text_done(&t);
}

static long procfs_getattr(struct uk_node *node, struct uk_stat *st)
{
	st->mode = node->mode;
	st->ino = node->ino;
	st->nlink = (node->mode & UK_S_IFMT) == UK_S_IFDIR ? 2 : 1;
	st->blksize = 1024;
	if ((node->mode & UK_S_IFMT) == UK_S_IFLNK && !is_fd(node) && ent_of(node)->target)
		st->size = (int64_t)uk_strlen(ent_of(node)->target);
	st->atime = st->mtime = st->ctime = (int64_t)(uk_realtime_ns() / 1000000000ull);
	return 0;
}

static const struct uk_node_ops procfs_ops = {
	.lookup = procfs_lookup,
	.readlink = procfs_readlink,
	.readdir = procfs_readdir,
	.read = procfs_read,
	.getattr = procfs_getattr,
};

static long procfs_statfs(struct uk_fs *f, struct uk_statfs *st)
{
	(void)f;
	st->type = UK_PROC_MAGIC;
	st->bsize = 4096;
	return 0;
}

static const struct uk_fs_ops procfs_fs_ops = {.statfs = procfs_statfs};

__uk_cold void uk_procfs_init(void)
{
	fs.ops = &procfs_fs_ops;
	fs.magic = UK_PROC_MAGIC;
	for (unsigned i = 0; i < ARRAY_SIZE(ents); i++) {
		if (!(nodes[i] = uk_node_new(&procfs_ops, &fs, ents[i].mode)))
			return;
		nodes[i]->priv = (void *)&ents[i];
		nodes[i]->refs = 1; /* the table's: never freed */
	}
	uk_vfs_mount("/proc", uk_node_get(nodes[0]), 0);
}
