/* A 9P2000.L client over virtio-9p (9p.c): one channel per device, one
 * request in flight at a time. Every call returns 0 (or a count) or a
 * negated errno: an Rlerror's code is Linux's errno and is returned as is;
 * a reply that makes no sense is -EIO. Names are NUL-terminated. */
#ifndef UK_9P_H
#define UK_9P_H

#include "kernel.h"

#define UK_9P_NOFID 0xffffffffu

struct uk_9p_qid {
	uint8_t type;
	uint32_t version;
	uint64_t path;
};

/* Rgetattr's fields */
struct uk_9p_attr {
	uint64_t valid;
	struct uk_9p_qid qid;
	uint32_t mode, uid, gid;
	uint64_t nlink, rdev, size, blksize, blocks;
	uint64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
};

/* Tsetattr: valid says which fields count */
#define UK_9P_SET_MODE      0x001
#define UK_9P_SET_UID       0x002
#define UK_9P_SET_GID       0x004
#define UK_9P_SET_SIZE      0x008
#define UK_9P_SET_ATIME     0x010
#define UK_9P_SET_MTIME     0x020
#define UK_9P_SET_CTIME     0x040
#define UK_9P_SET_ATIME_SET 0x080 /* the given time, not the server's now */
#define UK_9P_SET_MTIME_SET 0x100
struct uk_9p_setattr {
	uint32_t valid, mode, uid, gid;
	uint64_t size, atime, atime_ns, mtime, mtime_ns;
};

struct uk_9p_statfs {
	uint32_t type, bsize;
	uint64_t blocks, bfree, bavail, files, ffree, fsid;
	uint32_t namelen;
};

struct uk_9p;

/* The channel of the virtio-9p device whose mount tag is tag, version
 * negotiated (msize asked: UK_9P_MSIZE); 0 if there is none. */
#define UK_9P_MSIZE (512 * 1024)
struct uk_9p *uk_9p_open(const char *tag);
uint32_t uk_9p_msize(const struct uk_9p *c);

/* Fid numbers: a free one; clunk gives one back. */
uint32_t uk_9p_fid_new(struct uk_9p *c);
long uk_9p_clunk(struct uk_9p *c, uint32_t fid);
void uk_9p_fid_free(struct uk_9p *c, uint32_t fid); /* one the server does not know */

long uk_9p_attach(struct uk_9p *c, uint32_t fid, struct uk_9p_qid *qid);
/* newfid = fid walked by name, or a clone of fid when name is 0. */
long uk_9p_walk(struct uk_9p *c, uint32_t fid, uint32_t newfid, const char *name,
		struct uk_9p_qid *qid);
long uk_9p_getattr(struct uk_9p *c, uint32_t fid, struct uk_9p_attr *a);
long uk_9p_setattr(struct uk_9p *c, uint32_t fid, const struct uk_9p_setattr *s);
long uk_9p_lopen(struct uk_9p *c, uint32_t fid, uint32_t flags);
/* fid (a directory) becomes the new file, open with flags. */
long uk_9p_lcreate(struct uk_9p *c, uint32_t fid, const char *name, uint32_t flags,
		   uint32_t mode, struct uk_9p_qid *qid);
/* As many requests as it takes (at most msize less headers each); stops
 * at a short count. */
long uk_9p_read(struct uk_9p *c, uint32_t fid, uint64_t off, void *buf, size_t n);
long uk_9p_write(struct uk_9p *c, uint32_t fid, uint64_t off, const void *buf, size_t n);
/* Directory entries from offset off, one Treaddir: calls emit per entry
 * (name NUL-terminated, next: the offset after it) until it returns
 * nonzero. Returns how many entries emit took, 0 at the end. */
long uk_9p_readdir(struct uk_9p *c, uint32_t fid, uint64_t off,
		   int (*emit)(void *ctx, const char *name, const struct uk_9p_qid *qid,
			       unsigned type, uint64_t next),
		   void *ctx);
long uk_9p_mkdir(struct uk_9p *c, uint32_t dfid, const char *name, uint32_t mode,
		 struct uk_9p_qid *qid);
long uk_9p_mknod(struct uk_9p *c, uint32_t dfid, const char *name, uint32_t mode,
		 uint64_t rdev, struct uk_9p_qid *qid);
long uk_9p_symlink(struct uk_9p *c, uint32_t dfid, const char *name, const char *target,
		   struct uk_9p_qid *qid);
long uk_9p_link(struct uk_9p *c, uint32_t dfid, uint32_t fid, const char *name);
#define UK_9P_AT_REMOVEDIR 0x200
long uk_9p_unlinkat(struct uk_9p *c, uint32_t dfid, const char *name, uint32_t flags);
long uk_9p_renameat(struct uk_9p *c, uint32_t olddfid, const char *oldname, uint32_t newdfid,
		    const char *newname);
/* The target, up to size bytes (no NUL): its length. */
long uk_9p_readlink(struct uk_9p *c, uint32_t fid, char *buf, size_t size);
long uk_9p_fsync(struct uk_9p *c, uint32_t fid);
long uk_9p_statfs(struct uk_9p *c, uint32_t fid, struct uk_9p_statfs *st);

#endif
