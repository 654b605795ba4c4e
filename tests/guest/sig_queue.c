/* Real-time signals queue every instance, in order, with its value; a
 * standard signal sent while pending is one instance. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int order[16], n;

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (n < 16)
		order[n++] = (sig - SIGRTMIN) * 100 + si->si_value.sival_int;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_rt;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGRTMIN, &sa, NULL);
	sigaction(SIGRTMIN + 1, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGRTMIN + 1);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int i = 1; i <= 3; i++) {
		sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = i});
		sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = i});
		sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = i});
	}
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	/* the lowest signal first; each real-time one in the order sent */
	printf("delivered %d:", n);
	for (int i = 0; i < n; i++)
		printf(" %d", order[i]);
	printf("\n");

	/* sigwaitinfo takes them one by one too */
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int i = 4; i <= 5; i++)
		sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = i});
	siginfo_t si;
	for (int i = 0; i < 2; i++) {
		int sig = sigwaitinfo(&set, &si);
		printf("waited: %d value=%d\n", sig - SIGRTMIN, si.si_value.sival_int);
	}
	sigset_t pend;
	sigpending(&pend);
	printf("pending after: %d\n", sigismember(&pend, SIGRTMIN));
	return 0;
}
