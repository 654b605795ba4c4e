/* The process: identity, signals, thread pointer, exit. There is one
 * process (pid 1) with one thread (tid 1), running as root. Its limits,
 * uname and sysinfo are the sysinfo group's (syscall_sysinfo.c). */
#include <uk/exit.h>

#include "cpu.h"
#include "file.h"
#include "syscall.h"

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define MSR_GS_BASE 0xc0000101u
#define FUTEX_WAIT 0

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
