/* Clocks and sleeping. CLOCK_REALTIME and its coarse variant follow the
 * wall clock read once at first use; every other clock is the monotonic
 * TSC clock counted from the PVH entry. */
#include "syscall.h"
#include "wait.h"

#define NS 1000000000ll
#define CLOCK_REALTIME 0
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_TAI 11
#define TIMER_ABSTIME 1

struct timespec {
	int64_t sec, nsec;
};

static int clock_ns(long clk, uint64_t *ns)
{
	if (clk < 0 || clk > CLOCK_TAI || clk == 8 || clk == 9 || clk == 10)
		return -EINVAL;
	*ns = clk == CLOCK_REALTIME || clk == CLOCK_REALTIME_COARSE || clk == CLOCK_TAI
		      ? uk_realtime_ns()
		      : uk_monotonic_ns();
	return 0;
}

SYSCALL(clock_gettime)
{
	uint64_t ns;
	int e = clock_ns(a[0], &ns);
	if (e)
		return e;
	struct timespec *ts = (struct timespec *)a[1];
	ts->sec = (int64_t)(ns / NS);
	ts->nsec = (int64_t)(ns % NS);
	return 0;
}

__uk_cold SYSCALL(clock_getres)
{
	uint64_t ns;
	int e = clock_ns(a[0], &ns);
	if (e)
		return e;
	struct timespec *ts = (struct timespec *)a[1];
	if (ts) {
		ts->sec = 0;
		ts->nsec = 1;
	}
	return 0;
}

__uk_cold SYSCALL(gettimeofday)
{
	int64_t *tv = (int64_t *)a[0];
	if (tv) {
		uint64_t ns = uk_realtime_ns();
		tv[0] = (int64_t)(ns / NS);
		tv[1] = (int64_t)(ns % NS) / 1000;
	}
	if (a[1])
		uk_memset((void *)a[1], 0, 8); /* struct timezone: UTC */
	return 0;
}

__uk_cold SYSCALL(time)
{
	long t = (long)(uk_realtime_ns() / NS);
	if (a[0])
		*(long *)a[0] = t;
	return t;
}

/* What is left of a sleep a signal ended: the signal group's, the only
 * one that ends sleeps (so never called unlinked). */
void uk_sig_time_left(void *rem, uint64_t deadline) __attribute__((weak));

/* not inlined: one copy for both callers (hello's size) */
__attribute__((noinline)) static long sleep_for(const struct timespec *req, struct timespec *rem,
						uint64_t base, int absolute)
{
	if (req->sec < 0 || req->nsec < 0 || req->nsec >= NS)
		return -EINVAL;
	uint64_t want = (uint64_t)req->sec * NS + (uint64_t)req->nsec;
	uint64_t now = uk_monotonic_ns();
	uint64_t deadline = absolute ? now + (want > base ? want - base : 0) : now + want;
	/* timers keep firing meanwhile; a signal ends it early (EINTR) */
	long r = uk_wait(0, 0, deadline);
	if (rem)
		rem->sec = rem->nsec = 0;
	if (r == -EINTR && rem)
		uk_sig_time_left(rem, deadline);
	return r == -EINTR ? r : 0;
}

SYSCALL(nanosleep)
{
	return sleep_for((const void *)a[0], (void *)a[1], 0, 0);
}

SYSCALL(clock_nanosleep)
{
	uint64_t now;
	int e = clock_ns(a[0], &now);
	if (e)
		return e;
	int absolute = a[1] & TIMER_ABSTIME;
	return sleep_for((const void *)a[2], absolute ? 0 : (void *)a[3], now, absolute);
}
