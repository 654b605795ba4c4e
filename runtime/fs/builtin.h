/* What the file systems the runtime makes itself share: the image's files
 * (imagefs.c), /dev (devfs.c), /proc (procfs.c) and the generated /etc
 * files (etcfiles.c). */
#ifndef UK_FS_BUILTIN_H
#define UK_FS_BUILTIN_H

#include "vfs.h"

/* statfs f_type of the image's files (ours: "ukfs"), devfs and procfs */
#define UK_IMAGEFS_FS_MAGIC 0x756b6673
#define UK_TMPFS_MAGIC      0x01021994
#define UK_PROC_MAGIC       0x9fa0

/* imagefs.c: the file system of the image's files, 0 if it has none. */
struct uk_fs *uk_imagefs(void);
/* Adds a file or directory the image does not have to directory dir of
 * the image's files (the mount points, the generated /etc files); data
 * stays the caller's. 0, -EEXIST, -ENOMEM (too many). */
long uk_imagefs_add(struct uk_node *dir, const char *name, uint32_t mode, const char *data,
		    uint64_t size);
/* The image's files have this directory (relative path); also what
 * refuses a bad image at start (process.c asks before main). */
int uk_imagefs_has_dir(const char *path);

/* A listing from a table: emits names[i] for i from *cookie on. */
struct uk_dirent_src {
	const char *name;
	uint64_t ino;
	unsigned type; /* DT_* */
};

/* The console's open file, shared by /dev/console, /dev/tty and the
 * descriptors 0-2 at start (console.c). */
struct uk_file *uk_console_file(void);

#endif
