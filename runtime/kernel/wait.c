/* uk_wait, timers and polled input sources (wait.h). */
#include "wait.h"

#include "errno.h"

#define POLL_QUANTUM_NS 1000000ull

struct uk_timer *uk_timers; /* sorted by when */
static struct uk_poller *pollers;

void uk_timer_cancel(struct uk_timer *t)
{
	if (!t->armed)
		return;
	for (struct uk_timer **pp = &uk_timers; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	t->armed = 0;
}

void uk_timer_arm(struct uk_timer *t, uint64_t when)
{
	uk_timer_cancel(t);
	t->when = when;
	struct uk_timer **pp = &uk_timers;
	while (*pp && (*pp)->when <= when)
		pp = &(*pp)->next;
	t->next = *pp;
	*pp = t;
	t->armed = 1;
}

static void run_timers(uint64_t now)
{
	while (uk_timers && uk_timers->when <= now) {
		struct uk_timer *t = uk_timers;
		uk_timers = t->next;
		t->armed = 0;
		t->fire(t); /* may re-arm itself */
	}
}

void uk_timers_run_due(void)
{
	if (uk_timers && uk_timers->when <= uk_monotonic_ns())
		run_timers(uk_monotonic_ns());
}

void uk_poller_add(struct uk_poller *p)
{
	if (p->added)
		return;
	p->next = pollers;
	pollers = p;
	p->added = 1;
}

void uk_poller_remove(struct uk_poller *p)
{
	for (struct uk_poller **pp = &pollers; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			p->added = 0;
			return;
		}
}

/* runs them; 1 if one of them has no interrupt */
static int run_pollers(void)
{
	int polled = 0;
	for (struct uk_poller *p = pollers; p; p = p->next) {
		p->poll();
		polled |= !p->irq;
	}
	return polled;
}

/* the signal group's (sched/signal.c): an unblocked signal is pending */
int uk_sig_interrupts(void) __attribute__((weak));

long uk_wait_cpu(int (*ready)(void *arg), void *arg, uint64_t deadline)
{
	for (;;) {
		uint64_t now = uk_monotonic_ns();
		run_timers(now);
		int polled = run_pollers();
		if (ready && ready(arg))
			return 0;
		if (uk_sig_interrupts && uk_sig_interrupts())
			return -EINTR;
		if (now >= deadline)
			return -ETIMEDOUT;
		uint64_t wake = deadline;
		if (uk_timers && uk_timers->when < wake)
			wake = uk_timers->when;
		if (polled && now + POLL_QUANTUM_NS < wake)
			wake = now + POLL_QUANTUM_NS;
		uk_halt_until(wake);
	}
}

/* sched/sched.c, linked with threads: parks only the calling thread */
__attribute__((weak)) long uk_sched_wait(int (*ready)(void *arg), void *arg, uint64_t deadline);

long uk_wait(int (*ready)(void *arg), void *arg, uint64_t deadline)
{
	if (uk_sched_wait)
		return uk_sched_wait(ready, arg, deadline);
	return uk_wait_cpu(ready, arg, deadline);
}

/* the signal group's (sched/signal.c): the caller's mask replaced, the
 * old one returned */
uint64_t uk_sig_swap_mask(uint64_t mask) __attribute__((weak));

long uk_wait_nointr(int (*ready)(void *arg), void *arg, uint64_t deadline)
{
	if (!uk_sig_swap_mask)
		return uk_wait(ready, arg, deadline);
	uint64_t mask = uk_sig_swap_mask(~0ull);
	long r = uk_wait(ready, arg, deadline);
	uk_sig_swap_mask(mask);
	return r;
}

struct file_wait {
	struct uk_file *f;
	unsigned events;
};

static int file_ready(void *arg)
{
	const struct file_wait *w = arg;
	return (w->f->ops->poll(w->f) & (w->events | UK_POLLERR | UK_POLLHUP)) != 0;
}

long uk_wait_file(struct uk_file *f, unsigned events, uint64_t deadline)
{
	struct file_wait w = {f, events};
	return uk_wait(file_ready, &w, deadline);
}
