/* POSIX timers: timer_create, timer_settime, timer_gettime,
 * timer_getoverrun, timer_delete on CLOCK_REALTIME, CLOCK_MONOTONIC and
 * CLOCK_BOOTTIME (the CPU-time clocks count like the monotonic one: see
 * itimer.c), notifying by SIGEV_SIGNAL, SIGEV_THREAD_ID (musl's
 * SIGEV_THREAD) or not at all (SIGEV_NONE). A timer that expires while
 * its signal is still pending counts an overrun instead, as Linux does. */
#include "signal.h"
#include "sys_signal.h"
#include "syscall.h"
#include "wait.h"

#define S 1000000000ull
#define TIMERS 32
#define TIMER_ABSTIME 1
#define SIGEV_SIGNAL    0
#define SIGEV_NONE      1
#define SIGEV_THREAD    2
#define SIGEV_THREAD_ID 4
#define CLOCK_REALTIME 0
#define DELAYTIMER_MAX 0x7fffffff

struct sigevent {
	uint64_t value;
	int32_t signo, notify;
	int32_t tid;
	int32_t pad[11];
};
struct timespec {
	long sec, nsec;
};
struct itimerspec {
	struct timespec interval, value;
};

struct ptimer {
	struct uk_timer t; /* first: fire() gets it */
	uint64_t interval, value;
	struct uk_sigthread *to; /* 0: the process */
	int used, realtime, notify, sig, queued;
	int64_t overrun, overrun_last;
};
/* taken at the first timer_create: a program that makes none (most that
 * install a handler) carries no table */
static struct ptimer *timers;

static void fire(struct uk_timer *t)
{
	struct ptimer *p = (struct ptimer *)t;
	uint64_t now = uk_monotonic_ns(), missed = 0;
	if (p->interval && t->when + p->interval <= now)
		missed = (now - t->when) / p->interval;
	if (p->notify != SIGEV_NONE) {
		if (p->queued) {
			p->overrun += 1 + missed;
		} else {
			struct uk_siginfo info = {.code = UK_SI_TIMER};
			info.timer.tid = (int32_t)(p - timers);
			info.timer.value = p->value;
			p->queued = uk_sig_send(p->to, p->sig, &info) > 0;
			p->overrun += missed;
		}
	}
	if (p->interval)
		uk_timer_arm(t, t->when + (missed + 1) * p->interval);
}

void uk_ptimer_taken(struct uk_siginfo *info)
{
	int id = info->timer.tid;
	if (!timers || id < 0 || id >= TIMERS || !timers[id].used || !timers[id].queued)
		return;
	struct ptimer *p = &timers[id];
	p->queued = 0;
	p->overrun_last = p->overrun > DELAYTIMER_MAX ? DELAYTIMER_MAX : p->overrun;
	p->overrun = 0;
	info->timer.overrun = (int32_t)p->overrun_last;
}

static struct ptimer *timer_of(long id)
{
	return timers && id >= 0 && id < TIMERS && timers[id].used ? &timers[id] : 0;
}

UK_SIG_SYSCALL(timer_create)
{
	long clock = a[0];
	if (clock != 0 && clock != 1 && clock != 2 && clock != 3 && clock != 7)
		return -EINVAL;
	if ((a[1] && uk_bad_user(a[1], sizeof(struct sigevent))) || uk_bad_user(a[2], 4))
		return -EFAULT;
	if (!timers && !(timers = uk_zalloc(TIMERS * sizeof(*timers))))
		return -EAGAIN; /* Linux's answer when it has no memory for one */
	int id = 0;
	while (id < TIMERS && timers[id].used)
		id++;
	if (id == TIMERS)
		return -EAGAIN;
	struct sigevent ev = {.value = (uint64_t)id, .signo = UK_SIGALRM, .notify = SIGEV_SIGNAL};
	if (a[1])
		ev = *(const struct sigevent *)a[1];
	struct uk_sigthread *to = 0;
	switch (ev.notify) {
	case SIGEV_THREAD_ID:
		if (!(to = uk_sig_thread(ev.tid)))
			return -EINVAL;
		/* fallthrough */
	case SIGEV_SIGNAL:
	case SIGEV_THREAD:
		if (uk_sig_bad(ev.signo))
			return -EINVAL;
		break;
	case SIGEV_NONE:
		break;
	default:
		return -EINVAL;
	}
	timers[id] = (struct ptimer){.t = {.fire = fire}, .value = ev.value, .to = to, .used = 1,
				     .realtime = clock == CLOCK_REALTIME, .notify = ev.notify,
				     .sig = ev.signo};
	*(int32_t *)a[2] = id;
	return 0;
}

static void get(const struct ptimer *p, struct itimerspec *out)
{
	uint64_t now = uk_monotonic_ns(), left = 0;
	if (p->t.armed)
		left = p->t.when > now ? p->t.when - now : 1;
	out->interval = (struct timespec){(long)(p->interval / S), (long)(p->interval % S)};
	out->value = (struct timespec){(long)(left / S), (long)(left % S)};
}

static int bad_ts(const struct timespec *ts)
{
	return ts->sec < 0 || ts->nsec < 0 || ts->nsec >= (long)S;
}

UK_SIG_SYSCALL(timer_settime)
{
	struct ptimer *p = timer_of(a[0]);
	if (!p)
		return -EINVAL;
	if (uk_bad_user(a[2], sizeof(struct itimerspec)) ||
	    (a[3] && uk_bad_user(a[3], sizeof(struct itimerspec))))
		return -EFAULT;
	const struct itimerspec *v = (const struct itimerspec *)a[2];
	if (bad_ts(&v->value) || bad_ts(&v->interval))
		return -EINVAL;
	if (a[3])
		get(p, (struct itimerspec *)a[3]);
	uk_timer_cancel(&p->t);
	p->interval = (uint64_t)v->interval.sec * S + (uint64_t)v->interval.nsec;
	uint64_t value = (uint64_t)v->value.sec * S + (uint64_t)v->value.nsec;
	if (!value)
		return 0;
	uint64_t now = uk_monotonic_ns();
	if (a[1] & TIMER_ABSTIME) {
		/* an absolute time on the timer's clock, as a monotonic one */
		uint64_t base = p->realtime ? uk_realtime_ns() : now;
		value = value > base ? value - base : 0;
	}
	uk_timer_arm(&p->t, now + value);
	if (p->notify != SIGEV_NONE)
		uk_sig_timers_on();
	return 0;
}

UK_SIG_SYSCALL(timer_gettime)
{
	struct ptimer *p = timer_of(a[0]);
	if (!p)
		return -EINVAL;
	if (uk_bad_user(a[1], sizeof(struct itimerspec)))
		return -EFAULT;
	get(p, (struct itimerspec *)a[1]);
	return 0;
}

UK_SIG_SYSCALL(timer_getoverrun)
{
	struct ptimer *p = timer_of(a[0]);
	return p ? (long)p->overrun_last : -EINVAL;
}

UK_SIG_SYSCALL(timer_delete)
{
	struct ptimer *p = timer_of(a[0]);
	if (!p)
		return -EINVAL;
	uk_timer_cancel(&p->t);
	p->used = 0;
	return 0;
}
