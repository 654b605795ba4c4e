/* timerfd: one-shot and interval timers (expiration counts after known
 * sleeps, kept insensitive to a slow machine), absolute times on both
 * clocks, gettime and the old value of settime, blocking reads, epoll
 * and poll over timers, and the errno of each call. What must not have
 * fired yet has 200 ms to go: a guest under TCG on a loaded host can lose
 * 20 ms between two calls (it did, once the timer was of 20 ms); elapsed
 * times are measured from before the timer was armed. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000L

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, ms % 1000 * MS};
	nanosleep(&ts, 0);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / MS;
}

static uint64_t ticks(int fd)
{
	uint64_t n = 0;
	if (read(fd, &n, 8) != 8)
		return 0;
	return n;
}

static int arm(int fd, int flags, long value_ns, long interval_ns)
{
	struct itimerspec it = {{interval_ns / 1000000000, interval_ns % 1000000000},
				{value_ns / 1000000000, value_ns % 1000000000}};
	return timerfd_settime(fd, flags, &it, 0);
}

int main(void)
{
	struct itimerspec it, old;
	struct timespec t0;
	setvbuf(stdout, 0, _IONBF, 0);

	show("create bad clock", timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0));
	show("create bad clock 99", timerfd_create(99, 0));
	show("create bad flags", timerfd_create(CLOCK_MONOTONIC, 1));
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	printf("fd %d FD_CLOEXEC %d F_GETFL %#o\n", fd, fcntl(fd, F_GETFD),
	       fcntl(fd, F_GETFL) & ~O_LARGEFILE);
	show("read unarmed", read(fd, &(uint64_t){0}, 8));
	show("read 4 bytes", read(fd, &(uint64_t){0}, 4));
	show("write", write(fd, &(uint64_t){1}, 8));
	show("gettime unarmed", timerfd_gettime(fd, &it));
	printf("value %ld.%09ld interval %ld.%09ld\n", (long)it.it_value.tv_sec, it.it_value.tv_nsec,
	       (long)it.it_interval.tv_sec, it.it_interval.tv_nsec);

	/* one-shot */
	show("arm 200 ms", arm(fd, 0, 200 * MS, 0));
	show("gettime", timerfd_gettime(fd, &it));
	printf("value in (0, 200 ms]: %d interval %ld\n",
	       it.it_value.tv_sec == 0 && it.it_value.tv_nsec > 0 && it.it_value.tv_nsec <= 200 * MS,
	       it.it_interval.tv_nsec);
	show("read before", read(fd, &(uint64_t){0}, 8));
	sleep_ms(220);
	printf("one-shot after 220 ms: %llu\n", (unsigned long long)ticks(fd));
	show("read again", read(fd, &(uint64_t){0}, 8));
	timerfd_gettime(fd, &it);
	printf("expired value %ld.%09ld\n", (long)it.it_value.tv_sec, it.it_value.tv_nsec);

	/* interval */
	show("arm 10 ms every 10 ms", arm(fd, 0, 10 * MS, 10 * MS));
	sleep_ms(55);
	uint64_t n = ticks(fd);
	printf("interval after 55 ms: count >= 4: %d\n", n >= 4);
	timerfd_gettime(fd, &it);
	printf("value in (0, 10 ms]: %d interval %ld ms\n",
	       it.it_value.tv_sec == 0 && it.it_value.tv_nsec > 0 && it.it_value.tv_nsec <= 10 * MS,
	       it.it_interval.tv_nsec / MS);
	it = (struct itimerspec){{0, 0}, {5, 0}};
	show("re-arm 5 s, one-shot, asking the old value", timerfd_settime(fd, 0, &it, &old));
	printf("old interval %ld ms, old value <= 10 ms: %d\n", old.it_interval.tv_nsec / MS,
	       old.it_value.tv_sec == 0 && old.it_value.tv_nsec <= 10 * MS);
	show("read after re-arming (count reset)", read(fd, &(uint64_t){0}, 8));
	show("disarm", arm(fd, 0, 0, 0));
	timerfd_gettime(fd, &it);
	printf("disarmed value %ld.%09ld\n", (long)it.it_value.tv_sec, it.it_value.tv_nsec);

	/* absolute times */
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now); /* uk's starts at boot: no earlier time */
	sleep_ms(60);
	it = (struct itimerspec){{0, 0}, now};
	show("absolute, 60 ms ago", timerfd_settime(fd, TFD_TIMER_ABSTIME, &it, 0));
	printf("fired at once: %llu\n", (unsigned long long)ticks(fd));
	it = (struct itimerspec){{0, 10 * MS}, now};
	show("absolute, 60 ms ago, every 10 ms", timerfd_settime(fd, TFD_TIMER_ABSTIME, &it, 0));
	printf("overruns counted, >= 6: %d\n", ticks(fd) >= 6);
	int rt = timerfd_create(CLOCK_REALTIME, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0); /* before: the deadline is >= 30 ms after t0 */
	clock_gettime(CLOCK_REALTIME, &now);
	now.tv_nsec += 30 * MS;
	if (now.tv_nsec >= 1000000000)
		now.tv_sec++, now.tv_nsec -= 1000000000;
	it = (struct itimerspec){{0, 0}, now};
	show("realtime absolute, 30 ms ahead", timerfd_settime(rt, TFD_TIMER_ABSTIME, &it, 0));
	printf("blocking read: %llu\n", (unsigned long long)ticks(rt));
	printf("waited at least 20 ms: %d\n", ms_since(&t0) >= 20);
	int bt = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK);
	show("boottime 10 ms", arm(bt, 0, 10 * MS, 0));
	sleep_ms(20);
	printf("boottime: %llu\n", (unsigned long long)ticks(bt));

	/* poll and epoll */
	struct pollfd p = {fd, POLLIN, 0};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	arm(fd, 0, 200 * MS, 0);
	show("poll before it fires", poll(&p, 1, 0));
	show("poll until it fires", poll(&p, 1, 5000));
	printf("revents %#x after at least 190 ms: %d\n", p.revents, ms_since(&t0) >= 190);
	printf("count %llu\n", (unsigned long long)ticks(fd));
	int ep = epoll_create1(0);
	struct epoll_event ev = {EPOLLIN, {.u64 = 0x71}}, out[2];
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	ev.data.u64 = 0x72;
	ev.events = EPOLLIN | EPOLLET;
	epoll_ctl(ep, EPOLL_CTL_ADD, bt, &ev);
	show("epoll, nothing armed", epoll_wait(ep, out, 2, 0));
	arm(fd, 0, 10 * MS, 10 * MS);
	arm(bt, 0, 300 * MS, 0);
	int k = epoll_wait(ep, out, 2, 1000);
	printf("first: %d %llx\n", k, (unsigned long long)out[0].data.u64);
	printf("count %d\n", ticks(fd) >= 1);
	k = epoll_wait(ep, out, 2, 1000);
	printf("then: %d %llx\n", k, (unsigned long long)out[0].data.u64);
	ticks(fd);
	sleep_ms(320);
	k = epoll_wait(ep, out, 2, 1000);
	printf("after 320 ms: %d, both: %d\n", k, k == 2 && out[0].data.u64 + out[1].data.u64 == 0xe3);
	printf("bt count %llu\n", (unsigned long long)ticks(bt));
	arm(fd, 0, 0, 0);
	ticks(fd);
	show("epoll, both read", epoll_wait(ep, out, 2, 0));

	/* errors */
	it = (struct itimerspec){{0, 0}, {0, 1000000000}};
	show("settime nsec 1e9", timerfd_settime(fd, 0, &it, 0));
	it = (struct itimerspec){{-1, 0}, {1, 0}};
	show("settime interval -1 s", timerfd_settime(fd, 0, &it, 0));
	it = (struct itimerspec){{0, 0}, {1, 0}};
	show("settime bad flags", timerfd_settime(fd, 4, &it, 0));
	show("settime bad fd", timerfd_settime(99, 0, &it, 0));
	show("settime not a timerfd", timerfd_settime(1, 0, &it, 0));
	show("settime bad pointer", timerfd_settime(fd, 0, (struct itimerspec *)8, 0));
	show("gettime not a timerfd", timerfd_gettime(ep, &it));
	show("gettime bad fd", timerfd_gettime(-1, &it));
	show("gettime bad pointer", timerfd_gettime(fd, (struct itimerspec *)8));
	return 0;
}
