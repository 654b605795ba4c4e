/* Each thread's FPU/SSE/AVX state is its own however switches fall (the
 * runtime switches it lazily: a thread's first FPU instruction after
 * another thread used the FPU traps and swaps the state): registers
 * loaded in assembly survive sched_yield, preemption by a spinning
 * thread that computes in SSE, and a signal handler that overwrites them;
 * each thread's rounding mode stays its own; sums in double match. */
#include <fenv.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define THREADS 4

static atomic_int stop;
static int have_avx;

/* xmm8 (and ymm8's upper half) := v, a sched_yield made by hand, read back */
static uint64_t keep_xmm(uint64_t v, int n)
{
	uint64_t out = 0;
	for (int i = 0; i < n && !out; i++) {
		uint64_t got;
		long nr = SYS_sched_yield;
		__asm__ volatile("movq %2, %%xmm8\n\t"
				 "syscall\n\t"
				 "movq %%xmm8, %0"
				 : "=r"(got), "+a"(nr)
				 : "r"(v)
				 : "rcx", "r11", "xmm8", "memory");
		if (got != v)
			out = got ? got : 1;
	}
	return out;
}

static int keep_ymm(uint64_t v, int n)
{
	if (!have_avx)
		return 1;
	uint64_t in[4] = {v, v + 1, v + 2, v + 3}, got[4];
	for (int i = 0; i < n; i++) {
		long nr = SYS_sched_yield;
		__asm__ volatile("vmovdqu (%2), %%ymm9\n\t"
				 "syscall\n\t"
				 "vmovdqu %%ymm9, (%1)\n\t"
				 "vzeroupper"
				 : "+a"(nr)
				 : "r"(got), "r"(in)
				 : "rcx", "r11", "xmm9", "memory");
		if (memcmp(in, got, sizeof(in)))
			return 0;
	}
	return 1;
}

static void *spin_sse(void *arg)
{
	volatile double x = 1.0;
	while (!atomic_load(&stop)) {
		x = x * 1.0000001 + 0.5;
		if (x > 1e300)
			x = 1.0;
		__asm__ volatile("pcmpeqd %%xmm8, %%xmm8\n\tpcmpeqd %%xmm9, %%xmm9" ::: "xmm8", "xmm9");
	}
	return arg;
}

static const int modes[THREADS] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};

static double sum(void)
{
	volatile double s = 0;
	for (int i = 1; i <= 2000; i++)
		s += 1.0 / i;
	return s;
}

struct result {
	double s;
	int mode_kept;
	uint64_t xmm_bad;
	int ymm_kept;
};

static void *worker(void *arg)
{
	long i = (long)arg;
	struct result *r = calloc(1, sizeof(*r));
	fesetround(modes[i]);
	r->mode_kept = 1;
	for (int k = 0; k < 50; k++) {
		r->s = sum();
		sched_yield();
		if (fegetround() != modes[i])
			r->mode_kept = 0;
	}
	r->xmm_bad = keep_xmm(0x1111111111111111ull * (uint64_t)(i + 1), 200);
	r->ymm_kept = keep_ymm(0x100 * (uint64_t)(i + 1), 200);
	return r;
}

/* the handler overwrites xmm8; its caller's value is back after it */
static void on_usr1(int sig)
{
	(void)sig;
	__asm__ volatile("pcmpeqd %%xmm8, %%xmm8" ::: "xmm8");
}

static void *signalled(void *arg)
{
	uint64_t v = 0x5a5a5a5a12345678ull, got;
	long nr = SYS_sched_yield, tid = syscall(SYS_gettid);
	/* loaded, switched away (the spinner takes the FPU), then a signal
	 * before this thread touches the FPU again */
	__asm__ volatile("movq %3, %%xmm8\n\t"
			 "syscall\n\t"
			 "movl %4, %%eax\n\t"
			 "movq %5, %%rdi\n\t"
			 "movl %6, %%esi\n\t"
			 "syscall\n\t"
			 "movq %%xmm8, %0"
			 : "=r"(got), "+a"(nr), "+m"(v)
			 : "r"(v), "i"(SYS_tkill), "r"(tid), "i"(SIGUSR1)
			 : "rcx", "r11", "rdi", "rsi", "xmm8", "memory");
	return (void *)(uintptr_t)(got == v);
}

int main(void)
{
	uint32_t a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	if ((c & (1u << 28)) && (c & (1u << 27))) { /* AVX, OSXSAVE */
		uint32_t lo, hi;
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		have_avx = (lo & 6) == 6;
	}
	double alone[THREADS];
	for (int i = 0; i < THREADS; i++) {
		fesetround(modes[i]);
		alone[i] = sum();
	}
	fesetround(FE_TONEAREST);

	pthread_t spin, t[THREADS];
	pthread_create(&spin, 0, spin_sse, 0);
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], 0, worker, (void *)i);
	for (int i = 0; i < THREADS; i++) {
		void *res;
		pthread_join(t[i], &res);
		struct result *r = res;
		printf("thread %d: sum %s, rounding mode %s, xmm8 %s, ymm9 %s\n", i,
		       r->s == alone[i] ? "as alone" : "differs", r->mode_kept ? "kept" : "lost",
		       r->xmm_bad ? "lost" : "kept", r->ymm_kept ? "kept" : "lost");
	}
	signal(SIGUSR1, on_usr1);
	pthread_t s;
	pthread_create(&s, 0, signalled, 0);
	void *ok;
	pthread_join(s, &ok);
	printf("xmm8 across a handler that overwrites it: %s\n", ok ? "kept" : "lost");
	atomic_store(&stop, 1);
	pthread_join(spin, 0);
	printf("main's rounding mode: %s\n", fegetround() == FE_TONEAREST ? "to nearest" : "changed");
	return 0;
}
