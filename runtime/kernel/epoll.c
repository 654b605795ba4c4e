/* epoll. Each registration (an item, keyed like Linux by open file and
 * descriptor number) is a poll hook on its file (file.h), so a file whose
 * readiness changes puts its items on their epoll's ready list; epoll_wait
 * looks only at that list, re-asks each file's poll operation and
 * reports what is true. Level-triggered items go back to the end of the
 * list after being reported (dropped at the next look if no longer
 * ready), edge-triggered ones wait for the next change, one-shot ones are
 * disabled until EPOLL_CTL_MOD. An item goes when its open file's last
 * reference does (UK_POLLFREE), not when a descriptor is closed. */
#include "event.h"
#include "syscall.h"

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP    (1u << 29)
#define EPOLLONESHOT   (1u << 30)
#define EPOLLET        (1u << 31)
#define PRIVATE_BITS   (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EXCLUSIVE_OK   (UK_POLLIN | UK_POLLOUT | UK_POLLERR | UK_POLLHUP | EPOLLWAKEUP | EPOLLET | \
			EPOLLEXCLUSIVE)
#define MAX_NESTS      4 /* Linux's EP_MAX_NESTS: at most 5 epolls in a chain */
#define MAX_EVENTS     (0x7fffffff / 12)
#define USER_TOP       0x7ffffffff000ull /* x86_64 Linux's TASK_SIZE */

struct epoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

struct link {
	struct link *next, *prev;
};

struct epoll {
	struct uk_file *file;
	struct link items, ready;
};

struct item {
	struct uk_poll_hook hook; /* first: the hook is the item */
	struct epoll *ep;
	struct uk_file *file;
	long fd;
	uint32_t events; /* as given, with ERR and HUP; only private bits when disabled */
	uint64_t data;
	struct link all, rdy;
};

#define ITEM(l, member) ((struct item *)((char *)(l) - offsetof(struct item, member)))

static void link_init(struct link *l)
{
	l->next = l->prev = l;
}

static int linked(const struct link *l)
{
	return l->next != l;
}

static void link_del(struct link *l)
{
	l->prev->next = l->next;
	l->next->prev = l->prev;
	link_init(l);
}

static void link_tail(struct link *head, struct link *l)
{
	l->prev = head->prev;
	l->next = head;
	head->prev->next = l;
	head->prev = l;
}

/* Moves all of from to the front of to. */
static void link_splice_front(struct link *from, struct link *to)
{
	if (!linked(from))
		return;
	from->prev->next = to->next;
	to->next->prev = from->prev;
	to->next = from->next;
	from->next->prev = to;
	link_init(from);
}

static const struct uk_file_ops epoll_ops;

static unsigned item_poll(const struct item *it)
{
	return it->file->ops->poll(it->file) & it->events;
}

static void queue(struct item *it)
{
	if (linked(&it->rdy))
		return;
	link_tail(&it->ep->ready, &it->rdy);
	uk_event_wake(it->ep->file, UK_POLLIN); /* nested epolls, later threads */
}

static void item_free(struct item *it)
{
	link_del(&it->all);
	if (linked(&it->rdy))
		link_del(&it->rdy);
	uk_free(it);
}

static void item_notify(struct uk_poll_hook *h, struct uk_file *f, unsigned ev)
{
	struct item *it = (struct item *)h;
	(void)f;
	if (ev & UK_POLLFREE) {
		item_free(it); /* file.c has taken the hook off already */
		return;
	}
	if ((it->events & ~PRIVATE_BITS) && (ev & it->events))
		queue(it);
}

/* Drops the items that are no longer ready from the front of the list;
 * 1 if one is left. */
static int has_ready(struct epoll *ep)
{
	while (linked(&ep->ready)) {
		struct item *it = ITEM(ep->ready.next, rdy);
		if (item_poll(it))
			return 1;
		link_del(&it->rdy);
	}
	return 0;
}

struct collect {
	struct epoll *ep;
	struct epoll_event *out;
	long max;
};

static long collect(void *arg)
{
	const struct collect *c = arg;
	struct epoll *ep = c->ep;
	struct link tx;
	long n = 0;
	link_init(&tx);
	link_splice_front(&ep->ready, &tx);
	while (n < c->max && linked(&tx)) {
		struct item *it = ITEM(tx.next, rdy);
		link_del(&it->rdy);
		unsigned ev = item_poll(it);
		if (linked(&it->rdy)) /* a timer that fired while polled queued it again */
			link_del(&it->rdy);
		if (!ev)
			continue;
		if (uk_bad_user((long)&c->out[n], sizeof(*c->out))) {
			link_tail(tx.next, &it->rdy); /* back in front, as Linux does */
			if (!n)
				n = -EFAULT;
			break;
		}
		c->out[n].events = ev;
		c->out[n].data = it->data;
		n++;
		if (it->events & EPOLLONESHOT)
			it->events &= PRIVATE_BITS;
		else if (!(it->events & EPOLLET))
			link_tail(&ep->ready, &it->rdy);
	}
	link_splice_front(&tx, &ep->ready); /* not looked at: first next time */
	return n;
}

static long epoll_rw(struct uk_file *f, void *buf, size_t n, uint64_t off)
{
	(void)f, (void)buf, (void)n, (void)off;
	return -EINVAL;
}

static long epoll_w(struct uk_file *f, const void *buf, size_t n, uint64_t off)
{
	return epoll_rw(f, (void *)buf, n, off);
}

static unsigned epoll_poll(struct uk_file *f)
{
	return has_ready(f->priv) ? UK_POLLIN | UK_POLLRDNORM : 0;
}

static long epoll_stat(struct uk_file *f, struct uk_stat *st)
{
	(void)f;
	uk_stat_anon(st, 0600, 1);
	return 0;
}

static void epoll_release(struct uk_file *f)
{
	struct epoll *ep = f->priv;
	while (linked(&ep->items)) {
		struct item *it = ITEM(ep->items.next, all);
		uk_file_hook_remove(it->file, &it->hook);
		item_free(it);
	}
	uk_free(ep);
}

static const struct uk_file_ops epoll_ops = {
	.read = epoll_rw,
	.write = epoll_w,
	.stat = epoll_stat,
	.poll = epoll_poll,
	.release = epoll_release,
	.anon_name = "eventpoll",
};

static struct item *find(struct epoll *ep, struct uk_file *f, long fd)
{
	for (struct uk_poll_hook *h = f->hooks; h; h = h->next) {
		struct item *it = (struct item *)h;
		if (h->notify == item_notify && it->ep == ep && it->fd == fd)
			return it;
	}
	return 0;
}

/* Levels of epolls below ep (through its items), MAX_NESTS + 1 when
 * that reaches target (a loop) or goes too deep. */
static int depth_below(struct epoll *ep, struct epoll *target, int depth)
{
	int r = 0;
	for (struct link *l = ep->items.next; l != &ep->items; l = l->next) {
		struct uk_file *f = ITEM(l, all)->file;
		if (f->ops != &epoll_ops)
			continue;
		int d = f->priv == target || depth > MAX_NESTS
				? MAX_NESTS + 1
				: depth_below(f->priv, target, depth + 1) + 1;
		if (d > r)
			r = d;
		if (r > MAX_NESTS)
			break;
	}
	return r;
}

/* Levels of epolls above ep (those watching its file) */
static int depth_above(struct epoll *ep, int depth)
{
	int r = 0;
	if (depth > MAX_NESTS)
		return depth;
	for (struct uk_poll_hook *h = ep->file->hooks; h; h = h->next) {
		if (h->notify != item_notify)
			continue;
		int d = depth_above(((struct item *)h)->ep, depth + 1) + 1;
		if (d > r)
			r = d;
	}
	return r;
}

static long insert(struct epoll *ep, struct uk_file *f, long fd, const struct epoll_event *ev)
{
	struct item *it = uk_zalloc(sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->hook.notify = item_notify;
	it->ep = ep;
	it->file = f;
	it->fd = fd;
	it->events = ev->events | UK_POLLERR | UK_POLLHUP;
	it->data = ev->data;
	link_init(&it->rdy);
	link_tail(&ep->items, &it->all);
	uk_file_hook_add(f, &it->hook);
	if (item_poll(it))
		queue(it);
	return 0;
}

SYSCALL(epoll_ctl)
{
	long op = a[1], fd = a[2];
	struct epoll_event ev = {0, 0};
	if (op != EPOLL_CTL_DEL) {
		if (uk_bad_user(a[3], sizeof(ev)))
			return -EFAULT;
		uk_memcpy(&ev, (const void *)a[3], sizeof(ev));
	}
	struct uk_file *ef = uk_fd_get(a[0]), *f = uk_fd_get(fd);
	if (!ef || !f)
		return -EBADF;
	/* Linux's files without a poll operation (regular files,
	 * directories, /dev/null) are the seekable ones */
	if (f->ops->flags & UK_FILE_SEEKABLE)
		return -EPERM;
	if (ef == f || ef->ops != &epoll_ops)
		return -EINVAL;
	if (op != EPOLL_CTL_DEL && (ev.events & EPOLLEXCLUSIVE) &&
	    (op == EPOLL_CTL_MOD ||
	     (op == EPOLL_CTL_ADD && (f->ops == &epoll_ops || (ev.events & ~EXCLUSIVE_OK)))))
		return -EINVAL;
	struct epoll *ep = ef->priv;
	if (op == EPOLL_CTL_ADD && f->ops == &epoll_ops) {
		int down = depth_below(f->priv, ep, 0);
		if (down > MAX_NESTS || down + 1 + depth_above(ep, 0) > MAX_NESTS)
			return -ELOOP;
	}
	struct item *it = find(ep, f, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		return it ? -EEXIST : insert(ep, f, fd, &ev);
	case EPOLL_CTL_DEL:
		if (!it)
			return -ENOENT;
		uk_file_hook_remove(f, &it->hook);
		item_free(it);
		return 0;
	case EPOLL_CTL_MOD:
		if (!it)
			return -ENOENT;
		if (!(it->events & EPOLLEXCLUSIVE)) {
			it->events = ev.events | UK_POLLERR | UK_POLLHUP;
			it->data = ev.data;
			if (item_poll(it))
				queue(it);
		}
		return 0;
	}
	return -EINVAL;
}

static long epoll_new(long flags)
{
	if (flags & ~(long)UK_O_CLOEXEC)
		return -EINVAL;
	struct epoll *ep = uk_zalloc(sizeof(*ep));
	struct uk_file *f = ep ? uk_file_new(&epoll_ops, UK_O_RDWR, ep) : 0;
	if (!f) {
		uk_free(ep);
		return -ENOMEM;
	}
	ep->file = f;
	link_init(&ep->items);
	link_init(&ep->ready);
	long fd = uk_fd_install(f, 0, (flags & UK_O_CLOEXEC) ? UK_FD_CLOEXEC : 0);
	if (fd < 0)
		uk_file_put(f);
	return fd;
}

SYSCALL(epoll_create)
{
	return (int)a[0] <= 0 ? -EINVAL : epoll_new(0);
}

SYSCALL(epoll_create1)
{
	return epoll_new(a[0]);
}

static long wait_events(const long *a, uint64_t deadline)
{
	long max = (int)a[2];
	if (max <= 0 || max > MAX_EVENTS)
		return -EINVAL;
	/* like Linux's access_ok: a user address range; whether it is
	 * memory is found when an event is written there */
	uint64_t end = (uint64_t)a[1] + (uint64_t)max * sizeof(struct epoll_event);
	if (end < (uint64_t)a[1] || end > USER_TOP)
		return -EFAULT;
	struct uk_file *f = uk_fd_get(a[0]);
	if (!f)
		return -EBADF;
	if (f->ops != &epoll_ops)
		return -EINVAL;
	struct collect c = {f->priv, (struct epoll_event *)a[1], max};
	return uk_event_wait(collect, &c, deadline);
}

SYSCALL(epoll_wait)
{
	return wait_events(a, uk_deadline_ms((int)a[3]));
}

SYSCALL(epoll_pwait)
{
	long e = uk_event_sigmask(a[4], a[5]);
	return e ? e : wait_events(a, uk_deadline_ms((int)a[3]));
}

SYSCALL(epoll_pwait2)
{
	uint64_t deadline = UK_FOREVER;
	if (a[3]) {
		struct uk_timespec ts;
		if (uk_bad_user(a[3], sizeof(ts)))
			return -EFAULT;
		uk_memcpy(&ts, (const void *)a[3], sizeof(ts));
		if (!uk_timespec_valid(&ts))
			return -EINVAL;
		deadline = uk_deadline_ts(&ts);
	}
	long e = uk_event_sigmask(a[4], a[5]);
	return e ? e : wait_events(a, deadline);
}
