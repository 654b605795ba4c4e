/* eventfd: a 64-bit counter as a file. A write adds (blocking while the
 * sum would pass 2^64 - 2), a read takes the whole count, or 1 in
 * semaphore mode (blocking at 0). Reads and writes move 8 bytes. */
#include "event.h"
#include "syscall.h"

#define EFD_SEMAPHORE 1
#define MAX_COUNT     0xfffffffffffffffeull

struct efd {
	uint64_t count;
	int semaphore;
};

static long efd_read(struct uk_file *f, void *buf, size_t n, uint64_t off)
{
	(void)off;
	struct efd *e = f->priv;
	if (n < 8)
		return -EINVAL;
	if (!e->count)
		return -EAGAIN;
	uint64_t v = e->semaphore ? 1 : e->count;
	e->count -= v;
	uk_memcpy(buf, &v, 8);
	uk_event_wake(f, UK_POLLOUT);
	return 8;
}

static long efd_write(struct uk_file *f, const void *buf, size_t n, uint64_t off)
{
	(void)off;
	struct efd *e = f->priv;
	uint64_t v;
	if (n < 8)
		return -EINVAL;
	uk_memcpy(&v, buf, 8);
	if (v == ~0ull)
		return -EINVAL;
	if (v > MAX_COUNT - e->count)
		return -EAGAIN;
	e->count += v;
	uk_event_wake(f, UK_POLLIN);
	return 8;
}

static unsigned efd_poll(struct uk_file *f)
{
	const struct efd *e = f->priv;
	return (e->count ? UK_POLLIN : 0) | (e->count < MAX_COUNT ? UK_POLLOUT : 0);
}

static long efd_stat(struct uk_file *f, struct uk_stat *st)
{
	(void)f;
	uk_stat_anon(st, 0600, 1); /* an anonymous inode, like Linux's */
	return 0;
}

static void efd_release(struct uk_file *f)
{
	uk_free(f->priv);
}

static const struct uk_file_ops efd_ops = {
	.read = efd_read,
	.write = efd_write,
	.stat = efd_stat,
	.poll = efd_poll,
	.release = efd_release,
	.wait = uk_wait_file,
	.anon_name = "eventfd",
};

SYSCALL(eventfd2)
{
	if (a[1] & ~(long)(UK_O_CLOEXEC | UK_O_NONBLOCK | EFD_SEMAPHORE))
		return -EINVAL;
	struct efd *e = uk_zalloc(sizeof(*e));
	struct uk_file *f = e ? uk_file_new(&efd_ops, UK_O_RDWR | (a[1] & UK_O_NONBLOCK), e) : 0;
	if (!f) {
		uk_free(e);
		return -ENOMEM;
	}
	e->count = (unsigned)a[0];
	e->semaphore = a[1] & EFD_SEMAPHORE;
	long fd = uk_fd_install(f, 0, (a[1] & UK_O_CLOEXEC) ? UK_FD_CLOEXEC : 0);
	if (fd < 0)
		uk_file_put(f);
	return fd;
}

SYSCALL(eventfd)
{
	return sys_eventfd2((const long[]){a[0], 0});
}
