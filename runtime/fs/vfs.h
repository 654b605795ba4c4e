/* The virtual file system: nodes (one per file, directory, symlink or
 * device of a file system), the file systems they belong to, the mount
 * table and the path walk. A file system implements struct uk_node_ops;
 * the VFS does everything that is the same for all of them (path rules,
 * ".", mount crossing, EROFS, permission checks, "." and ".." in
 * listings, open files, locks).
 *
 * The program is one process running as root: permission bits are
 * recorded and reported, and only "x" is enforced (execute/search needs
 * one x bit, like CAP_DAC_OVERRIDE). */
#ifndef UK_VFS_H
#define UK_VFS_H

#include "errno.h"
#include "file.h"

#define UK_PATH_MAX 4096 /* bytes with the NUL */
#define UK_NAME_MAX 255
#define UK_SYMLOOP_MAX 40

struct uk_node;
struct uk_fs;

/* What setattr changes: the fields whose bit is in mask. Times are
 * already resolved (UTIME_NOW became the clock). The file system updates
 * ctime itself. */
#define UK_ATTR_MODE  1 /* permission bits only (07777): the type never changes */
#define UK_ATTR_UID   2
#define UK_ATTR_GID   4
#define UK_ATTR_ATIME 8
#define UK_ATTR_MTIME 16
struct uk_attr {
	unsigned mask;
	uint32_t mode, uid, gid;
	int64_t atime, atime_ns, mtime, mtime_ns;
};

/* readdir's callback: one entry; type is the d_type (mode >> 12, DT_*).
 * Returns nonzero when it can take no more (the entry was NOT taken). */
typedef int (*uk_dir_emit)(void *ctx, const char *name, uint64_t ino, unsigned type);

/* The operations of a file system's nodes. Names passed in are
 * NUL-terminated, 1..UK_NAME_MAX bytes, without '/', never "." (the VFS
 * resolves it); ".." reaches only lookup. Directory operations are called
 * only on directories, with the VFS having checked that the file system is
 * writable (else EROFS) and, where Linux does, that the target exists or
 * not. Every op returns 0 (or a count) or a negated errno; an op left 0
 * fails as written next to it.
 *
 * Nodes returned through `out` carry a new reference (uk_node_get). A file
 * system returns the same struct uk_node for the same file while it is
 * referenced (mount points and locks are found by node). */
struct uk_node_ops {
	/* The child called name, or ".." (the parent; a file system's root is
	 * its own parent). ENOENT if there is none. (0: ENOTDIR) */
	long (*lookup)(struct uk_node *dir, const char *name, struct uk_node **out);
	/* A new node of type mode & S_IFMT: regular, fifo, socket, char or
	 * block device (rdev). EEXIST if name exists; ENOSPC when full. (0: EPERM) */
	long (*create)(struct uk_node *dir, const char *name, uint32_t mode, uint64_t rdev,
		       struct uk_node **out);
	/* A new empty directory. (0: EPERM) */
	long (*mkdir)(struct uk_node *dir, const char *name, uint32_t mode, struct uk_node **out);
	/* A new symlink holding target (NUL-terminated, < UK_PATH_MAX). (0: EPERM) */
	long (*symlink)(struct uk_node *dir, const char *name, const char *target,
			struct uk_node **out);
	/* A new name for node (not a directory, same file system). (0: EPERM) */
	long (*link)(struct uk_node *dir, const char *name, struct uk_node *node);
	/* Removes a name that is not a directory (EISDIR if it is; the VFS
	 * checks first). The node lives on while referenced. (0: EPERM) */
	long (*unlink)(struct uk_node *dir, const char *name);
	/* Removes an empty directory: ENOTEMPTY otherwise, ENOTDIR if not one.
	 * (0: EPERM) */
	long (*rmdir)(struct uk_node *dir, const char *name);
	/* Moves olddir/oldname to newdir/newname, both on this file system,
	 * replacing the target as rename(2) does: a directory only by an
	 * empty directory (ENOTEMPTY, EISDIR, ENOTDIR), never a directory into
	 * itself or below (EINVAL). flags: UK_RENAME_NOREPLACE (EEXIST),
	 * UK_RENAME_EXCHANGE (both must exist, ENOENT). Same name: 0. (0: EPERM) */
	long (*rename)(struct uk_node *olddir, const char *oldname, struct uk_node *newdir,
		       const char *newname, unsigned flags);
	/* A symlink's target, up to size bytes, no NUL; returns its length.
	 * (0: EINVAL) */
	long (*readlink)(struct uk_node *node, char *buf, size_t size);
	/* The entries from *cookie on (0: the first; the VFS itself emits "."
	 * and ".."), advancing *cookie past each entry emit took, until emit
	 * says stop or the end. Entries added or removed meanwhile may be
	 * missed but no other entry is repeated or skipped. Returns 0. */
	long (*readdir)(struct uk_node *dir, uint64_t *cookie, uk_dir_emit emit, void *ctx);
	/* Data at off: a count (0 at or past the end) or -errno. Writes extend
	 * the file (a gap reads as zeros); ENOSPC/EFBIG as Linux. (0: EINVAL) */
	long (*read)(struct uk_node *node, void *buf, size_t n, uint64_t off);
	long (*write)(struct uk_node *node, const void *buf, size_t n, uint64_t off);
	/* New size: cut or extended with zeros. (0: EINVAL) */
	long (*truncate)(struct uk_node *node, uint64_t size);
	/* Fills what the file system knows: mode, ino, nlink, uid, gid, rdev,
	 * size, blocks (512 B), blksize, times. The VFS sets st_dev and zeroes
	 * st first. (0: st_mode = node->mode, st_ino = node->ino, nlink 1) */
	long (*getattr)(struct uk_node *node, struct uk_stat *st);
	/* (0: EPERM) */
	long (*setattr)(struct uk_node *node, const struct uk_attr *attr);
	/* Data to stable storage. (0: nothing to do) */
	long (*sync)(struct uk_node *node);
	/* Opening supplies its own open file (devices, /proc files, the
	 * console): *out gets a new uk_file (one reference), which may be one
	 * that already exists (uk_file_get). flags are open(2)'s, already
	 * checked. A file it makes through uk_vfs_file() behaves like any
	 * other; one made with uk_file_new() should leave f->node 0 unless it
	 * takes a node reference that its release puts. (0: uk_vfs_file) */
	long (*open)(struct uk_node *node, unsigned flags, struct uk_file **out);
	/* The last reference is gone (refs reached 0): the file system may
	 * free the node if no name points to it any more. (0: nothing) */
	void (*release)(struct uk_node *node);
};

#define UK_RENAME_NOREPLACE 1
#define UK_RENAME_EXCHANGE  2

struct uk_node {
	const struct uk_node_ops *ops;
	struct uk_fs *fs;
	uint32_t refs;  /* references held outside the file system */
	uint32_t mode;  /* S_IFMT type | permission bits, kept current */
	uint64_t ino;
	void *priv;     /* the file system's own */
	void *locks;    /* record locks and flock (lock.c) */
};

/* struct statfs as x86_64 Linux lays it out */
struct uk_statfs {
	int64_t type, bsize, blocks, bfree, bavail, files, ffree;
	int32_t fsid[2];
	int64_t namelen, frsize, flags, spare[4];
};
_Static_assert(sizeof(struct uk_statfs) == 120, "struct statfs, x86_64");

struct uk_fs_ops {
	/* Fills type (the magic), bsize, blocks, bfree, bavail, files, ffree;
	 * the VFS sets fsid, namelen, frsize and flags. (0: all zero but type) */
	long (*statfs)(struct uk_fs *fs, struct uk_statfs *st);
	/* Everything to stable storage (sync, syncfs). (0: nothing to do) */
	long (*sync)(struct uk_fs *fs);
};

/* One file-system instance, mounted once. The file system fills ops,
 * magic and priv, and sets root->fs = this; uk_vfs_mount fills the rest. */
struct uk_fs {
	const struct uk_fs_ops *ops;
	int64_t magic;           /* statfs f_type: TMPFS_MAGIC 0x01021994, ... */
	void *priv;
	/* set by uk_vfs_mount: */
	struct uk_node *root;
	struct uk_node *covered; /* the directory it is mounted on; 0 for / */
	unsigned flags;          /* UK_MNT_* */
	uint32_t dev;            /* st_dev of its nodes */
	struct uk_fs *next;      /* the mount table */
};

#define UK_MNT_RDONLY 1 /* EROFS for every change (statfs: ST_RDONLY) */

/* Mounts root->fs with root as its root on the directory at path (an
 * absolute path that exists; "/" replaces the root file system, what is
 * mounted on it stays). Takes over the caller's reference to root.
 * ENOENT, ENOTDIR, EBUSY (something already mounted there, but "/"). */
long uk_vfs_mount(const char *path, struct uk_node *root, unsigned flags);

/* File systems come up on the first path call (vfs.c, uk_vfs_init), in
 * this order: a tmpfs at "/"; uk_imagefs_init (the image's files, mounted
 * read-only at "/" when there are any); a tmpfs at "/tmp"; uk_devfs_init
 * ("/dev"); uk_procfs_init ("/proc"); uk_etcfs_init (the generated /etc
 * files). Without the image, the root tmpfs has empty /tmp, /dev, /proc
 * and /etc; a read-only root must list those directories itself. Each
 * hook is weak here: its object comes into the image because link_fs.c's
 * anchor (uk_link_fs) lists it. */
void uk_imagefs_init(void);
void uk_devfs_init(void);
void uk_procfs_init(void);
void uk_etcfs_init(void);
void uk_vfs_init(void);

/* Nodes: references and a fresh node for file systems that allocate. */
static inline struct uk_node *uk_node_get(struct uk_node *n)
{
	n->refs++;
	return n;
}
void uk_node_put(struct uk_node *n);
/* A node with refs 0 (the file system's own until it hands it out), the
 * given ops, fs, mode and a fresh inode number; 0 when memory is out. */
struct uk_node *uk_node_new(const struct uk_node_ops *ops, struct uk_fs *fs, uint32_t mode);
uint64_t uk_vfs_new_ino(void);
/* A unique st_dev for a file system that is not mounted (memfd, pipes). */
uint32_t uk_vfs_new_dev(void);

/* The path walk. dirfd: AT_FDCWD or a directory descriptor (its file's
 * node); flags: UK_WALK_*. *out gets a referenced node. Errors as Linux:
 * ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EBADF, EACCES (a directory
 * without x), EFAULT. */
#define UK_AT_FDCWD (-100)
#define UK_WALK_NOFOLLOW 1  /* the last component is not followed if a symlink */
#define UK_WALK_EMPTY    2  /* "" is dirfd itself (AT_EMPTY_PATH) */
#define UK_WALK_DIR      4  /* the result must be a directory (ENOTDIR) */
long uk_vfs_walk(long dirfd, const char *path, unsigned flags, struct uk_node **out);

/* The parent directory of a path and its last name, for calls that make
 * or remove names: *dir is referenced, name gets the last component
 * (NUL-terminated, may be "." or ".." which callers refuse as Linux
 * does, and "/" for the root itself); *slash is set when the path ends
 * with '/'. ENOENT for "". */
long uk_vfs_walk_parent(long dirfd, const char *path, struct uk_node **dir,
			char name[UK_NAME_MAX + 1], int *slash);

/* Opens a node as open(2) would after the walk (flags checked here:
 * EISDIR, ENOTDIR for O_DIRECTORY, EROFS, O_TRUNC, O_PATH): the node's
 * open op or the generic file. *out: one reference. */
long uk_vfs_open_node(struct uk_node *n, unsigned flags, struct uk_file **out);
/* The generic open file of a node: read/write/stat/truncate/getdents/sync
 * through its ops, seekable, f->node = n (a reference of its own). */
struct uk_file *uk_vfs_file(struct uk_node *n, unsigned flags);
/* The node behind an open file (borrowed), or 0. */
static inline struct uk_node *uk_file_node(struct uk_file *f)
{
	return (struct uk_node *)f->node;
}
/* stat of a node as stat(2) reports it (st_dev from its file system). */
long uk_vfs_getattr(struct uk_node *n, struct uk_stat *st);
/* The absolute path of a directory, found upwards through ".." and each
 * parent's listing: a length without the NUL, or ERANGE when size is too
 * small, ENOENT if it was removed (or is no directory). */
long uk_vfs_path(struct uk_node *n, char *buf, size_t size);

/* The working directory (referenced; "/" at start) and the umask. */
struct uk_node *uk_vfs_cwd(void);
extern uint32_t uk_vfs_umask;
/* EROFS if the node's file system is read-only, else 0. */
static inline long uk_vfs_writable(struct uk_node *n)
{
	return (n->fs->flags & UK_MNT_RDONLY) ? -EROFS : 0;
}

/* tmpfs (tmpfs.c): a new, empty tmpfs instance's root (refs 1), 0 when
 * memory is out. memfd_create and O_TMPFILE use uk_tmpfs_anon. */
struct uk_node *uk_tmpfs_new(void);
/* A regular file with no name on the tmpfs of dir (refs 1). */
long uk_tmpfs_anon(struct uk_node *dir, uint32_t mode, struct uk_node **out);

/* lock.c: every lock a closing descriptor or open file holds goes. */
void uk_lock_release_file(struct uk_file *f);

#endif
