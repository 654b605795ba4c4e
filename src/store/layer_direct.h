/* Writing a big blob's file around the page cache (O_DIRECT): in this
 * project's VMs a fresh page-cache page costs more than the disk's time,
 * and a layer written once by uk push is read back rarely (a push to
 * another registry) if ever. Bytes are gathered into an aligned buffer
 * and written a block at a time; the tail goes padded and the file is cut
 * back to its length. Where the file system refuses O_DIRECT, writes are
 * plain. */
#ifndef UK_STORE_LAYER_DIRECT_H
#define UK_STORE_LAYER_DIRECT_H

#include <stddef.h>

struct uk_direct {
	int fd, on;
	unsigned char *buf; /* UK_DIRECT_BLOCK bytes, aligned */
	size_t fill;
	unsigned long long size; /* bytes taken so far */
};

#define UK_DIRECT_BLOCK (4u << 20)

/* fd: open for writing, empty. Never fails: without O_DIRECT or its
 * buffer, the writes are plain. */
void uk_direct_open(struct uk_direct *d, int fd);
/* 0, or -1 with errno set. */
int uk_direct_write(struct uk_direct *d, const void *buf, size_t n);
/* Writes what is left; the file ends after exactly the bytes taken. */
int uk_direct_close(struct uk_direct *d);

#endif
