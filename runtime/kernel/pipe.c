/* Pipes (pipe, pipe2): a ring of page buffers like Linux's, 16 of them
 * (64 KiB) unless F_SETPIPE_SZ changes it. What a program can observe
 * follows from that layout, so it is kept: a write tops up the last
 * buffer with the part of it that is not a whole page, if that fits, and
 * fills new buffers with the rest; a write of up to PIPE_BUF bytes thus
 * lands whole in one buffer (atomic); the pipe is writable while a buffer
 * is free. O_DIRECT makes a packet pipe: no topping up, and a read takes
 * at most one buffer, dropping what it leaves of it. */
#include "event.h"
#include "syscall.h"

#define PIPE_BUF      4096
#define DEFAULT_SLOTS 16
#define MAX_SIZE      (1ul << 31) /* F_SETPIPE_SZ; Linux's bound for root */
#define FIONREAD      0x541b
#define F_SETPIPE_SZ  1031
#define F_GETPIPE_SZ  1032

struct buf {
	char *page;
	uint16_t off, len;
	uint8_t merge; /* later writes may top it up */
};

struct pipe {
	struct buf *ring;
	unsigned slots; /* a power of two */
	unsigned head, tail; /* free-running: buffers [tail, head) hold data */
	struct uk_file *rd, *wr; /* the open ends, 0 once closed */
	char *spare;             /* one freed page, kept for the next write */
	uint64_t ino;
};

static const struct uk_file_ops pipe_ops;

static struct buf *slot(struct pipe *p, unsigned i)
{
	return &p->ring[i & (p->slots - 1)];
}

static int is_reader(const struct uk_file *f)
{
	return (f->flags & UK_O_ACCMODE) == UK_O_RDONLY;
}

static char *page_get(struct pipe *p)
{
	char *pg = p->spare;
	if (pg) {
		p->spare = 0;
		return pg;
	}
	return (char *)uk_pmem_alloc(PAGE_SIZE, ~0ull);
}

static void page_put(struct pipe *p, char *pg)
{
	if (!p->spare)
		p->spare = pg;
	else
		uk_pmem_free((uint64_t)pg, PAGE_SIZE);
}

static size_t pipe_bytes(struct pipe *p)
{
	size_t n = 0;
	for (unsigned i = p->tail; i != p->head; i++)
		n += slot(p, i)->len;
	return n;
}

static long pipe_read(struct uk_file *f, void *buf, size_t n, uint64_t off)
{
	(void)off;
	struct pipe *p = f->priv;
	if (!n)
		return 0;
	int was_full = p->head - p->tail >= p->slots;
	int packet = f->flags & UK_O_DIRECT;
	size_t done = 0;
	while (done < n && p->tail != p->head) {
		struct buf *b = slot(p, p->tail);
		size_t k = b->len < n - done ? b->len : n - done;
		uk_memcpy((char *)buf + done, b->page + b->off, k);
		done += k;
		b->off = (uint16_t)(b->off + k);
		b->len = (uint16_t)(b->len - k);
		if (packet)
			b->len = 0;
		if (!b->len) {
			page_put(p, b->page);
			b->page = 0;
			p->tail++;
		}
		if (packet)
			break;
	}
	if (!done)
		return p->wr ? -EAGAIN : 0; /* no writer left: end of file */
	if (was_full)
		uk_event_wake(p->wr, UK_POLLOUT | UK_POLLWRNORM);
	return (long)done;
}

/* Copies what fits now; 0 when nothing does. */
static long pipe_put(struct pipe *p, const char *s, size_t n, int packet)
{
	size_t done = 0, part = n & (PAGE_SIZE - 1);
	if (part && !packet && p->head != p->tail) {
		struct buf *b = slot(p, p->head - 1);
		if (b->merge && b->off + b->len + part <= PAGE_SIZE) {
			uk_memcpy(b->page + b->off + b->len, s, part);
			b->len = (uint16_t)(b->len + part);
			done = part;
		}
	}
	while (done < n && p->head - p->tail < p->slots) {
		char *pg = page_get(p);
		if (!pg)
			return done ? (long)done : -ENOMEM;
		size_t k = n - done < PAGE_SIZE ? n - done : PAGE_SIZE;
		uk_memcpy(pg, s + done, k);
		*slot(p, p->head++) = (struct buf){pg, 0, (uint16_t)k, (uint8_t)!packet};
		done += k;
	}
	return (long)done;
}

/* A write that does not fit blocks until it is all in (unless
 * O_NONBLOCK). One of at most PIPE_BUF bytes fits in one buffer, so
 * pipe_put takes it whole or not at all. */
static long pipe_write(struct uk_file *f, const void *buf, size_t n, uint64_t off)
{
	(void)off;
	struct pipe *p = f->priv;
	const char *s = buf;
	size_t done = 0;
	if (!n)
		return 0;
	for (;;) {
		/* no reader: EPIPE and SIGPIPE (whose default action ends the
		 * program) unless part was written */
		if (!p->rd) {
			if (done)
				return (long)done;
			uk_signal_raise_self(13 /* SIGPIPE */);
			return -EPIPE;
		}
		long r = pipe_put(p, s + done, n - done, f->flags & UK_O_DIRECT);
		if (r < 0)
			return done ? (long)done : r;
		done += (size_t)r;
		if (r)
			uk_event_wake(p->rd, UK_POLLIN | UK_POLLRDNORM);
		if (done == n)
			return (long)done;
		if (!done || (f->flags & UK_O_NONBLOCK))
			return done ? (long)done : -EAGAIN; /* uk_file_write waits */
		if (uk_wait_file(f, UK_POLLOUT, UK_FOREVER) == -EINTR)
			return (long)done; /* a signal: what is in stays */
	}
}

static unsigned pipe_poll(struct uk_file *f)
{
	struct pipe *p = f->priv;
	if (is_reader(f))
		return (p->head != p->tail ? UK_POLLIN | UK_POLLRDNORM : 0) | (p->wr ? 0 : UK_POLLHUP);
	return (p->head - p->tail < p->slots ? UK_POLLOUT | UK_POLLWRNORM : 0) |
	       (p->rd ? 0 : UK_POLLERR);
}

static long pipe_ioctl(struct uk_file *f, unsigned long cmd, long arg)
{
	if (cmd != FIONREAD)
		return -ENOTTY;
	if (uk_bad_user(arg, sizeof(int)))
		return -EFAULT;
	*(int *)arg = (int)pipe_bytes(f->priv);
	return 0;
}

static long pipe_stat(struct uk_file *f, struct uk_stat *st)
{
	struct pipe *p = f->priv;
	uk_stat_anon(st, UK_S_IFIFO | 0600, p->ino);
	return 0;
}

static void pipe_release(struct uk_file *f)
{
	struct pipe *p = f->priv;
	if (is_reader(f)) {
		p->rd = 0;
		uk_event_wake(p->wr, 0);
	} else {
		p->wr = 0;
		uk_event_wake(p->rd, 0);
	}
	if (p->rd || p->wr)
		return;
	for (unsigned i = p->tail; i != p->head; i++)
		uk_pmem_free((uint64_t)slot(p, i)->page, PAGE_SIZE);
	if (p->spare)
		uk_pmem_free((uint64_t)p->spare, PAGE_SIZE);
	uk_free(p->ring);
	uk_free(p);
}

static const struct uk_file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.stat = pipe_stat,
	.poll = pipe_poll,
	.release = pipe_release,
	.wait = uk_wait_file,
};

static long resize(struct pipe *p, unsigned long size)
{
	unsigned slots = 1;
	if (size > MAX_SIZE)
		return -EINVAL;
	while ((unsigned long)slots * PAGE_SIZE < size)
		slots *= 2;
	if (p->head - p->tail > slots)
		return -EBUSY;
	struct buf *ring = uk_zalloc(slots * sizeof(*ring));
	if (!ring)
		return -ENOMEM;
	unsigned n = 0;
	for (unsigned i = p->tail; i != p->head; i++)
		ring[n++] = *slot(p, i);
	int was_full = p->head - p->tail >= p->slots;
	uk_free(p->ring);
	*p = (struct pipe){ring, slots, n, 0, p->rd, p->wr, p->spare, p->ino};
	if (was_full && n < slots)
		uk_event_wake(p->wr, UK_POLLOUT | UK_POLLWRNORM);
	return (long)(slots * PAGE_SIZE);
}

/* fcntl F_GETPIPE_SZ and F_SETPIPE_SZ (syscall_dup.c refers to it weakly) */
long uk_pipe_fcntl(struct uk_file *f, long cmd, unsigned long arg)
{
	if (f->ops != &pipe_ops)
		return -EBADF;
	struct pipe *p = f->priv;
	if (cmd == F_GETPIPE_SZ)
		return (long)(p->slots * PAGE_SIZE);
	return resize(p, (unsigned)arg); /* Linux takes an unsigned int */
}

static long make_pipe(long fds, long flags)
{
	static uint64_t last_ino;
	if (flags & ~(long)(UK_O_CLOEXEC | UK_O_NONBLOCK | UK_O_DIRECT))
		return -EINVAL;
	if (uk_bad_user(fds, 2 * sizeof(int)))
		return -EFAULT;
	unsigned status = (unsigned)flags & (UK_O_NONBLOCK | UK_O_DIRECT);
	unsigned fdflags = (flags & UK_O_CLOEXEC) ? UK_FD_CLOEXEC : 0;
	struct pipe *p = uk_zalloc(sizeof(*p));
	struct buf *ring = uk_zalloc(DEFAULT_SLOTS * sizeof(*ring));
	struct uk_file *rd = uk_file_new(&pipe_ops, UK_O_RDONLY | status, p);
	struct uk_file *wr = uk_file_new(&pipe_ops, UK_O_WRONLY | status, p);
	if (!p || !ring || !rd || !wr) {
		uk_free(p), uk_free(ring), uk_free(rd), uk_free(wr);
		return -ENFILE; /* Linux: no memory for a file is ENFILE */
	}
	*p = (struct pipe){.ring = ring, .slots = DEFAULT_SLOTS, .rd = rd, .wr = wr, .ino = ++last_ino};
	long r = uk_fd_install(rd, 0, fdflags), w = r < 0 ? r : uk_fd_install(wr, 0, fdflags);
	if (w < 0) {
		if (r >= 0)
			uk_fd_close(r);
		else
			uk_file_put(rd);
		uk_file_put(wr);
		return w;
	}
	((int *)fds)[0] = (int)r;
	((int *)fds)[1] = (int)w;
	return 0;
}

SYSCALL(pipe)
{
	return make_pipe(a[0], 0);
}

SYSCALL(pipe2)
{
	return make_pipe(a[0], a[1]);
}
