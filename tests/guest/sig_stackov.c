/* A stack overflow caught by a SIGSEGV handler on the alternate stack
 * (the usual way programs report one), which then leaves with _exit. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char alt[65536];

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	char here;
	int on_alt = &here >= alt && &here < alt + sizeof(alt);
	printf("caught %d code=%d on_alt=%d\n", sig, si->si_code, on_alt);
	fflush(stdout);
	_exit(3);
}

static int deep(int n)
{
	volatile char pad[1000]; /* under a page: every page is touched, none skipped */
	pad[0] = (char)n;
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
