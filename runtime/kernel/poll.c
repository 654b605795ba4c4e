/* poll and ppoll, and the wait loop that select and epoll share: ask
 * every file's poll operation, and if nothing is ready wait in uk_wait
 * (which returns after anything that can change readiness: a timer, an
 * interrupt, a polled device) and ask again. */
#include "event.h"
#include "syscall.h"

struct pollfd {
	int fd;
	short events, revents;
};

struct waiter {
	long (*scan)(void *arg);
	void *arg;
	long result;
};

static int waiter_ready(void *p)
{
	struct waiter *w = p;
	return (w->result = w->scan(w->arg)) != 0;
}

long uk_event_wait(long (*scan)(void *arg), void *arg, uint64_t deadline)
{
	struct waiter w = {scan, arg, 0};
	long r = uk_wait(waiter_ready, &w, deadline);
	return !w.result && r == -EINTR ? r : w.result; /* a signal, nothing ready */
}

/* the signal group's (sched/signal.c): mask is the caller's until the
 * call returns */
void uk_sig_mask_for_call(uint64_t mask) __attribute__((weak));

long uk_event_sigmask(long mask, long size)
{
	if (!mask)
		return 0;
	if (size != 8)
		return -EINVAL;
	if (uk_bad_user(mask, 8))
		return -EFAULT;
	if (uk_sig_mask_for_call)
		uk_sig_mask_for_call(*(const uint64_t *)mask);
	return 0;
}

struct poll_set {
	struct pollfd *fds;
	unsigned long n;
};

static long poll_scan(void *arg)
{
	const struct poll_set *s = arg;
	long count = 0;
	for (unsigned long i = 0; i < s->n; i++) {
		struct pollfd *p = &s->fds[i];
		unsigned m = 0;
		if (p->fd >= 0) {
			struct uk_file *f = uk_fd_get(p->fd);
			m = f ? f->ops->poll(f) & ((uint16_t)p->events | UK_POLLERR | UK_POLLHUP)
			      : UK_POLLNVAL;
		}
		p->revents = (short)m;
		count += m != 0;
	}
	return count;
}

static long do_poll(long fds, long nfds, uint64_t deadline)
{
	struct poll_set s = {(struct pollfd *)fds, (uint32_t)nfds};
	if (s.n > uk_fd_limit)
		return -EINVAL;
	if (s.n && uk_bad_user(fds, s.n * sizeof(struct pollfd)))
		return -EFAULT;
	return uk_event_wait(poll_scan, &s, deadline);
}

SYSCALL(poll)
{
	return do_poll(a[0], a[1], uk_deadline_ms((int)a[2]));
}

SYSCALL(ppoll)
{
	struct uk_timespec ts = {0, 0};
	uint64_t deadline = UK_FOREVER;
	if (a[2]) {
		if (uk_bad_user(a[2], sizeof(ts)))
			return -EFAULT;
		uk_memcpy(&ts, (const void *)a[2], sizeof(ts));
		if (!uk_timespec_valid(&ts))
			return -EINVAL;
		deadline = uk_deadline_ts(&ts);
	}
	long e = uk_event_sigmask(a[3], a[4]);
	if (e)
		return e;
	long r = do_poll(a[0], a[1], deadline);
	/* like Linux: the time left, unless the timeout was 0 */
	if (a[2] && (ts.sec || ts.nsec)) {
		uk_time_left(deadline, &ts);
		uk_memcpy((void *)a[2], &ts, sizeof(ts));
	}
	return r;
}
