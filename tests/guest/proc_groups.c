/* The calls of the optional groups time, sysinfo and brk, reached through
 * each C library function that makes them (the groups are linked by those
 * functions: runtime/link-if/time, sysinfo, brk; no raw syscall() here,
 * which links them all). */
#define _GNU_SOURCE /* prlimit */
#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static void show(const char *what, long r)
{
	printf("%s: %ld%s\n", what, r, r < 0 ? (errno == EINVAL ? " EINVAL" : " other errno") : "");
}

static long ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000l + t->tv_nsec;
}

int main(void)
{
	struct timespec a, b, req = {0, 20000000}, res;
	show("clock_gettime", clock_gettime(CLOCK_MONOTONIC, &a));
	show("nanosleep 20 ms", nanosleep(&req, 0));
	show("clock_nanosleep 20 ms", clock_nanosleep(CLOCK_MONOTONIC, 0, &req, 0));
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("slept at least 40 ms: %d\n", ns(&b) - ns(&a) >= 40000000);
	show("clock_getres", clock_getres(CLOCK_MONOTONIC, &res));
	printf("resolution at most 1 ms: %d\n", res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000);
	show("clock_gettime 999", clock_gettime(999, &a));
	struct timeval tv;
	show("gettimeofday", gettimeofday(&tv, 0));
	time_t t = time(0);
	printf("time after 2020 and as gettimeofday: %d\n", t > 1577836800 && t - tv.tv_sec <= 1);
	printf("usleep: %d\n", usleep(1000));

	struct utsname u;
	show("uname", uname(&u));
	printf("sysname set: %d, machine %s\n", u.sysname[0] != 0, u.machine);
	char host[256];
	show("gethostname", gethostname(host, sizeof(host)));
	struct sysinfo si;
	show("sysinfo", sysinfo(&si));
	printf("ram: %d\n", si.mem_unit > 0 && si.totalram > 0 && si.freeram > 0 && si.freeram <= si.totalram);
	printf("sysconf pages: %d open max: %d\n", sysconf(_SC_PHYS_PAGES) > 0, sysconf(_SC_OPEN_MAX) > 0);
	struct rlimit rl;
	show("getrlimit STACK", getrlimit(RLIMIT_STACK, &rl));
	printf("stack limit set: %d\n", rl.rlim_cur > 0);
	show("getrlimit 99", getrlimit(99, &rl));
	struct rlimit old;
	show("prlimit NOFILE", prlimit(0, RLIMIT_NOFILE, 0, &old));
	rl = old;
	rl.rlim_cur = old.rlim_cur > 64 ? 64 : old.rlim_cur;
	show("setrlimit NOFILE", setrlimit(RLIMIT_NOFILE, &rl));
	show("getrlimit NOFILE", getrlimit(RLIMIT_NOFILE, &rl));
	printf("lowered: %d\n", rl.rlim_cur <= 64);

	/* musl's sbrk only reads the break (sbrk(0)); any other is ENOMEM */
	void *brk0 = sbrk(0);
	printf("sbrk(0) a break: %d\n", (unsigned long)brk0 < -4096ul && brk0 == sbrk(0));
	errno = 0;
	printf("sbrk(4096): %d %s\n", sbrk(4096) == (void *)-1, errno == ENOMEM ? "ENOMEM" : "other");
	return 0;
}
