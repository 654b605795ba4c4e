/* Default actions (signals.sh): argv[1] names what the program does to
 * itself; it links uk's signal group (signal()). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	int p[2];
	signal(SIGUSR2, SIG_DFL);
	printf("case %s\n", c);
	fflush(stdout);
	if (!strcmp(c, "usr1"))
		raise(SIGUSR1);
	else if (!strcmp(c, "term"))
		kill(getpid(), SIGTERM);
	else if (!strcmp(c, "alarm"))
		alarm(1), pause();
	else if (!strcmp(c, "alarm-spin")) { /* no system call: the timer interrupts */
		static volatile unsigned long long n;
		alarm(1);
		for (n = 0; n < 4000000000ull; n++)
			;
	}
	else if (!strcmp(c, "pipe"))
		pipe(p), close(p[0]), write(p[1], "x", 1);
	else if (!strcmp(c, "socket"))
		socketpair(AF_UNIX, SOCK_STREAM, 0, p), close(p[1]), write(p[0], "x", 1);
	else if (!strcmp(c, "rt"))
		raise(SIGRTMIN + 2);
	else if (!strcmp(c, "abort"))
		abort();
	else if (!strcmp(c, "segv"))
		*(volatile int *)16 = 1;
	else if (!strcmp(c, "ignored"))
		raise(SIGCHLD), raise(SIGWINCH), raise(SIGURG), raise(SIGCONT);
	else if (!strcmp(c, "unblock")) {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGUSR1);
		sigprocmask(SIG_BLOCK, &s, NULL);
		raise(SIGUSR1);
		printf("still here\n");
		fflush(stdout);
		sigprocmask(SIG_UNBLOCK, &s, NULL);
	}
	printf("survived\n");
	return 0;
}
