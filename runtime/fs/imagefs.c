/* The image's own files (uk/imagefs.h), read-only at "/": the blob in
 * section uk_files is checked once (imagefs_check.c) and then read in
 * place. A node is made for an entry the first time it is looked up and
 * kept. Entries the blob lacks but the root needs (the mount points, the
 * generated /etc files) are added beside it (uk_imagefs_add).
 *
 * Indexes: 0 is the root, 1..count the blob's entries, then the added
 * ones. A blob the check refuses ends the program with status 126. */
#include <uk/imagefs.h>

#include "builtin.h"
#include "imagefs_check.h"

extern const char __start_uk_files[] __attribute__((weak));
extern const char __stop_uk_files[] __attribute__((weak));

#define MAX_ADDED 16
#define DT_SHIFT  12

struct added {
	uint32_t parent; /* index */
	const char *name, *data;
	uint32_t mode;
	uint64_t size;
};

static const struct uk_imagefs_header *hdr;
static const struct uk_imagefs_entry *ents;
static uint32_t count;
static struct added added[MAX_ADDED];
static uint32_t nadded;
static struct uk_node **nodes; /* by index, made on first use */
static struct uk_fs fs;

/* 1 when there is a good blob, 0 when there is none; refuses a bad one. */
__uk_cold static int blob(void)
{
	static int state; /* 0 unknown, 1 none, 2 good */
	if (state)
		return state == 2;
	state = 1;
	uint64_t len = (uint64_t)(__stop_uk_files - __start_uk_files);
	if (!__start_uk_files || !len)
		return 0;
	uint32_t bad = UK_IMAGEFS_NO_ENTRY;
	const char *why = "section not 8-byte aligned";
	if ((uint64_t)__start_uk_files % 8 == 0)
		why = uk_imagefs_check(__start_uk_files, len, &bad);
	if (why) {
		if (bad == UK_IMAGEFS_NO_ENTRY)
			uk_printk("uk: image files: %s\n", why);
		else
			uk_printk("uk: image files: entry %u: %s\n", bad, why);
		uk_plat_exit(126);
	}
	hdr = (const void *)__start_uk_files;
	ents = (const void *)(__start_uk_files + hdr->entries_off);
	count = hdr->count;
	state = 2;
	return 1;
}

static const char *path_of(uint32_t i) /* a blob entry's, i >= 1 */
{
	return (const char *)hdr + hdr->names_off + ents[i - 1].name_off;
}

/* Byte order of path p against dir "/" name (dir "" for the root), or
 * against the dlen bytes of dir alone when name is 0. */
static int compare(const char *p, const char *dir, size_t dlen, const char *name)
{
	for (size_t i = 0; i < dlen; i++, p++)
		if (*p != dir[i])
			return *p ? (unsigned char)*p - (unsigned char)dir[i] : -1;
	if (!name)
		return *p ? 1 : 0;
	if (dlen) {
		if (*p != '/')
			return (unsigned char)*p - '/';
		p++;
	}
	while (*name && *p == *name)
		p++, name++;
	return (unsigned char)*p - (unsigned char)*name;
}

/* The first blob index whose path is >= dir "/" name. */
static uint32_t lower_bound(const char *dir, size_t dlen, const char *name)
{
	uint32_t lo = 1, hi = count + 1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (compare(path_of(mid), dir, dlen, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static uint32_t find(const char *dir, size_t dlen, const char *name)
{
	uint32_t i = lower_bound(dir, dlen, name);
	return i <= count && !compare(path_of(i), dir, dlen, name) ? i : 0;
}

__uk_cold int uk_imagefs_has_dir(const char *path)
{
	if (!blob())
		return 0;
	uint32_t i = find("", 0, path);
	return i && (ents[i - 1].mode & UK_S_IFMT) == UK_S_IFDIR;
}

/* What every index has, wherever it comes from. */
struct info {
	uint32_t mode, uid, gid, parent;
	uint64_t mtime, size;
	const char *data;
};

static void info_of(uint32_t i, struct info *in)
{
	uk_memset(in, 0, sizeof(*in));
	if (!i) {
		in->mode = UK_S_IFDIR | 0755;
	} else if (i <= count) {
		const struct uk_imagefs_entry *e = &ents[i - 1];
		in->mode = e->mode;
		in->uid = e->uid;
		in->gid = e->gid;
		in->mtime = e->mtime;
		in->size = e->size;
		in->data = (const char *)hdr + e->data_off;
	} else {
		const struct added *a = &added[i - count - 1];
		in->mode = a->mode;
		in->size = a->size;
		in->data = a->data;
		in->parent = a->parent;
	}
}

static uint32_t index_of(struct uk_node *n)
{
	return (uint32_t)(uintptr_t)n->priv;
}

static const struct uk_node_ops imagefs_ops;

static long node_of(uint32_t i, struct uk_node **out)
{
	if (!nodes[i]) {
		struct info in;
		info_of(i, &in);
		struct uk_node *n = uk_node_new(&imagefs_ops, &fs, in.mode);
		if (!n)
			return -ENOMEM;
		n->ino = i + 1;
		n->priv = (void *)(uintptr_t)i;
		n->refs = 1; /* the table's: never freed */
		nodes[i] = n;
	}
	*out = uk_node_get(nodes[i]);
	return 0;
}

/* The blob path of a directory index: "" for the root and added ones
 * (which hold no blob entries). */
static const char *dir_path(uint32_t d, size_t *len)
{
	const char *p = d && d <= count ? path_of(d) : "";
	*len = uk_strlen(p);
	return p;
}

static long imagefs_lookup(struct uk_node *dir, const char *name, struct uk_node **out)
{
	uint32_t d = index_of(dir);
	if (name[0] == '.' && name[1] == '.' && !name[2]) {
		if (!d)
			return node_of(0, out);
		if (d > count)
			return node_of(added[d - count - 1].parent, out);
		const char *p = path_of(d), *slash = 0;
		for (const char *s = p; *s; s++)
			if (*s == '/')
				slash = s;
		return node_of(slash ? find(p, (size_t)(slash - p), 0) : 0, out);
	}
	size_t dlen;
	const char *dp = dir_path(d, &dlen);
	uint32_t i = d <= count ? find(dp, dlen, name) : 0;
	for (uint32_t k = 0; !i && k < nadded; k++)
		if (added[k].parent == d && !uk_strncmp(added[k].name, name, UK_NAME_MAX + 1))
			i = count + 1 + k;
	return i ? node_of(i, out) : -ENOENT;
}

#define ADDED_COOKIE (1ull << 32)

/* Blob entries from *cookie on, then the added ones. */
static long imagefs_readdir(struct uk_node *dir, uint64_t *cookie, uk_dir_emit emit, void *ctx)
{
	uint32_t d = index_of(dir);
	size_t dlen;
	const char *dp = dir_path(d, &dlen);
	if (*cookie < ADDED_COOKIE && d <= count) {
		uint32_t i = *cookie ? (uint32_t)*cookie : lower_bound(dp, dlen, "");
		for (; i <= count; i++) {
			const char *p = path_of(i);
			if (dlen && (uk_strncmp(p, dp, dlen) || p[dlen] != '/'))
				break; /* past the folder's entries, which sort together */
			const char *name = p + (dlen ? dlen + 1 : 0), *s = name;
			while (*s && *s != '/')
				s++;
			if (*s)
				continue; /* deeper down */
			*cookie = i;
			if (emit(ctx, name, i + 1, ents[i - 1].mode >> DT_SHIFT))
				return 0;
		}
	}
	if (*cookie < ADDED_COOKIE)
		*cookie = ADDED_COOKIE;
	for (uint64_t k = *cookie - ADDED_COOKIE; k < nadded; k++) {
		*cookie = ADDED_COOKIE + k;
		if (added[k].parent == d &&
		    emit(ctx, added[k].name, count + 2 + k, added[k].mode >> DT_SHIFT))
			return 0;
	}
	*cookie = ADDED_COOKIE + nadded;
	return 0;
}

static long imagefs_read(struct uk_node *node, void *buf, size_t n, uint64_t off)
{
	struct info in;
	info_of(index_of(node), &in);
	if ((in.mode & UK_S_IFMT) == UK_S_IFDIR)
		return -EISDIR;
	if (off >= in.size)
		return 0;
	if (n > in.size - off)
		n = in.size - off;
	uk_memcpy(buf, in.data + off, n);
	return (long)n;
}

static long imagefs_readlink(struct uk_node *node, char *buf, size_t size)
{
	struct info in;
	info_of(index_of(node), &in);
	if ((in.mode & UK_S_IFMT) != UK_S_IFLNK)
		return -EINVAL;
	size_t n = in.size < size ? in.size : size;
	uk_memcpy(buf, in.data, n);
	return (long)n;
}

static long imagefs_getattr(struct uk_node *node, struct uk_stat *st)
{
	struct info in;
	info_of(index_of(node), &in);
	st->mode = in.mode;
	st->ino = node->ino;
	st->nlink = (in.mode & UK_S_IFMT) == UK_S_IFDIR ? 2 : 1;
	st->uid = in.uid;
	st->gid = in.gid;
	st->size = (int64_t)in.size;
	st->blocks = (int64_t)((in.size + 511) / 512);
	st->blksize = 4096;
	st->atime = st->mtime = st->ctime = (int64_t)in.mtime;
	return 0;
}

static const struct uk_node_ops imagefs_ops = {
	.lookup = imagefs_lookup,
	.readlink = imagefs_readlink,
	.readdir = imagefs_readdir,
	.read = imagefs_read,
	.getattr = imagefs_getattr,
};

static long imagefs_statfs(struct uk_fs *f, struct uk_statfs *st)
{
	(void)f;
	st->type = UK_IMAGEFS_FS_MAGIC;
	st->bsize = 4096;
	st->blocks = (int64_t)((hdr->size + 4095) / 4096);
	st->files = count + nadded + 1;
	return 0;
}

static const struct uk_fs_ops imagefs_fs_ops = {.statfs = imagefs_statfs};

struct uk_fs *uk_imagefs(void)
{
	return nodes ? &fs : 0;
}

__uk_cold long uk_imagefs_add(struct uk_node *dir, const char *name, uint32_t mode,
			      const char *data, uint64_t size)
{
	struct uk_node *old;
	if (!imagefs_lookup(dir, name, &old)) {
		uk_node_put(old);
		return -EEXIST;
	}
	if (nadded == MAX_ADDED)
		return -ENOMEM;
	added[nadded++] = (struct added){index_of(dir), name, data, mode, size};
	return 0;
}

/* The root's mount points, when the image does not have them. */
__uk_cold static void add_mount_points(void)
{
	static const char *const dirs[] = {"tmp", "dev", "proc", "etc"};
	for (unsigned i = 0; i < ARRAY_SIZE(dirs); i++)
		uk_imagefs_add(nodes[0], dirs[i], UK_S_IFDIR | (i ? 0755 : 01777), 0, 0);
}

__uk_cold void uk_imagefs_init(void)
{
	if (!blob())
		return;
	struct uk_node *root;
	nodes = uk_zalloc(((size_t)count + 1 + MAX_ADDED) * sizeof(*nodes));
	if (!nodes || node_of(0, &root)) {
		uk_printk("uk: image files: no memory\n");
		uk_plat_exit(126);
	}
	fs.ops = &imagefs_fs_ops;
	fs.magic = UK_IMAGEFS_FS_MAGIC;
	add_mount_points();
	if (uk_vfs_mount("/", root, UK_MNT_RDONLY))
		uk_node_put(root);
}
