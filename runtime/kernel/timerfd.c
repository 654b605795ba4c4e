/* timerfd: a timer (wait.h) as a file; a read returns how many times it
 * expired since the last read or settime. Deadlines are kept on the
 * monotonic clock: CLOCK_REALTIME ones are converted when set (the wall
 * clock never jumps here), CLOCK_BOOTTIME is the monotonic clock (the
 * guest never suspends), the _ALARM clocks are their plain ones. */
#include "event.h"
#include "syscall.h"

#define CLOCK_REALTIME       0
#define CLOCK_MONOTONIC      1
#define CLOCK_BOOTTIME       7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define TFD_TIMER_ABSTIME    1
#define TFD_TIMER_CANCEL_ON_SET 2
#define TFD_IOC_SET_TICKS    0x40085400 /* _IOW('T', 0, u64) */

struct itimerspec {
	struct uk_timespec interval, value;
};

struct tfd {
	struct uk_timer timer; /* first: fire() gets it */
	struct uk_file *file;
	uint64_t interval; /* ns, 0 for one-shot */
	uint64_t ticks;    /* expirations not yet read */
	int realtime;
};

static void fire(struct uk_timer *t)
{
	struct tfd *d = (struct tfd *)t;
	uint64_t n = 1;
	if (d->interval) {
		uint64_t now = uk_monotonic_ns();
		if (now > t->when)
			n += (now - t->when) / d->interval;
		uk_timer_arm(t, t->when + n * d->interval);
	}
	d->ticks += n;
	uk_event_wake(d->file, UK_POLLIN);
}

/* Timers fire from uk_wait: one that is due fires now, for a program
 * that asks without having waited. */
static void catch_up(struct tfd *d)
{
	if (d->timer.armed && d->timer.when <= uk_monotonic_ns()) {
		uk_timer_cancel(&d->timer);
		fire(&d->timer);
	}
}

static long tfd_read(struct uk_file *f, void *buf, size_t n, uint64_t off)
{
	(void)off;
	struct tfd *d = f->priv;
	if (n < 8)
		return -EINVAL;
	catch_up(d);
	if (!d->ticks)
		return -EAGAIN;
	uk_memcpy(buf, &d->ticks, 8);
	d->ticks = 0;
	return 8;
}

static long tfd_write(struct uk_file *f, const void *buf, size_t n, uint64_t off)
{
	(void)f, (void)buf, (void)n, (void)off;
	return -EINVAL; /* Linux: a file without a write operation */
}

static unsigned tfd_poll(struct uk_file *f)
{
	struct tfd *d = f->priv;
	catch_up(d);
	return d->ticks ? UK_POLLIN : 0;
}

static long tfd_ioctl(struct uk_file *f, unsigned long cmd, long arg)
{
	struct tfd *d = f->priv;
	if (cmd != TFD_IOC_SET_TICKS)
		return -ENOTTY;
	if (uk_bad_user(arg, 8))
		return -EFAULT;
	uint64_t t;
	uk_memcpy(&t, (const void *)arg, 8);
	if (!t)
		return -EINVAL;
	d->ticks = t;
	uk_event_wake(f, UK_POLLIN);
	return 0;
}

static long tfd_stat(struct uk_file *f, struct uk_stat *st)
{
	(void)f;
	uk_stat_anon(st, 0600, 1);
	return 0;
}

static void tfd_release(struct uk_file *f)
{
	struct tfd *d = f->priv;
	uk_timer_cancel(&d->timer);
	uk_free(d);
}

static const struct uk_file_ops tfd_ops = {
	.read = tfd_read,
	.write = tfd_write,
	.ioctl = tfd_ioctl,
	.stat = tfd_stat,
	.poll = tfd_poll,
	.release = tfd_release,
	.wait = uk_wait_file,
	.anon_name = "timerfd",
};

SYSCALL(timerfd_create)
{
	long clk = a[0];
	if ((a[1] & ~(long)(UK_O_CLOEXEC | UK_O_NONBLOCK)) ||
	    (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC && clk != CLOCK_BOOTTIME &&
	     clk != CLOCK_REALTIME_ALARM && clk != CLOCK_BOOTTIME_ALARM))
		return -EINVAL;
	struct tfd *d = uk_zalloc(sizeof(*d));
	struct uk_file *f = d ? uk_file_new(&tfd_ops, UK_O_RDWR | (a[1] & UK_O_NONBLOCK), d) : 0;
	if (!f) {
		uk_free(d);
		return -ENOMEM;
	}
	d->file = f;
	d->timer.fire = fire;
	d->realtime = clk == CLOCK_REALTIME || clk == CLOCK_REALTIME_ALARM;
	long fd = uk_fd_install(f, 0, (a[1] & UK_O_CLOEXEC) ? UK_FD_CLOEXEC : 0);
	if (fd < 0)
		uk_file_put(f);
	return fd;
}

static long timer_of(long fd, struct tfd **d)
{
	struct uk_file *f = uk_fd_get(fd);
	if (!f)
		return -EBADF;
	if (f->ops != &tfd_ops)
		return -EINVAL;
	*d = f->priv;
	catch_up(*d);
	return 0;
}

static void ns_to(uint64_t ns, struct uk_timespec *ts)
{
	ts->sec = (int64_t)(ns / UK_NS);
	ts->nsec = (int64_t)(ns % UK_NS);
}

static void get(const struct tfd *d, struct itimerspec *cur)
{
	ns_to(d->interval, &cur->interval);
	cur->value.sec = cur->value.nsec = 0;
	if (d->timer.armed) {
		uk_time_left(d->timer.when, &cur->value);
		if (!cur->value.sec && !cur->value.nsec)
			cur->value.nsec = 1; /* due since catch_up: 0 would say disarmed */
	}
}

SYSCALL(timerfd_settime)
{
	struct itimerspec nv, old;
	struct tfd *d;
	if (uk_bad_user(a[2], sizeof(nv)))
		return -EFAULT;
	uk_memcpy(&nv, (const void *)a[2], sizeof(nv));
	if ((a[1] & ~(long)(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) ||
	    !uk_timespec_valid(&nv.value) || !uk_timespec_valid(&nv.interval))
		return -EINVAL;
	long e = timer_of(a[0], &d);
	if (e)
		return e;
	get(d, &old);
	uk_timer_cancel(&d->timer);
	d->ticks = 0;
	d->interval = uk_time_add(0, (uint64_t)nv.interval.sec, (uint64_t)nv.interval.nsec);
	if (nv.value.sec || nv.value.nsec) {
		uint64_t now = uk_monotonic_ns(), when;
		if (!(a[1] & TFD_TIMER_ABSTIME)) {
			when = uk_time_add(now, (uint64_t)nv.value.sec, (uint64_t)nv.value.nsec);
		} else {
			uint64_t abs = uk_time_add(0, (uint64_t)nv.value.sec, (uint64_t)nv.value.nsec);
			uint64_t base = d->realtime ? uk_realtime_ns() : now;
			/* a time past counts its intervals since then */
			when = abs >= base ? uk_time_add(now, 0, abs - base)
					   : now - (base - abs < now ? base - abs : now);
		}
		if (when != UK_FOREVER)
			uk_timer_arm(&d->timer, when);
	}
	if (a[3] && !uk_bad_user(a[3], sizeof(old)))
		uk_memcpy((void *)a[3], &old, sizeof(old));
	else if (a[3])
		return -EFAULT;
	return 0;
}

SYSCALL(timerfd_gettime)
{
	struct tfd *d;
	long e = timer_of(a[0], &d);
	if (e)
		return e;
	if (uk_bad_user(a[1], sizeof(struct itimerspec)))
		return -EFAULT;
	get(d, (struct itimerspec *)a[1]);
	return 0;
}
