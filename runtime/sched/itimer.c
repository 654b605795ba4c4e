/* alarm, setitimer, getitimer. ITIMER_REAL counts wall time and sends
 * SIGALRM. ITIMER_VIRTUAL and ITIMER_PROF (SIGVTALRM, SIGPROF) count the
 * same time here: the image's one program has the CPU whenever it is not
 * halted, and uk does not subtract the halted time. Timers fire from
 * uk_wait (kernel/wait.c), on the way out of calls and in program code
 * (sigtimer.c). */
#include "signal.h"
#include "sys_signal.h"
#include "syscall.h"
#include "wait.h"

#define US 1000ull
#define S  1000000000ull

struct timeval {
	long sec, usec;
};
struct itimerval {
	struct timeval interval, value;
};

struct itimer {
	struct uk_timer t; /* first: fire() gets it */
	uint64_t interval;
	int sig;
};
static void fire(struct uk_timer *t);
static struct itimer timers[3] = {
	{{0, fire, 0, 0}, 0, UK_SIGALRM},
	{{0, fire, 0, 0}, 0, UK_SIGVTALRM},
	{{0, fire, 0, 0}, 0, UK_SIGPROF},
};

static void fire(struct uk_timer *t)
{
	struct itimer *it = (struct itimer *)t;
	struct uk_siginfo info = {.code = UK_SI_KERNEL};
	uk_sig_send(0, it->sig, &info);
	if (it->interval) {
		/* intervals that went by unseen are skipped, as Linux does */
		uint64_t now = uk_monotonic_ns(), next = t->when + it->interval;
		if (next <= now)
			next = now + it->interval - (now - t->when) % it->interval;
		uk_timer_arm(t, next);
	}
}

static struct timeval tv_of(uint64_t ns)
{
	return (struct timeval){(long)(ns / S), (long)(ns % S / US)};
}

static void get(const struct itimer *it, struct itimerval *out)
{
	uint64_t now = uk_monotonic_ns(), left = 0;
	if (it->t.armed)
		left = it->t.when > now ? it->t.when - now : US; /* due: 1 us */
	out->interval = tv_of(it->interval);
	out->value = tv_of(left);
	if (it->t.armed && !out->value.sec && !out->value.usec)
		out->value.usec = 1;
}

static int bad_tv(const struct timeval *tv)
{
	return tv->sec < 0 || tv->usec < 0 || tv->usec >= 1000000;
}

static uint64_t ns_of(const struct timeval *tv)
{
	return (uint64_t)tv->sec * S + (uint64_t)tv->usec * US;
}

static void set(struct itimer *it, const struct itimerval *v)
{
	uk_timer_cancel(&it->t);
	it->interval = ns_of(&v->interval);
	uint64_t value = ns_of(&v->value);
	if (value) {
		uk_timer_arm(&it->t, uk_monotonic_ns() + value);
		uk_sig_timers_on();
	}
}

UK_SIG_SYSCALL(getitimer)
{
	if (a[0] < 0 || a[0] > 2)
		return -EINVAL;
	if (uk_bad_user(a[1], sizeof(struct itimerval)))
		return -EFAULT;
	get(&timers[a[0]], (struct itimerval *)a[1]);
	return 0;
}

UK_SIG_SYSCALL(setitimer)
{
	if (a[0] < 0 || a[0] > 2)
		return -EINVAL;
	if ((a[1] && uk_bad_user(a[1], sizeof(struct itimerval))) ||
	    (a[2] && uk_bad_user(a[2], sizeof(struct itimerval))))
		return -EFAULT;
	struct itimerval v = {{0, 0}, {0, 0}}, old; /* none: disarm (Linux) */
	if (a[1])
		v = *(const struct itimerval *)a[1];
	if (bad_tv(&v.value) || bad_tv(&v.interval))
		return -EINVAL;
	get(&timers[a[0]], &old);
	set(&timers[a[0]], &v);
	if (a[2])
		*(struct itimerval *)a[2] = old;
	return 0;
}

UK_SIG_SYSCALL(alarm)
{
	struct itimerval v = {{0, 0}, {(long)(unsigned)a[0], 0}}, old;
	get(&timers[0], &old);
	set(&timers[0], &v);
	/* the seconds left, rounded as Linux's alarm_setitimer does */
	if ((!old.value.sec && old.value.usec) || old.value.usec >= 500000)
		old.value.sec++;
	return old.value.sec;
}
