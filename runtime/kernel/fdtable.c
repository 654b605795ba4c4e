/* The descriptor table: an array of open-file pointers that grows in
 * steps up to RLIMIT_NOFILE, each slot with its FD_CLOEXEC bit. */
#include "errno.h"
#include "file.h"

struct slot {
	struct uk_file *f;
	unsigned flags;
};

static struct slot first[8]; /* most programs never need more */
static struct slot *table = first;
static long size = ARRAY_SIZE(first);
uint64_t uk_fd_limit = UK_FD_LIMIT;

struct uk_file *uk_fd_get(long fd)
{
	return fd >= 0 && fd < size ? table[fd].f : 0;
}

static int grow(long need)
{
	long n = size;
	while (n <= need)
		n *= 2;
	struct slot *t = uk_zalloc((size_t)n * sizeof(*t));
	if (!t)
		return -ENOMEM;
	uk_memcpy(t, table, (size_t)size * sizeof(*t));
	if (table != first)
		uk_free(table);
	table = t;
	size = n;
	return 0;
}

long uk_fd_install(struct uk_file *f, long min, unsigned fdflags)
{
	if (min < 0)
		return -EINVAL;
	for (long fd = min; fd < (long)uk_fd_limit; fd++) {
		if (fd >= size && grow(fd))
			return -ENOMEM;
		if (!table[fd].f) {
			table[fd].f = f;
			table[fd].flags = fdflags;
			return fd;
		}
	}
	return -EMFILE;
}

long uk_fd_install_at(struct uk_file *f, long fd, unsigned fdflags)
{
	if (fd < 0 || fd >= (long)uk_fd_limit)
		return -EBADF;
	if (fd >= size && grow(fd))
		return -ENOMEM;
	struct uk_file *old = table[fd].f;
	table[fd].f = f;
	table[fd].flags = fdflags;
	if (old)
		uk_file_put(old);
	return fd;
}

long uk_fd_close(long fd)
{
	struct uk_file *f = uk_fd_get(fd);
	if (!f)
		return -EBADF;
	table[fd].f = 0;
	table[fd].flags = 0;
	uk_file_put(f);
	return 0;
}

unsigned uk_fd_flags(long fd)
{
	return uk_fd_get(fd) ? table[fd].flags : 0;
}

void uk_fd_set_flags(long fd, unsigned fdflags)
{
	if (uk_fd_get(fd))
		table[fd].flags = fdflags;
}
