/* The signal calls' errors, through raw system calls (the C library
 * checks some arguments itself): bad signal numbers, SIGKILL and SIGSTOP
 * handlers, bad sigset sizes, bad pointers, bad `how`, kill/tkill/tgkill
 * targets, sigaltstack's flags and sizes, rt_sigtimedwait's timeout. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long sys4(long nr, long a, long b, long c, long d)
{
	long r;
	register long r10 __asm__("r10") = d;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return r;
}

struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	unsigned long mask;
};

#define T(what, call) printf("%-34s %ld\n", what, (long)(call))

static void h(int s) { (void)s; }

int main(void)
{
	signal(SIGUSR2, h); /* links uk's signal group, as any program using signals does */
	struct ksigaction ka = {h, 0x04000000, 0, 0}, old;
	unsigned long set = 0, oset;
	T("sigaction 0", sys4(SYS_rt_sigaction, 0, (long)&ka, 0, 8));
	T("sigaction 65", sys4(SYS_rt_sigaction, 65, (long)&ka, 0, 8));
	T("sigaction SIGKILL", sys4(SYS_rt_sigaction, SIGKILL, (long)&ka, 0, 8));
	T("sigaction SIGSTOP", sys4(SYS_rt_sigaction, SIGSTOP, (long)&ka, 0, 8));
	T("sigaction SIGKILL query", sys4(SYS_rt_sigaction, SIGKILL, 0, (long)&old, 8));
	T("sigaction size 4", sys4(SYS_rt_sigaction, SIGUSR1, (long)&ka, 0, 4));
	T("sigaction bad act", sys4(SYS_rt_sigaction, SIGUSR1, 16, 0, 8));
	T("sigaction bad oldact", sys4(SYS_rt_sigaction, SIGUSR1, 0, 16, 8));
	T("sigaction SIGRTMAX", sys4(SYS_rt_sigaction, 64, (long)&ka, 0, 8));
	T("sigprocmask how 7", sys4(SYS_rt_sigprocmask, 7, (long)&set, 0, 8));
	T("sigprocmask how 7 no set", sys4(SYS_rt_sigprocmask, 7, 0, (long)&oset, 8));
	T("sigprocmask size 16", sys4(SYS_rt_sigprocmask, SIG_BLOCK, (long)&set, 0, 16));
	T("sigprocmask bad set", sys4(SYS_rt_sigprocmask, SIG_BLOCK, 16, 0, 8));
	T("sigprocmask bad oldset", sys4(SYS_rt_sigprocmask, SIG_BLOCK, 0, 16, 8));
	T("sigpending size 16", sys4(SYS_rt_sigpending, (long)&set, 16, 0, 0));
	T("sigpending size 4", sys4(SYS_rt_sigpending, (long)&set, 4, 0, 0));
	T("sigpending bad", sys4(SYS_rt_sigpending, 16, 8, 0, 0));
	T("sigsuspend size 4", sys4(SYS_rt_sigsuspend, (long)&set, 4, 0, 0));
	T("sigsuspend bad", sys4(SYS_rt_sigsuspend, 16, 8, 0, 0));
	long ts[2] = {0, 1000000000};
	T("sigtimedwait bad nsec", sys4(SYS_rt_sigtimedwait, (long)&set, 0, (long)ts, 8));
	T("sigtimedwait size 4", sys4(SYS_rt_sigtimedwait, (long)&set, 0, 0, 4));
	T("sigtimedwait bad set", sys4(SYS_rt_sigtimedwait, 16, 0, 0, 8));
	long pid = getpid(), tid = sys4(SYS_gettid, 0, 0, 0, 0);
	T("kill sig 65", sys4(SYS_kill, pid, 65, 0, 0));
	T("kill sig -1", sys4(SYS_kill, pid, -1, 0, 0));
	T("kill sig 0", sys4(SYS_kill, pid, 0, 0, 0));
	T("kill no such pid", sys4(SYS_kill, 0x3ffffff0, 0, 0, 0));
	T("tkill tid 0", sys4(SYS_tkill, 0, SIGUSR1, 0, 0));
	T("tkill tid -3", sys4(SYS_tkill, -3, SIGUSR1, 0, 0));
	T("tkill no such tid", sys4(SYS_tkill, 0x3ffffff0, 0, 0, 0));
	T("tkill sig 65", sys4(SYS_tkill, tid, 65, 0, 0));
	T("tgkill tgid 0", sys4(SYS_tgkill, 0, tid, SIGUSR1, 0));
	T("tgkill tid 0", sys4(SYS_tgkill, pid, 0, SIGUSR1, 0));
	T("tgkill other group", sys4(SYS_tgkill, 0x3ffffff0, tid, 0, 0));
	T("tgkill sig 0", sys4(SYS_tgkill, pid, tid, 0, 0));
	static char alt[16384];
	struct { void *sp; int flags; size_t size; } ss = {alt, 0, 1024};
	T("sigaltstack small", sys4(SYS_sigaltstack, (long)&ss, 0, 0, 0));
	ss.size = sizeof(alt);
	ss.flags = 5;
	T("sigaltstack bad flags", sys4(SYS_sigaltstack, (long)&ss, 0, 0, 0));
	T("sigaltstack bad ss", sys4(SYS_sigaltstack, 16, 0, 0, 0));
	T("sigaltstack bad old", sys4(SYS_sigaltstack, 0, 16, 0, 0));
	ss.flags = 0;
	T("sigaltstack ok", sys4(SYS_sigaltstack, (long)&ss, 0, 0, 0));
	ss.flags = SS_DISABLE;
	ss.size = 0;
	T("sigaltstack disable", sys4(SYS_sigaltstack, (long)&ss, 0, 0, 0));
	T("sigqueueinfo bad info", sys4(SYS_rt_sigqueueinfo, pid, SIGUSR1, 16, 0));
	T("sigqueueinfo no such pid", sys4(SYS_rt_sigqueueinfo, 0x3ffffff0, SIGUSR1, 0, 0));
	T("setitimer which 3", sys4(SYS_setitimer, 3, 0, 0, 0));
	T("getitimer which -1", sys4(SYS_getitimer, -1, (long)ts, 0, 0));
	T("timer_delete 1234", sys4(SYS_timer_delete, 1234, 0, 0, 0));
	T("timer_getoverrun 1234", sys4(SYS_timer_getoverrun, 1234, 0, 0, 0));
	T("timer_create bad id ptr", sys4(SYS_timer_create, 1, 0, 16, 0));
	return 0;
}
