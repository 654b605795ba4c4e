/* The process's limits, uname and sysinfo: the sysinfo group
 * (sys_sysinfo.h, link_sysinfo.c), linked with the C library's functions
 * making those calls. */
#include "file.h"
#include "syscall.h"

#define RLIMIT_STACK  3
#define RLIMIT_NOFILE 7
#define RLIM_INFINITY (~0ul)

#ifndef UK_RUNTIME_VERSION
#define UK_RUNTIME_VERSION "0"
#endif

#define NOFILE_HARD 65536ul

__uk_cold static void limit(long res, uint64_t *out)
{
	out[0] = out[1] = RLIM_INFINITY;
	if (res == RLIMIT_STACK) {
		out[0] = out[1] = uk_main_stack.top - uk_main_stack.bottom;
	} else if (res == RLIMIT_NOFILE) {
		out[0] = uk_fd_limit;
		out[1] = NOFILE_HARD;
	}
}

/* Only RLIMIT_NOFILE is enforced; other new limits are accepted. */
__uk_cold static long set_limit(long res, const uint64_t *in)
{
	if (in[0] > in[1])
		return -EINVAL;
	if (res == RLIMIT_NOFILE) {
		if (in[1] > NOFILE_HARD)
			return -EPERM;
		uk_fd_limit = in[0];
	}
	return 0;
}

__uk_cold SYSCALL(getrlimit)
{
	if (a[0] < 0 || a[0] > 15)
		return -EINVAL;
	limit(a[0], (uint64_t *)a[1]);
	return 0;
}

__uk_cold SYSCALL(setrlimit)
{
	if (a[0] < 0 || a[0] > 15)
		return -EINVAL;
	return set_limit(a[0], (const uint64_t *)a[1]);
}

__uk_cold SYSCALL(prlimit64)
{
	if (a[0] != 0 && a[0] != 1)
		return -ESRCH;
	if (a[1] < 0 || a[1] > 15)
		return -EINVAL;
	uint64_t old[2];
	limit(a[1], old);
	if (a[2]) {
		long e = set_limit(a[1], (const uint64_t *)a[2]);
		if (e)
			return e;
	}
	if (a[3]) {
		((uint64_t *)a[3])[0] = old[0];
		((uint64_t *)a[3])[1] = old[1];
	}
	return 0;
}

__uk_cold SYSCALL(uname)
{
	static const char *const f[6] = {"uk", "uk", UK_RUNTIME_VERSION, "uk " UK_RUNTIME_VERSION,
					 "x86_64", "(none)"};
	char *u = (char *)a[0];
	uk_memset(u, 0, 6 * 65);
	for (int i = 0; i < 6; i++)
		uk_memcpy(u + 65 * i, f[i], uk_strlen(f[i]));
	if (uk_strlen(uk_opt.name) < 65)
		uk_memcpy(u + 65, uk_opt.name, uk_strlen(uk_opt.name)); /* nodename */
	return 0;
}

struct sysinfo {
	long uptime;
	unsigned long loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	unsigned long totalhigh, freehigh;
	uint32_t mem_unit;
	char reserved[4];
};
_Static_assert(sizeof(struct sysinfo) == 112, "struct sysinfo, x86_64");

__uk_cold SYSCALL(sysinfo)
{
	struct sysinfo *si = (struct sysinfo *)a[0];
	uk_memset(si, 0, sizeof(*si));
	si->uptime = (long)(uk_monotonic_ns() / 1000000000ull);
	for (unsigned i = 0; i < uk_ram_count; i++)
		si->totalram += uk_ram[i].end - uk_ram[i].start;
	si->freeram = uk_pmem_free_bytes();
	si->procs = 1;
	si->mem_unit = 1;
	return 0;
}
