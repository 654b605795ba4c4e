/* A stack overflow by 16 KiB frames (each first touches its far end, four
 * pages below the last one touched): the guard below the main stack is
 * wider than a frame, so the fault is a SIGSEGV the handler on the
 * alternate stack takes, not a write into what lies below the stack. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char alt[65536];
static volatile int depth;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	char here;
	int on_alt = &here >= alt && &here < alt + sizeof(alt);
	printf("caught %d code=%d on_alt=%d deep=%d\n", sig, si->si_code, on_alt, depth > 100);
	fflush(stdout);
	_exit(3);
}

__attribute__((noinline)) static int deep(int n)
{
	volatile char pad[16384];
	pad[0] = (char)n;
	depth = n;
	return deep(n + 1) + pad[0];
}

int main(void)
{
	stack_t ss = {.ss_sp = alt, .ss_size = sizeof(alt)};
	sigaltstack(&ss, NULL);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	printf("recursing\n");
	fflush(stdout);
	return deep(0);
}
