/* Signal delivery to a handler, timed from inside the program with
 * CLOCK_MONOTONIC so the same code measures a uk guest and a Linux
 * process alike:
 *   raise-100k   100,000 raise(SIGUSR1) (musl: mask, tkill, unmask), each
 *                run the handler and return through rt_sigreturn
 *   kill-100k    the same with kill(getpid(), SIGUSR1), one call each
 *   info-100k    kill to an SA_SIGINFO handler that reads its siginfo
 * Prints "NAME MS" lines and exits 0, or says what went wrong. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define N 100000

static volatile long hits, pid_sum;

static void plain(int sig)
{
	(void)sig;
	hits++;
}

static void with_info(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	hits++;
	pid_sum += si->si_pid;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int run(const char *name, int use_kill)
{
	pid_t self = getpid();
	hits = 0;
	double t0 = now_ms();
	for (int i = 0; i < N; i++)
		if (use_kill)
			kill(self, SIGUSR1);
		else
			raise(SIGUSR1);
	double t = now_ms() - t0;
	if (hits != N) {
		fprintf(stderr, "%s: %ld handler runs, want %d\n", name, hits, N);
		return 1;
	}
	printf("%s %.3f\n", name, t);
	return 0;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = plain;
	sigaction(SIGUSR1, &sa, NULL);
	if (run("raise-100k", 0) || run("kill-100k", 1))
		return 1;
	sa.sa_sigaction = with_info;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	if (run("info-100k", 1))
		return 1;
	if (pid_sum != (long)N * getpid()) {
		fprintf(stderr, "info-100k: wrong si_pid\n");
		return 1;
	}
	return 0;
}
