/* Input files, held for the life of the link. Small ones (nearly every
 * object) are read into the link's arena: a big link reads a thousand
 * objects of a few KiB, and mapping, faulting in and unmapping each cost
 * more than copying it into memory that comes in 2 MiB pages (arena.c).
 * Larger ones (archives, amalgamations) are mapped, since a link reads
 * only parts of them. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linker/internal.h"

#define SMALL_FILE ((off_t)1 << 20)

static int read_small(struct lk_ctx *c, const char *path, int fd, size_t size,
		      const uint8_t **data)
{
	uint8_t *p = lk_arena_alloc(&c->arena, size);
	size_t got = 0;

	while (got < size) {
		ssize_t n = read(fd, p + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return uk_errorf(c->err, "cannot read '%s': %s", path,
					 strerror(errno));
		if (n == 0)
			return uk_errorf(c->err, "'%s' shrank while being read",
					 path);
		got += (size_t)n;
	}
	*data = p;
	return 0;
}

static int map_large(struct lk_ctx *c, const char *path, int fd, size_t size,
		     const uint8_t **data)
{
	void *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	struct lk_map m = { p, size, path };

	if (p == MAP_FAILED)
		return uk_errorf(c->err, "cannot map '%s': %s", path,
				 strerror(errno));
	lk_push(&c->maps, &c->nmaps, &c->capmaps, sizeof(m), &m);
	*data = p;
	return 0;
}

int lk_map_file(struct lk_ctx *c, const char *path, const uint8_t **data,
		size_t *size)
{
	struct stat st;
	int rc, fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return uk_errorf(c->err, "cannot open '%s': %s", path,
				 strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return uk_errorf(c->err, "'%s' is not a regular file", path);
	}
	if (st.st_size == 0) {
		close(fd);
		return uk_errorf(c->err, "'%s' is empty", path);
	}
	*size = (size_t)st.st_size;
	rc = st.st_size <= SMALL_FILE ? read_small(c, path, fd, *size, data)
				      : map_large(c, path, fd, *size, data);
	close(fd);
	return rc;
}

void lk_unmap_inputs(struct lk_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nmaps; i++)
		munmap(c->maps[i].p, c->maps[i].len);
	free(c->maps);
}
