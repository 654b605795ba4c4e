/* Open files: reference counts, readiness hooks, and read/write with the
 * blocking every kind shares (file.h). */
#include "errno.h"
#include "wait.h"

struct uk_file *uk_file_new(const struct uk_file_ops *ops, unsigned flags, void *priv)
{
	struct uk_file *f = uk_zalloc(sizeof(*f));
	if (!f)
		return 0;
	f->ops = ops;
	f->refs = 1;
	f->flags = flags;
	f->priv = priv;
	return f;
}

void uk_file_put(struct uk_file *f)
{
	if (--f->refs)
		return;
	while (f->hooks) { /* watchers (epoll) forget the file first */
		struct uk_poll_hook *h = f->hooks;
		f->hooks = h->next;
		h->notify(h, f, UK_POLLFREE);
	}
	if (f->ops->release)
		f->ops->release(f);
	uk_free(f);
}

void uk_file_hook_add(struct uk_file *f, struct uk_poll_hook *h)
{
	h->next = f->hooks;
	f->hooks = h;
}

void uk_file_hook_remove(struct uk_file *f, struct uk_poll_hook *h)
{
	for (struct uk_poll_hook **pp = &f->hooks; *pp; pp = &(*pp)->next)
		if (*pp == h) {
			*pp = h->next;
			return;
		}
}

void uk_file_notify(struct uk_file *f)
{
	if (!f->hooks)
		return;
	unsigned ev = f->ops->poll(f);
	for (struct uk_poll_hook *h = f->hooks, *next; h; h = next) {
		next = h->next; /* a hook may remove itself */
		h->notify(h, f, ev);
	}
}

long uk_file_read(struct uk_file *f, void *buf, size_t n, const uint64_t *off)
{
	if ((f->flags & UK_O_ACCMODE) == UK_O_WRONLY || !f->ops->read)
		return -EBADF;
	if (n > 0x7ffff000ul) /* Linux's MAX_RW_COUNT */
		n = 0x7ffff000ul;
	uint64_t pos = off ? *off : f->pos;
	long r;
	while ((r = f->ops->read(f, buf, n, pos)) == -EAGAIN && !(f->flags & UK_O_NONBLOCK) &&
	       f->ops->wait)
		if (f->ops->wait(f, UK_POLLIN, UK_FOREVER) == -EINTR)
			return -EINTR; /* a signal came first */
	if (r > 0 && !off && (f->ops->flags & UK_FILE_SEEKABLE))
		f->pos += (uint64_t)r;
	return r;
}

long uk_file_write(struct uk_file *f, const void *buf, size_t n, const uint64_t *off)
{
	if ((f->flags & UK_O_ACCMODE) == UK_O_RDONLY || !f->ops->write)
		return -EBADF;
	if (n > 0x7ffff000ul)
		n = 0x7ffff000ul;
	int seekable = f->ops->flags & UK_FILE_SEEKABLE;
	uint64_t pos = off ? *off : f->pos;
	if (seekable && !off && (f->flags & UK_O_APPEND)) {
		struct uk_stat st;
		if (f->ops->stat && !f->ops->stat(f, &st))
			pos = (uint64_t)st.size;
	}
	long r;
	while ((r = f->ops->write(f, buf, n, pos)) == -EAGAIN && !(f->flags & UK_O_NONBLOCK) &&
	       f->ops->wait)
		if (f->ops->wait(f, UK_POLLOUT, UK_FOREVER) == -EINTR)
			return -EINTR; /* a signal came first */
	if (r > 0 && !off && seekable)
		f->pos = pos + (uint64_t)r;
	return r;
}

void uk_stat_anon(struct uk_stat *st, uint32_t mode, uint64_t ino)
{
	uk_memset(st, 0, sizeof(*st));
	st->mode = mode;
	st->nlink = 1;
	st->ino = ino;
	st->blksize = 4096;
}
