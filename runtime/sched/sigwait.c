/* Waiting for signals: pause, rt_sigsuspend (a handler runs, then the
 * mask before the call is back) and rt_sigtimedwait (takes a blocked
 * signal without running its handler). uk_wait ends with EINTR once an
 * unblocked signal is pending (signal.c's uk_sig_interrupts). */
#include "signal.h"
#include "sys_signal.h"
#include "syscall.h"
#include "wait.h"

#define NS 1000000000l

/* nanosleep's and clock_nanosleep's (kernel/syscall_time.c) timespec left
 * when a signal ended the sleep */
void uk_sig_time_left(void *rem, uint64_t deadline)
{
	uint64_t now = uk_monotonic_ns(), left = deadline > now ? deadline - now : 0;
	((long *)rem)[0] = (long)(left / NS);
	((long *)rem)[1] = (long)(left % NS);
}

static long wait_signal(void)
{
	while (uk_wait(0, 0, UK_FOREVER) != -EINTR)
		;
	return -EINTR;
}

UK_SIG_SYSCALL(pause)
{
	(void)a;
	return wait_signal();
}

UK_SIG_SYSCALL(rt_sigsuspend)
{
	if (a[1] != 8)
		return -EINVAL;
	if (uk_bad_user(a[0], 8))
		return -EFAULT;
	uk_sig_mask_for_call(*(const uint64_t *)a[0]);
	return wait_signal();
}

struct want {
	struct uk_sigthread *t;
	uint64_t set;
};

static int pending_in(void *arg)
{
	const struct want *w = arg;
	return ((w->t->pending.set | uk_sig_process.set) & w->set) != 0;
}

UK_SIG_SYSCALL(rt_sigtimedwait)
{
	struct want w = {uk_sig_self(), 0};
	if (a[3] != 8)
		return -EINVAL;
	if (uk_bad_user(a[0], 8) || (a[1] && uk_bad_user(a[1], sizeof(struct uk_siginfo))) ||
	    (a[2] && uk_bad_user(a[2], 16)))
		return -EFAULT;
	uint64_t deadline = UK_FOREVER;
	if (a[2]) {
		const long *ts = (const long *)a[2];
		if (ts[0] < 0 || ts[1] < 0 || ts[1] >= NS)
			return -EINVAL;
		if (ts[0] < 1000000000l) /* else as good as forever */
			deadline = uk_monotonic_ns() + (uint64_t)ts[0] * NS + (uint64_t)ts[1];
	}
	w.set = *(const uint64_t *)a[0] & ~UK_UNBLOCKABLE;
	long r = uk_wait(pending_in, &w, deadline);
	if (r)
		return r == -ETIMEDOUT ? -EAGAIN : r;
	struct uk_siginfo info;
	int sig = uk_sig_dequeue(w.t, w.set, &info);
	if (a[1])
		*(struct uk_siginfo *)a[1] = info;
	return sig;
}
