/* sched_yield, CPU affinity, priorities and policies on one CPU: the
 * mask is CPU 0; priorities and policies are accepted and change nothing
 * (round robin treats every thread alike). */
#include "percpu.h"
#include "sched.h"
#include "syscall.h"

#define MASK_BYTES 8 /* one unsigned long: CPUs 0..63 */
#define SCHED_OTHER 0
#define SCHED_FIFO  1
#define SCHED_RR    2
#define SCHED_BATCH 3
#define SCHED_IDLE  5
#define SCHED_RESET_ON_FORK 0x40000000

long uk_sched_sched_yield(const long *a)
{
	(void)a;
	uk_sched_yield();
	return 0;
}

/* pid 0 is the caller; else a thread id of this process. */
static int exists(long pid)
{
	return pid == 0 || (pid > 0 && pid < 0x7fffffff && uk_thread_by_tid((int)pid));
}

long uk_sched_getaffinity(const long *a)
{
	unsigned long len = (unsigned long)(unsigned)a[1];
	if (len < 1 || (len & (MASK_BYTES - 1)))
		return -EINVAL;
	if (!exists(a[0]))
		return -ESRCH;
	if (uk_bad_user(a[2], MASK_BYTES))
		return -EFAULT;
	*(uint64_t *)a[2] = 1; /* CPU 0 */
	return MASK_BYTES;     /* bytes written, as Linux returns */
}

long uk_sched_setaffinity(const long *a)
{
	if (!exists(a[0]))
		return -ESRCH;
	unsigned long len = (unsigned long)(unsigned)a[1];
	if (len && uk_bad_user(a[2], len < MASK_BYTES ? len : MASK_BYTES))
		return -EFAULT;
	if (!len || !(*(const uint8_t *)a[2] & 1))
		return -EINVAL; /* no CPU that exists */
	return 0;
}

#define PRIO_PROCESS 0
#define PRIO_USER    2

long uk_sched_getpriority(const long *a)
{
	if (a[0] < PRIO_PROCESS || a[0] > PRIO_USER)
		return -EINVAL;
	return 20; /* 20 - nice, nice 0 */
}

long uk_sched_setpriority(const long *a)
{
	if (a[0] < PRIO_PROCESS || a[0] > PRIO_USER)
		return -EINVAL;
	return 0;
}

long uk_sched_setscheduler(const long *a)
{
	if (a[0] < 0 || !a[2])
		return -EINVAL;
	if (uk_bad_user(a[2], 4))
		return -EFAULT;
	if (!exists(a[0]))
		return -ESRCH;
	long policy = a[1] & ~SCHED_RESET_ON_FORK;
	int prio = *(const int *)a[2];
	if (policy == SCHED_FIFO || policy == SCHED_RR)
		return prio < 1 || prio > 99 ? -EINVAL : 0;
	if (policy != SCHED_OTHER && policy != SCHED_BATCH && policy != SCHED_IDLE)
		return -EINVAL;
	return prio ? -EINVAL : 0;
}

long uk_sched_getscheduler(const long *a)
{
	if (a[0] < 0)
		return -EINVAL;
	return exists(a[0]) ? SCHED_OTHER : -ESRCH;
}
