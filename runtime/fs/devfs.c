/* /dev: the devices every program expects, with Linux's modes and device
 * numbers, the standard-stream links into /proc/self/fd, and a tmpfs at
 * /dev/shm (shm_open). A fixed table: nothing is made or removed. */
#include "builtin.h"

#define DEV(ma, mi) (((uint64_t)(ma) << 8) | (mi))

enum kind { ROOT, NUL, ZERO, FULL, RANDOM, CONSOLE, LINK, DIR };

static const struct dev {
	const char *name;
	uint32_t mode;
	uint64_t rdev;
	enum kind kind;
	const char *target;
} devs[] = {
	{"", UK_S_IFDIR | 0755, 0, ROOT, 0},
	{"console", UK_S_IFCHR | 0600, DEV(5, 1), CONSOLE, 0},
	{"fd", UK_S_IFLNK | 0777, 0, LINK, "/proc/self/fd"},
	{"full", UK_S_IFCHR | 0666, DEV(1, 7), FULL, 0},
	{"null", UK_S_IFCHR | 0666, DEV(1, 3), NUL, 0},
	{"random", UK_S_IFCHR | 0666, DEV(1, 8), RANDOM, 0},
	{"shm", UK_S_IFDIR | 01777, 0, DIR, 0},
	{"stderr", UK_S_IFLNK | 0777, 0, LINK, "/proc/self/fd/2"},
	{"stdin", UK_S_IFLNK | 0777, 0, LINK, "/proc/self/fd/0"},
	{"stdout", UK_S_IFLNK | 0777, 0, LINK, "/proc/self/fd/1"},
	{"tty", UK_S_IFCHR | 0666, DEV(5, 0), CONSOLE, 0},
	{"urandom", UK_S_IFCHR | 0666, DEV(1, 9), RANDOM, 0},
	{"zero", UK_S_IFCHR | 0666, DEV(1, 5), ZERO, 0},
};

static struct uk_fs fs;
static struct uk_node *nodes[ARRAY_SIZE(devs)];

static const struct dev *dev_of(struct uk_node *n)
{
	return n->priv;
}

/* Only the root has entries (shm is covered by its tmpfs). */
static long devfs_lookup(struct uk_node *dir, const char *name, struct uk_node **out)
{
	if (name[0] == '.' && name[1] == '.' && !name[2]) {
		*out = uk_node_get(nodes[0]);
		return 0;
	}
	for (unsigned i = 1; dir == nodes[0] && i < ARRAY_SIZE(devs); i++)
		if (!uk_strncmp(devs[i].name, name, UK_NAME_MAX + 1)) {
			*out = uk_node_get(nodes[i]);
			return 0;
		}
	return -ENOENT;
}

static long devfs_readdir(struct uk_node *dir, uint64_t *cookie, uk_dir_emit emit, void *ctx)
{
	for (; dir == nodes[0] && *cookie + 1 < ARRAY_SIZE(devs); ++*cookie) {
		const struct dev *d = &devs[*cookie + 1];
		if (emit(ctx, d->name, nodes[*cookie + 1]->ino, d->mode >> 12))
			break;
	}
	return 0;
}

static long devfs_read(struct uk_node *node, void *buf, size_t n, uint64_t off)
{
	(void)off;
	switch (dev_of(node)->kind) {
	case ZERO:
	case FULL:
		uk_memset(buf, 0, n);
		return (long)n;
	case RANDOM:
		uk_random_fill(buf, n);
		return (long)n;
	default:
		return 0;
	}
}

static long devfs_write(struct uk_node *node, const void *buf, size_t n, uint64_t off)
{
	(void)buf, (void)off;
	return dev_of(node)->kind == FULL ? -ENOSPC : (long)n;
}

static long devfs_readlink(struct uk_node *node, char *buf, size_t size)
{
	const char *t = dev_of(node)->target;
	size_t n = uk_strlen(t);
	if (n > size)
		n = size;
	uk_memcpy(buf, t, n);
	return (long)n;
}

static long devfs_getattr(struct uk_node *node, struct uk_stat *st)
{
	const struct dev *d = dev_of(node);
	st->mode = d->mode;
	st->ino = node->ino;
	st->nlink = (d->mode & UK_S_IFMT) == UK_S_IFDIR ? 2 : 1;
	st->rdev = d->rdev;
	st->size = d->target ? (int64_t)uk_strlen(d->target) : 0;
	st->blksize = 4096;
	return 0;
}

/* The console devices are the console's terminal file (shared with the
 * descriptors 0-2 that are terminals); the others are plain node files.
 * /dev/tty is the controlling terminal: none (ENXIO, as on Linux) when
 * uk.tty says no descriptor is a terminal. */
static long devfs_open(struct uk_node *node, unsigned flags, struct uk_file **out)
{
	if (dev_of(node)->kind == CONSOLE) {
		if (dev_of(node)->rdev == DEV(5, 0) && !(uk_opt.tty & 7))
			return -ENXIO;
		*out = uk_file_get(uk_console_file());
		return 0;
	}
	*out = uk_vfs_file(node, flags);
	return *out ? 0 : -ENOMEM;
}


static const struct uk_node_ops devfs_ops = {
	.lookup = devfs_lookup,
	.readlink = devfs_readlink,
	.readdir = devfs_readdir,
	.read = devfs_read,
	.write = devfs_write,
	.getattr = devfs_getattr,
	.open = devfs_open,
};

static long devfs_statfs(struct uk_fs *f, struct uk_statfs *st)
{
	(void)f;
	st->type = UK_TMPFS_MAGIC; /* devtmpfs says so too */
	st->bsize = 4096;
	return 0;
}

static const struct uk_fs_ops devfs_fs_ops = {.statfs = devfs_statfs};

__uk_cold void uk_devfs_init(void)
{
	fs.ops = &devfs_fs_ops;
	fs.magic = UK_TMPFS_MAGIC;
	for (unsigned i = 0; i < ARRAY_SIZE(devs); i++) {
		if (!(nodes[i] = uk_node_new(&devfs_ops, &fs, devs[i].mode)))
			return;
		nodes[i]->priv = (void *)&devs[i];
		nodes[i]->refs = 1; /* the table's: never freed */
	}
	if (uk_vfs_mount("/dev", uk_node_get(nodes[0]), 0))
		return;
	struct uk_node *shm = uk_tmpfs_new();
	if (shm && uk_vfs_mount("/dev/shm", shm, 0))
		uk_node_put(shm);
}
