/* procfs internals (procfs.c: the tree, procfs_text.c: what its files
 * say). A file's text is made again on every read, and only the bytes in
 * the window the read asks for are kept, so nothing is allocated. */
#ifndef UK_PROCFS_H
#define UK_PROCFS_H

#include "builtin.h"

struct uk_text {
	char *out;          /* the reader's buffer */
	uint64_t off, n;    /* the window: bytes [off, off + n) of the text */
	uint64_t pos;       /* bytes made so far */
};

void uk_text_put(struct uk_text *t, const char *s, size_t n);
void uk_text_str(struct uk_text *t, const char *s);
/* An unsigned number, right-aligned in width (0: as long as it is). */
void uk_text_num(struct uk_text *t, uint64_t v, unsigned width);
/* The count the window received. */
static inline long uk_text_done(const struct uk_text *t)
{
	return t->pos <= t->off ? 0 : (long)(t->pos - t->off < t->n ? t->pos - t->off : t->n);
}

void uk_proc_meminfo(struct uk_text *t);
void uk_proc_cpuinfo(struct uk_text *t);
void uk_proc_mounts(struct uk_text *t);
void uk_proc_cmdline(struct uk_text *t);
void uk_proc_comm(struct uk_text *t);
/* Where /proc/self/fd/N points: "/dev/console", a path, "pipe:[ino]",
 * "socket:[ino]", "anon_inode:[kind]". */
void uk_proc_fd_target(struct uk_text *t, long fd);

#endif
