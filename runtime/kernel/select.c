/* select and pselect6, over the same readiness and wait loop as poll
 * (poll.c). Like Linux: descriptors at or above the table's bound
 * (here RLIMIT_NOFILE's hard limit) are ignored, a set bit for a closed
 * descriptor is EBADF, and the timeout is updated to the time left. */
#include "event.h"
#include "syscall.h"

#define WORDS    (UK_FD_LIMIT / 64)
#define IN_SET   (UK_POLLIN | UK_POLLRDNORM | 0x080 | UK_POLLHUP | UK_POLLERR) /* 0x080: RDBAND */
#define OUT_SET  (UK_POLLOUT | UK_POLLWRNORM | 0x200 | UK_POLLERR)            /* 0x200: WRBAND */
#define EX_SET   UK_POLLPRI

struct select_set {
	long n;
	uint64_t want[3][WORDS], got[3][WORDS];
};

static const unsigned masks[3] = {IN_SET, OUT_SET, EX_SET};

static uint64_t word_mask(long n, long w)
{
	long bits = n - w * 64;
	return bits >= 64 ? ~0ull : (1ull << bits) - 1;
}

static long select_scan(void *arg)
{
	struct select_set *s = arg;
	long count = 0;
	uk_memset(s->got, 0, sizeof(s->got));
	for (long w = 0; w * 64 < s->n; w++) {
		uint64_t all = (s->want[0][w] | s->want[1][w] | s->want[2][w]) & word_mask(s->n, w);
		for (; all; all &= all - 1) {
			unsigned b = (unsigned)__builtin_ctzll(all);
			struct uk_file *f = uk_fd_get(w * 64 + b);
			unsigned m = f->ops->poll(f);
			for (int k = 0; k < 3; k++)
				if ((s->want[k][w] >> b & 1) && (m & masks[k])) {
					s->got[k][w] |= 1ull << b;
					count++;
				}
		}
	}
	return count;
}

static long do_select(const long *a, uint64_t deadline)
{
	struct select_set s;
	long n = (int)a[0];
	if (n < 0)
		return -EINVAL;
	if (n > UK_FD_LIMIT)
		n = UK_FD_LIMIT;
	size_t bytes = (size_t)(n + 63) / 64 * 8;
	s.n = n;
	uk_memset(s.want, 0, sizeof(s.want));
	for (int k = 0; k < 3; k++) {
		if (!a[1 + k] || !bytes)
			continue;
		if (uk_bad_user(a[1 + k], bytes))
			return -EFAULT;
		uk_memcpy(s.want[k], (const void *)a[1 + k], bytes);
	}
	for (long w = 0; w * 64 < n; w++)
		for (uint64_t all = (s.want[0][w] | s.want[1][w] | s.want[2][w]) & word_mask(n, w); all;
		     all &= all - 1)
			if (!uk_fd_get(w * 64 + __builtin_ctzll(all)))
				return -EBADF;
	long r = uk_event_wait(select_scan, &s, deadline);
	for (int k = 0; k < 3; k++)
		if (a[1 + k] && bytes)
			uk_memcpy((void *)a[1 + k], s.got[k], bytes);
	return r;
}

SYSCALL(select)
{
	int64_t tv[2];
	struct uk_timespec ts = {0, 0};
	uint64_t deadline = UK_FOREVER;
	if (a[4]) {
		if (uk_bad_user(a[4], sizeof(tv)))
			return -EFAULT;
		uk_memcpy(tv, (const void *)a[4], sizeof(tv));
		/* Linux carries whole seconds of tv_usec over */
		ts = (struct uk_timespec){tv[0] + tv[1] / 1000000, tv[1] % 1000000 * 1000};
		if (!uk_timespec_valid(&ts))
			return -EINVAL;
		deadline = uk_deadline_ts(&ts);
	}
	long r = do_select(a, deadline);
	if (a[4] && (ts.sec || ts.nsec)) {
		uk_time_left(deadline, &ts);
		tv[0] = ts.sec;
		tv[1] = ts.nsec / 1000;
		uk_memcpy((void *)a[4], tv, sizeof(tv));
	}
	return r;
}

SYSCALL(pselect6)
{
	long sig[2] = {0, 0};
	struct uk_timespec ts = {0, 0};
	uint64_t deadline = UK_FOREVER;
	if (a[5]) {
		if (uk_bad_user(a[5], sizeof(sig)))
			return -EFAULT;
		uk_memcpy(sig, (const void *)a[5], sizeof(sig));
	}
	if (a[4]) {
		if (uk_bad_user(a[4], sizeof(ts)))
			return -EFAULT;
		uk_memcpy(&ts, (const void *)a[4], sizeof(ts));
		if (!uk_timespec_valid(&ts))
			return -EINVAL;
		deadline = uk_deadline_ts(&ts);
	}
	long e = uk_event_sigmask(sig[0], sig[1]);
	if (e)
		return e;
	long r = do_select(a, deadline);
	if (a[4] && (ts.sec || ts.nsec)) {
		uk_time_left(deadline, &ts);
		uk_memcpy((void *)a[4], &ts, sizeof(ts));
	}
	return r;
}
