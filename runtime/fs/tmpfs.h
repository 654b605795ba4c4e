/* tmpfs internals shared by its files (tmpfs.c: nodes and directories,
 * tmpfs_pages.c: file data). */
#ifndef UK_TMPFS_H
#define UK_TMPFS_H

#include "vfs_impl.h"

#define TMPFS_MAGIC    0x01021994
#define TMPFS_MAX_SIZE 0x7fffffffffffffffull /* Linux's MAX_LFS_FILESIZE */

struct tfile {
	void *root;     /* page, or table of 512 slots */
	unsigned depth; /* 0 empty, 1 root is the page of index 0, ... */
	uint64_t size;
	struct uk_vmap *maps; /* its MAP_SHARED mappings (vmap.c), 0 when none */
};

struct tdirent {
	struct tdirent *next;
	struct tnode *node;
	uint64_t seq; /* readdir's cookie: entries in creation order */
	char name[];
};

struct tdir {
	struct tdirent *head, **tail;
	uint64_t seq, count;
	struct tnode *parent; /* 0 once removed */
};

struct tnode {
	struct uk_node n; /* first: a struct uk_node * is a struct tnode * */
	uint32_t nlink, uid, gid;
	uint64_t rdev;
	int64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	union {
		struct tfile file;
		struct tdir dir;
		char *target;
	};
};

long uk_tmpfs_read(struct tfile *f, void *buf, size_t n, uint64_t off);
long uk_tmpfs_write(struct tfile *f, const void *buf, size_t n, uint64_t off);
long uk_tmpfs_truncate(struct tfile *f, uint64_t size);
long uk_tmpfs_alloc(struct tfile *f, uint64_t off, uint64_t len);
uint64_t uk_tmpfs_pages(struct tfile *f);
void uk_tmpfs_free_data(struct tfile *f);
/* Page idx of f for a shared mapping (vmap.c): made if it is a hole inside
 * the file's size; 0 past the end or when memory is out. */
void *uk_tmpfs_map_page(struct tfile *f, uint64_t idx);
/* The data of a tmpfs regular file, or 0 for any other node (tmpfs.c). */
struct tfile *uk_tmpfs_file(struct uk_node *n);

#endif
