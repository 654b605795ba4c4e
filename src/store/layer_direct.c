/* O_DIRECT writes of a blob (see layer_direct.h). */
#include "store/layer_direct.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Offsets, lengths and the buffer's address: a multiple of this (the
 * largest logical block size of common devices). */
#define ALIGN 4096u

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void plain(struct uk_direct *d)
{
	int fl = fcntl(d->fd, F_GETFL);

	if (fl >= 0)
		fcntl(d->fd, F_SETFL, fl & ~O_DIRECT);
	d->on = 0;
}

void uk_direct_open(struct uk_direct *d, int fd)
{
	int fl = fcntl(fd, F_GETFL);
	void *p;

	memset(d, 0, sizeof(*d));
	d->fd = fd;
	if (fl < 0 || posix_memalign(&p, ALIGN, UK_DIRECT_BLOCK) != 0)
		return;
	d->buf = p;
	d->on = fcntl(fd, F_SETFL, fl | O_DIRECT) == 0;
}

/* Writes the first n (a multiple of ALIGN) buffered bytes; when the file
 * system turns O_DIRECT down only now (EINVAL), they go plain. */
static int flush(struct uk_direct *d, size_t n)
{
	if (write_all(d->fd, d->buf, n) == 0)
		return 0;
	if (errno != EINVAL || !d->on)
		return -1;
	plain(d);
	return write_all(d->fd, d->buf, n);
}

int uk_direct_write(struct uk_direct *d, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	d->size += n;
	if (!d->on)
		return write_all(d->fd, p, n);
	while (n > 0) {
		size_t k = UK_DIRECT_BLOCK - d->fill < n ? UK_DIRECT_BLOCK - d->fill : n;

		memcpy(d->buf + d->fill, p, k);
		d->fill += k;
		p += k;
		n -= k;
		if (d->fill == UK_DIRECT_BLOCK) {
			if (flush(d, UK_DIRECT_BLOCK) < 0)
				return -1;
			d->fill = 0;
		}
	}
	return 0;
}

int uk_direct_close(struct uk_direct *d)
{
	int rc = 0;

	if (d->on && d->fill) {
		size_t padded = (d->fill + ALIGN - 1) / ALIGN * ALIGN;

		memset(d->buf + d->fill, 0, padded - d->fill);
		if (flush(d, padded) < 0 || ftruncate(d->fd, (off_t)d->size) < 0)
			rc = -1;
	} else if (!d->on && d->buf && d->fill && write_all(d->fd, d->buf, d->fill) < 0) {
		rc = -1;
	}
	if (d->on)
		plain(d);
	free(d->buf);
	d->buf = NULL;
	return rc;
}
