/* Paths and files: the few helpers every stage needs. */
#ifndef UK_UTIL_PATH_H
#define UK_UTIL_PATH_H

#include <stddef.h>

#include "util/error.h"

/* Finds an executable by name in $PATH (or returns a copy of a name with a
 * slash in it when that file is executable). Caller frees; NULL if absent. */
char *uk_which(const char *name);

/* malloc'd "a/b" (a may be "" or end with '/'). */
char *uk_path_join(const char *a, const char *b);

/* mkdir -p. */
int uk_mkdirs(const char *path, struct uk_error *err);

/* rm -rf (no error when absent). */
int uk_remove_tree(const char *path, struct uk_error *err);

/* Reads a whole file (NUL-terminated for convenience; *len excludes it). */
int uk_read_file(const char *path, char **data, size_t *len, struct uk_error *err);

/* Writes all of buf[0..len) to fd, again after EINTR and short writes;
 * -1 with errno set (0 when write wrote nothing). */
int uk_write_all(int fd, const void *buf, size_t len);

/* Writes a file atomically: a temporary file beside it, synced, renamed,
 * then its folder synced. Errors name path, never the temporary file, which
 * is removed on failure and when uk is interrupted (util/cleanup.h). */
int uk_write_file_atomic(const char *path, const void *data, size_t len,
			 int mode, struct uk_error *err);
/* The same, whole and renamed into place, but not synced to the disk (the
 * file's fsync and its folder's are 1-3 ms here): for what only saves work
 * (a stamp, a cache entry), whose loss or truncation in a power cut costs
 * that work again and which its readers take as absent then. */
int uk_write_file_unsynced(const char *path, const void *data, size_t len,
			   int mode, struct uk_error *err);

/* Puts the finished temporary file tmp at path: a rename, except when path
 * is a symlink (/dev/stdout) or not a regular file (/dev/null, a FIFO, a
 * terminal), which is written through instead, as ld does (a rename would
 * put a file in its place); tmp is gone either way. 0, or -1 with errno. */
int uk_path_publish(const char *tmp, const char *path);

/* fsync of the folder holding path (after a rename into it); best effort. */
void uk_sync_parent(const char *path);
/* fsync of the folder dir itself */
void uk_sync_dir(const char *dir);

int uk_file_exists(const char *path);
int uk_is_dir(const char *path);

/* The folder of the running executable (from /proc/self/exe), malloc'd. */
char *uk_exe_dir(void);

#endif
