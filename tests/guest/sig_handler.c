/* Handlers: SA_SIGINFO's siginfo (si_signo, si_code, si_pid) and ucontext,
 * SA_RESETHAND, SA_NODEFER, the mask inside a handler, rt_sigpending,
 * sigsuspend, sigwait/sigtimedwait on a blocked signal, sigqueue's value,
 * a handler that changes nothing returning exactly where it was, and the
 * FPU state: initial in the handler, the program's back after it (AVX
 * registers included). */
#define _GNU_SOURCE
#include <errno.h>
#include <fenv.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

/* a raw system call (the C library's syscall() would do the same) */
static long sys3(long nr, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}

static volatile sig_atomic_t hits, depth, max_depth, raises_left;
static volatile int got_signo, got_code, got_pid_ok, uc_ok, blocked_in_handler;
static volatile long got_value;

static void info_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	hits++;
	got_signo = si->si_signo;
	got_code = si->si_code;
	got_pid_ok = si->si_pid == getpid();
	got_value = si->si_value.sival_int;
	/* the interrupted code's stack is above this frame; rip is in the text */
	uc_ok = (unsigned long)uc->uc_mcontext.gregs[REG_RSP] > (unsigned long)&uc &&
		uc->uc_mcontext.gregs[REG_RIP] != 0 && uc->uc_mcontext.fpregs != NULL;
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	blocked_in_handler = sigismember(&now, sig) * 2 + sigismember(&now, SIGUSR2);
	(void)sig;
}

static void nest_handler(int sig)
{
	hits++;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (raises_left > 0) {
		raises_left--;
		raise(sig); /* with SA_NODEFER, runs again at once */
	}
	depth--;
}

static void plain(int sig)
{
	(void)sig;
	hits++;
}

static volatile int handler_round;

/* starts with the FPU's initial state; what it changes is undone on return */
static void round_handler(int sig)
{
	(void)sig;
	handler_round = fegetround();
	fesetround(FE_DOWNWARD);
}

/* AVX: the upper halves of the ymm registers are the program's too */
static int have_avx(void)
{
	unsigned a, b, c, d, lo, hi;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	if (!(c & (1u << 27)) || !(c & (1u << 28))) /* OSXSAVE, AVX */
		return 0;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6;
}

static void clobber_avx(int sig)
{
	(void)sig;
	__asm__ volatile("vpcmpeqd %%ymm1, %%ymm1, %%ymm1\n\tvzeroall" ::: "memory");
}

static int avx_survives(void)
{
	if (!have_avx())
		return 1;
	static const long in[4] = {1, 2, 3, 4};
	long out[4];
	signal(SIGURG, clobber_avx);
	__asm__ volatile("vmovdqu %0, %%ymm1" : : "m"(in));
	raise(SIGURG);
	__asm__ volatile("vmovdqu %%ymm1, %0" : "=m"(out));
	return out[0] == 1 && out[1] == 2 && out[2] == 3 && out[3] == 4;
}

static void report(const char *what)
{
	printf("%s: hits=%d signo=%d code=%d pid_ok=%d uc_ok=%d blocked=%d\n", what, (int)hits,
	       got_signo, got_code, got_pid_ok, uc_ok, blocked_in_handler);
	hits = 0;
}

/* registers survive a handler that changes nothing */
static int regs_survive(void)
{
	long a = 0x1111, b = 0x2222, c = 0x3333, d = 0x4444;
	double x = 1.5, y = 2.25;
	raise(SIGUSR1);
	__asm__ volatile("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d), "+x"(x), "+x"(y));
	return a == 0x1111 && b == 0x2222 && c == 0x3333 && d == 0x4444 && x == 1.5 && y == 2.25;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = info_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaction(SIGUSR1, &sa, NULL);

	raise(SIGUSR1);
	report("raise");
	kill(getpid(), SIGUSR1);
	report("kill");
	sys3(SYS_tgkill, getpid(), sys3(SYS_gettid, 0, 0, 0), SIGUSR1);
	report("tgkill");
	union sigval v = {.sival_int = 42};
	sigqueue(getpid(), SIGUSR1, v);
	report("sigqueue");
	printf("value=%ld\n", got_value);
	printf("regs survive: %d\n", regs_survive());
	signal(SIGWINCH, round_handler);
	fesetround(FE_UPWARD);
	raise(SIGWINCH);
	int after_round = fegetround();
	fesetround(FE_TONEAREST);
	printf("fpu: handler nearest=%d main upward after=%d\n", handler_round == FE_TONEAREST,
	       after_round == FE_UPWARD);
	printf("avx survives: %d\n", avx_survives());
	hits = 0;

	/* blocked: pending, then delivered when unblocked */
	sigset_t set, old, pend;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR1);
	sigpending(&pend);
	printf("pending USR1=%d USR2=%d hits=%d\n", sigismember(&pend, SIGUSR1),
	       sigismember(&pend, SIGUSR2), (int)hits);
	sigprocmask(SIG_SETMASK, &old, NULL);
	report("unblocked");

	/* SA_RESETHAND: once, then the default (ignored for SIGWINCH... use
	 * SIGCHLD whose default is to ignore) */
	sa.sa_handler = plain;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	raise(SIGCHLD);
	raise(SIGCHLD);
	struct sigaction now;
	sigaction(SIGCHLD, NULL, &now);
	printf("resethand: hits=%d now_default=%d\n", (int)hits, now.sa_handler == SIG_DFL);
	hits = 0;

	/* SA_NODEFER: the handler interrupts itself */
	sa.sa_handler = nest_handler;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGUSR2, &sa, NULL);
	raises_left = 2;
	raise(SIGUSR2);
	printf("nodefer: hits=%d depth=%d\n", (int)hits, (int)max_depth);
	/* without it: deferred until the handler returns, then once more */
	hits = max_depth = 0;
	sa.sa_flags = 0;
	sigaction(SIGUSR2, &sa, NULL);
	raises_left = 2;
	raise(SIGUSR2);
	printf("defer: hits=%d depth=%d\n", (int)hits, (int)max_depth);
	hits = 0;

	/* sigsuspend: waits with USR1 unblocked, the old mask back after */
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR1);
	sigset_t wait_mask;
	sigemptyset(&wait_mask);
	errno = 0;
	int r = sigsuspend(&wait_mask);
	sigset_t after;
	sigprocmask(SIG_BLOCK, NULL, &after);
	printf("sigsuspend: r=%d errno=%d hits=%d usr1_blocked_after=%d\n", r, errno, (int)hits,
	       sigismember(&after, SIGUSR1));
	hits = 0;

	/* sigwait / sigtimedwait take a blocked signal, no handler runs */
	raise(SIGUSR1);
	int sig = 0;
	r = sigwait(&set, &sig);
	printf("sigwait: r=%d sig=%d hits=%d\n", r, sig, (int)hits);
	siginfo_t si;
	struct timespec ts = {0, 20000000};
	r = sigtimedwait(&set, &si, &ts);
	printf("sigtimedwait empty: r=%d errno=%d\n", r, errno);
	kill(getpid(), SIGUSR1);
	r = sigtimedwait(&set, &si, &ts);
	printf("sigtimedwait: r=%d signo=%d code=%d pid_ok=%d\n", r, si.si_signo, si.si_code,
	       si.si_pid == getpid());
	return 0;
}
