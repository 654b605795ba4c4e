/* Synchronous faults go to the program's handler: SIGSEGV from a bad
 * pointer (SEGV_MAPERR) and from a write to a read-only page
 * (SEGV_ACCERR), SIGFPE from an integer division by zero, SIGILL from
 * ud2, each left with siglongjmp; the handler runs on the alternate stack
 * (SA_ONSTACK), where sigaltstack says SS_ONSTACK and refuses a change;
 * the ucontext has the fault's registers (trap number, error code, cr2),
 * and a handler that moves rip past ud2 and changes rax goes on there. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf env;
static char alt[65536] __attribute__((aligned(16)));
static volatile int got_sig, got_code, on_alt, ss_onstack, change_err;
static void *volatile got_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	char here;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	on_alt = &here >= alt && &here < alt + sizeof(alt);
	stack_t now, other = {.ss_sp = alt, .ss_size = sizeof(alt)};
	sigaltstack(NULL, &now);
	ss_onstack = now.ss_flags;
	change_err = sigaltstack(&other, NULL) ? errno : 0;
	siglongjmp(env, 1);
}

/* the fault's registers in the ucontext; returning with rip past the
 * faulting instruction (and a register changed) goes on after it */
static volatile long skipped_rax;
static volatile int segv_ctx_ok;

static void skip_ud2(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_RIP] += 2; /* ud2 */
	uc->uc_mcontext.gregs[REG_RAX] = 1234;
}

static void segv_ctx(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	greg_t *g = uc->uc_mcontext.gregs;
	segv_ctx_ok = g[REG_TRAPNO] == 14 && (g[REG_ERR] & 7) == 6 &&
		      (void *)g[REG_CR2] == si->si_addr;
	siglongjmp(env, 1);
}

static void report(const char *what)
{
	printf("%s: sig=%d code=%d on_alt=%d ss_flags=%d change=%d\n", what, got_sig, got_code,
	       on_alt, ss_onstack, change_err);
	got_sig = got_code = on_alt = 0;
}

static volatile int zero;

int main(void)
{
	stack_t ss = {.ss_sp = alt, .ss_size = sizeof(alt)};
	if (sigaltstack(&ss, NULL))
		perror("sigaltstack");
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);

	if (!sigsetjmp(env, 1))
		*(volatile int *)16 = 1;
	report("null write");
	printf("addr=%p\n", got_addr);

	char *page = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	page[0] = 1;
	mprotect(page, 4096, PROT_READ);
	if (!sigsetjmp(env, 1))
		*(volatile char *)(page + 8) = 2;
	report("read-only write");
	printf("addr ok=%d page[0]=%d\n", got_addr == page + 8, page[0]);

	volatile int x = 7;
	if (!sigsetjmp(env, 1))
		x = x / zero;
	report("divide by zero");

	if (!sigsetjmp(env, 1))
		__builtin_trap();
	report("ud2");

	/* the mask is back after siglongjmp: a second fault is caught too */
	if (!sigsetjmp(env, 1))
		*(volatile int *)24 = 1;
	report("again");

	sa.sa_sigaction = segv_ctx;
	sigaction(SIGSEGV, &sa, NULL);
	if (!sigsetjmp(env, 1))
		*(volatile int *)40 = 1;
	printf("segv context: %d\n", segv_ctx_ok);
	sa.sa_sigaction = skip_ud2;
	sigaction(SIGILL, &sa, NULL);
	long rax;
	__asm__ volatile("movq $1, %%rax\n\tud2" : "=a"(rax));
	printf("ud2 skipped: rax=%ld\n", rax);
	sa.sa_sigaction = on_fault;

	/* without SA_ONSTACK the handler runs on the normal stack */
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	if (!sigsetjmp(env, 1))
		*(volatile int *)32 = 1;
	report("no onstack");
	stack_t now;
	sigaltstack(NULL, &now);
	printf("altstack: flags=%d size=%zu sp_ok=%d\n", now.ss_flags, now.ss_size,
	       now.ss_sp == alt);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	sigaltstack(NULL, &now);
	printf("disabled: flags=%d\n", now.ss_flags);
	return 0;
}
