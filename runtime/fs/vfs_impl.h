/* What the VFS's own files share (not for file systems: vfs.h). */
#ifndef UK_VFS_IMPL_H
#define UK_VFS_IMPL_H

#include "syscall.h"
#include "vfs.h"

#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR        0x200
#define AT_SYMLINK_FOLLOW   0x400
#define AT_NO_AUTOMOUNT     0x800
#define AT_EMPTY_PATH       0x1000
#define AT_EACCESS          0x200

/* vfs.c: the root directory (borrowed) and the file system mounted on a
 * directory, or 0. */
struct uk_node *uk_vfs_root(void);
struct uk_fs *uk_vfs_mounted(struct uk_node *dir);
extern struct uk_fs *uk_vfs_mounts;
void uk_vfs_set_cwd(struct uk_node *n);

/* namei.c: path buffers (UK_PATH_MAX bytes) from a small pool */
char *uk_path_buf(void);
void uk_path_buf_free(char *p);
/* Copies the program's path into buf: its length, or -EFAULT,
 * -ENAMETOOLONG. */
long uk_path_copy(char *buf, long user);
/* The walk over a kernel copy. */
long uk_vfs_walk_k(long dirfd, const char *path, unsigned flags, struct uk_node **out);
/* One name in a directory, as the walk takes it: "." and "..", mount
 * points both ways. */
long uk_vfs_lookup(struct uk_node *dir, const char *name, struct uk_node **out);
/* The starting directory for dirfd (referenced): the cwd for AT_FDCWD,
 * EBADF, ENOTDIR. */
long uk_vfs_start(long dirfd, struct uk_node **out);

static inline int uk_is_dir(const struct uk_node *n)
{
	return (n->mode & UK_S_IFMT) == UK_S_IFDIR;
}

static inline int uk_is_lnk(const struct uk_node *n)
{
	return (n->mode & UK_S_IFMT) == UK_S_IFLNK;
}

static inline int uk_streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* tmpfs.c: makes the pages of [off, off+len) exist; EOPNOTSUPP if n is
 * not a tmpfs file. */
long uk_tmpfs_fallocate(struct uk_node *n, uint64_t off, uint64_t len);

/* The node of descriptor fd for calls that take one (fchmod, fchown,
 * futimens, fstatfs...): EBADF if fd is not open; *n is 0 for files
 * without a node. */
static inline long uk_fd_node(long fd, struct uk_node **n)
{
	struct uk_file *f = uk_fd_get(fd);
	if (!f)
		return -EBADF;
	*n = uk_file_node(f);
	return 0;
}

/* vfile.c: the generic file's ops, to tell its files from others */
extern const struct uk_file_ops uk_vfs_file_ops;
extern const struct uk_file_ops uk_vfs_path_ops;

#endif
