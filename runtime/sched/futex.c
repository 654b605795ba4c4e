/* futex: waiters keyed by address (one address space, so private and
 * shared futexes are the same), woken in the order they came. A waiter
 * lives on its thread's kernel stack while it waits in uk_wait. */
#include "syscall.h"
#include "wait.h"

#define FUTEX_WAIT            0
#define FUTEX_WAKE            1
#define FUTEX_REQUEUE         3
#define FUTEX_CMP_REQUEUE     4
#define FUTEX_WAKE_OP         5
#define FUTEX_WAIT_BITSET     9
#define FUTEX_WAKE_BITSET     10
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_LOCK_PI2        13
#define FUTEX_PRIVATE_FLAG    128
#define FUTEX_CLOCK_REALTIME  256
#define BITSET_ANY            0xffffffffu
#define NS                    1000000000ll

struct waiter {
	int *addr;
	uint32_t bitset;
	int woken;
	struct waiter *next;
};

static struct waiter *head, **tail = &head;

static void unlink_waiter(struct waiter **pp)
{
	struct waiter *w = *pp;
	*pp = w->next;
	if (tail == &w->next)
		tail = pp;
}

static int woken(void *arg)
{
	return ((struct waiter *)arg)->woken;
}

/* Wakes up to n waiters on addr whose bitset meets bits. */
static long wake(int *addr, long n, uint32_t bits)
{
	long count = 0;
	for (struct waiter **pp = &head; *pp && count < n;) {
		struct waiter *w = *pp;
		if (w->addr != addr || !(w->bitset & bits)) {
			pp = &w->next;
			continue;
		}
		w->woken = 1;
		unlink_waiter(pp);
		count++;
	}
	return count;
}

long uk_futex_wake(int *addr, int n)
{
	return wake(addr, n, BITSET_ANY);
}

static long wait(int *addr, int val, uint32_t bits, uint64_t deadline)
{
	if (*addr != val)
		return -EAGAIN;
	struct waiter w = {addr, bits, 0, 0};
	*tail = &w;
	tail = &w.next;
	long r = uk_wait(woken, &w, deadline);
	if (w.woken)
		return 0;
	for (struct waiter **pp = &head; *pp; pp = &(*pp)->next)
		if (*pp == &w) {
			unlink_waiter(pp);
			break;
		}
	return r;
}

/* Wakes n on from, then moves up to m of the rest to to. */
static long requeue(int *from, int *to, long n, long m)
{
	long count = wake(from, n, BITSET_ANY);
	for (struct waiter *w = head; w && m > 0; w = w->next)
		if (w->addr == from) {
			w->addr = to;
			m--;
			count++;
		}
	return count;
}

/* FUTEX_WAKE and WAKE_OP's count: like Linux, at least one for n <= 0 */
static long at_least_one(long n)
{
	return n < 1 ? 1 : n;
}

static long wake_op(int *uaddr, int *uaddr2, long n, long n2, uint32_t op)
{
	unsigned kind = (op >> 28) & 7, cmp = (op >> 24) & 15;
	int oparg = (int)(op << 8) >> 20, cmparg = (int)(op << 20) >> 20;
	if (op & (8u << 28))
		oparg = 1 << (oparg & 31);
	int old = *uaddr2;
	switch (kind) {
	case 0: *uaddr2 = oparg; break;
	case 1: *uaddr2 = (int)((unsigned)old + (unsigned)oparg); break;
	case 2: *uaddr2 = old | oparg; break;
	case 3: *uaddr2 = old & ~oparg; break;
	case 4: *uaddr2 = old ^ oparg; break;
	default: return -ENOSYS;
	}
	int hit;
	switch (cmp) {
	case 0: hit = old == cmparg; break;
	case 1: hit = old != cmparg; break;
	case 2: hit = old < cmparg; break;
	case 3: hit = old <= cmparg; break;
	case 4: hit = old > cmparg; break;
	case 5: hit = old >= cmparg; break;
	default: return -ENOSYS;
	}
	long count = wake(uaddr, at_least_one(n), BITSET_ANY);
	if (hit)
		count += wake(uaddr2, at_least_one(n2), BITSET_ANY);
	return count;
}

struct ts {
	int64_t sec, nsec;
};

/* The monotonic deadline of a timeout, UK_FOREVER for none. */
static long deadline_of(int cmd, int op, const struct ts *t, uint64_t *out)
{
	*out = UK_FOREVER;
	if (!t)
		return 0;
	if (uk_bad_user((long)t, sizeof(*t)))
		return -EFAULT;
	if (t->sec < 0 || t->nsec < 0 || t->nsec >= NS)
		return -EINVAL;
	uint64_t ns = (uint64_t)t->sec * NS + (uint64_t)t->nsec, now = uk_monotonic_ns();
	if ((uint64_t)t->sec > ~0ull / NS / 2)
		return 0; /* so far ahead that it is never */
	if (cmd == FUTEX_WAIT) {
		*out = now + ns;
	} else if (op & FUTEX_CLOCK_REALTIME) {
		uint64_t real = uk_realtime_ns();
		*out = ns > real ? now + (ns - real) : now;
	} else {
		*out = ns;
	}
	return 0;
}

long uk_sched_futex(const long *a)
{
	int *uaddr = (int *)a[0], op = (int)a[1], cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	int val = (int)a[2];
	uint64_t deadline = UK_FOREVER;
	if (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET) {
		long e = deadline_of(cmd, op, (const struct ts *)a[3], &deadline);
		if (e)
			return e;
	}
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT_REQUEUE_PI &&
	    cmd != FUTEX_LOCK_PI2)
		return -ENOSYS;
	if ((long)uaddr & 3)
		return -EINVAL;
	/* a private futex's address is only a key: Linux reads or writes it
	 * only where the operation does */
	int shared = !(op & FUTEX_PRIVATE_FLAG), reads = cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET ||
						       cmd == FUTEX_CMP_REQUEUE;
	if ((shared || reads) && uk_bad_user((long)uaddr, 4))
		return -EFAULT;
	uint32_t bits = (uint32_t)a[5];
	switch (cmd) {
	case FUTEX_WAIT:
		return wait(uaddr, val, BITSET_ANY, deadline);
	case FUTEX_WAIT_BITSET:
		return bits ? wait(uaddr, val, bits, deadline) : -EINVAL;
	case FUTEX_WAKE:
		return wake(uaddr, at_least_one(val), BITSET_ANY);
	case FUTEX_WAKE_BITSET:
		return bits ? wake(uaddr, at_least_one(val), bits) : -EINVAL;
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
	case FUTEX_WAKE_OP: {
		int *uaddr2 = (int *)a[4];
		if (cmd != FUTEX_WAKE_OP && (val < 0 || (int)a[3] < 0))
			return -EINVAL;
		if ((long)uaddr2 & 3)
			return -EINVAL;
		if ((shared || cmd == FUTEX_WAKE_OP) && uk_bad_user((long)uaddr2, 4))
			return -EFAULT;
		if (cmd == FUTEX_WAKE_OP)
			return wake_op(uaddr, uaddr2, val, (int)a[3], bits);
		if (cmd == FUTEX_CMP_REQUEUE && *uaddr != (int)a[5])
			return -EAGAIN;
		return requeue(uaddr, uaddr2, val, (int)a[3]);
	}
	default:
		return -ENOSYS; /* the priority-inheritance operations, FUTEX_FD */
	}
}
