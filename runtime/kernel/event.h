/* What the event group (pipe.c, eventfd.c, timerfd.c, poll.c, select.c,
 * epoll.c) shares: waking watchers, timeouts, and the one wait loop that
 * poll, select and epoll are written over. */
#ifndef UK_EVENT_H
#define UK_EVENT_H

#include "errno.h"
#include "wait.h"

#define UK_NS 1000000000ull

struct uk_timespec {
	int64_t sec, nsec;
};

/* Like Linux's wake-up with a key: the hooks hear the events of `key`
 * that are true now (all of them for key 0), so that an edge-triggered
 * watcher of POLLOUT is not woken by data arriving. */
static inline void uk_event_wake(struct uk_file *f, unsigned key)
{
	if (!f || !f->hooks)
		return;
	unsigned ev = f->ops->poll(f);
	if (key)
		ev &= key;
	if (!ev)
		return;
	for (struct uk_poll_hook *h = f->hooks, *next; h; h = next) {
		next = h->next; /* a hook may remove itself */
		h->notify(h, f, ev);
	}
}

static inline int uk_timespec_valid(const struct uk_timespec *ts)
{
	return ts->sec >= 0 && (uint64_t)ts->nsec < UK_NS;
}

/* from + sec s + nsec ns, or UK_FOREVER when that does not fit */
static inline uint64_t uk_time_add(uint64_t from, uint64_t sec, uint64_t nsec)
{
	const uint64_t max = UK_FOREVER - 1;
	if (sec > max / UK_NS || nsec > max - sec * UK_NS)
		return UK_FOREVER;
	uint64_t t = sec * UK_NS + nsec;
	return t > max - from ? UK_FOREVER : from + t;
}

/* The monotonic deadline of a relative timeout */
static inline uint64_t uk_deadline_ts(const struct uk_timespec *ts)
{
	return uk_time_add(uk_monotonic_ns(), (uint64_t)ts->sec, (uint64_t)ts->nsec);
}

/* The deadline of a timeout in milliseconds; negative means none */
static inline uint64_t uk_deadline_ms(int ms)
{
	if (ms < 0)
		return UK_FOREVER;
	return uk_time_add(uk_monotonic_ns(), (uint64_t)ms / 1000, (uint64_t)(ms % 1000) * 1000000);
}

/* What is left until deadline (0 once passed) */
static inline void uk_time_left(uint64_t deadline, struct uk_timespec *ts)
{
	uint64_t now = uk_monotonic_ns(), left = deadline > now ? deadline - now : 0;
	ts->sec = (int64_t)(left / UK_NS);
	ts->nsec = (int64_t)(left % UK_NS);
}

/* poll.c: runs scan(arg) until it returns non-zero (a count or -errno),
 * waiting in uk_wait between runs; 0 once the deadline has passed. */
long uk_event_wait(long (*scan)(void *arg), void *arg, uint64_t deadline);

/* poll.c: the signal mask of ppoll, pselect6 and epoll_pwait: checked
 * like Linux checks it, not applied (signals are not delivered yet). */
long uk_event_sigmask(long mask, long size);

#endif
