/* The process: identity, limits, signals, thread pointer, exit. There is
 * one process (pid 1) with one thread (tid 1), running as root. */
#include <uk/exit.h>

#include "cpu.h"
#include "file.h"
#include "syscall.h"

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define MSR_GS_BASE 0xc0000101u
#define RLIMIT_STACK  3
#define RLIMIT_NOFILE 7
#define RLIM_INFINITY (~0ul)
#define FUTEX_WAIT 0

#ifndef UK_RUNTIME_VERSION
#define UK_RUNTIME_VERSION "0"
#endif

SYSCALL(exit_group)
{
	uk_plat_exit((int)(a[0] & 0xff));
}

SYSCALL(exit)
{
	return sys_exit_group(a); /* the only thread: the process ends */
}

SYSCALL(getpid) { (void)a; return 1; }
SYSCALL(gettid) { (void)a; return 1; }
SYSCALL(getppid) { (void)a; return 0; }
SYSCALL(getuid) { (void)a; return 0; }
SYSCALL(geteuid) { (void)a; return 0; }
SYSCALL(getgid) { (void)a; return 0; }
SYSCALL(getegid) { (void)a; return 0; }
SYSCALL(sched_yield) { (void)a; return 0; }
SYSCALL(set_tid_address) { (void)a; return 1; }

/* Signals are accepted and never delivered; a signal sent to ourselves
 * ends the program with a crash report, as its default action would. */
__uk_cold SYSCALL(rt_sigaction)
{
	if (a[0] < 1 || a[0] > 64 || a[3] != 8)
		return -EINVAL;
	if (a[2])
		uk_memset((void *)a[2], 0, 32); /* old action: SIG_DFL */
	return 0;
}

SYSCALL(rt_sigprocmask)
{
	if (a[3] != 8)
		return -EINVAL;
	if (a[2])
		*(uint64_t *)a[2] = 0;
	return 0;
}

__uk_cold static long signal_self(long sig)
{
	if (sig < 0 || sig > 64)
		return -EINVAL;
	if (sig == 0)
		return 0;
	if (sig == 17 || sig == 23 || sig == 28) /* SIGCHLD, SIGURG, SIGWINCH */
		return 0;
	uk_die_signal((int)sig, sig == 6 ? "abort" : "signal sent to self");
}

/* EPIPE's SIGPIPE (pipes, sockets): the signal group's when it is linked,
 * else the default action, which ends the program as Linux's does. */
void uk_sig_raise(int sig) __attribute__((weak));

__uk_cold void uk_signal_raise_self(int sig)
{
	if (uk_sig_raise) {
		uk_sig_raise(sig);
		return;
	}
	if (sig == 13) {
		uk_printk("uk: terminated by SIGPIPE\n");
		uk_plat_exit(128 + 13);
	}
	signal_self(sig);
}

/* as the signal group's: 1 and 0 (its group) name the program, -1
 * (all but init and the caller) none */
__uk_cold SYSCALL(kill)
{
	if (a[0] != 1 && a[0] != 0)
		return -ESRCH;
	return signal_self(a[1]);
}

__uk_cold SYSCALL(tkill)
{
	return a[0] == 1 ? signal_self(a[1]) : -ESRCH;
}

__uk_cold SYSCALL(tgkill)
{
	return a[0] == 1 && a[1] == 1 ? signal_self(a[2]) : -ESRCH;
}

__uk_cold SYSCALL(arch_prctl)
{
	switch (a[0]) {
	case ARCH_SET_FS:
		wrmsr(MSR_FS_BASE, (uint64_t)a[1]);
		return 0;
	case ARCH_SET_GS:
		wrmsr(MSR_GS_BASE, (uint64_t)a[1]);
		return 0;
	case ARCH_GET_FS:
		*(uint64_t *)a[1] = rdmsr(MSR_FS_BASE);
		return 0;
	case ARCH_GET_GS:
		*(uint64_t *)a[1] = rdmsr(MSR_GS_BASE);
		return 0;
	default:
		return -EINVAL;
	}
}

/* One thread: nobody else can change the word or wake us. */
__uk_cold SYSCALL(futex)
{
	if ((a[1] & 127) == FUTEX_WAIT && *(const int *)a[0] != (int)a[2])
		return -EAGAIN;
	return 0;
}

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
