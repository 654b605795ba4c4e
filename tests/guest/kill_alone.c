/* kill() as Linux answers a program that is pid 1 and alone, as a uk
 * image's program is: -1 names no process (ESRCH, the signal checked
 * for none), 0 and 1 the program. Run on Linux in a PID namespace
 * (kill_alone.pid1). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int got;
static void on_usr1(int s) { (void)s; got++; }

static void try(const char *what, pid_t pid, int sig)
{
	int before = got;
	errno = 0;
	int r = kill(pid, sig);
	printf("%-22s = %d %s, handler %d\n", what, r, r ? strerror(errno) : "", got - before);
}

int main(void)
{
	signal(SIGUSR1, on_usr1);
	printf("pid %d ppid %d\n", (int)getpid(), (int)getppid());
	try("kill(-1, 0)", -1, 0);
	try("kill(-1, SIGUSR1)", -1, SIGUSR1);
	try("kill(0, SIGUSR1)", 0, SIGUSR1);
	try("kill(1, SIGUSR1)", 1, SIGUSR1);
	try("kill(getpid(), 0)", getpid(), 0);
	try("kill(2, 0)", 2, 0);
	try("kill(-2, 0)", -2, 0);
	try("kill(1, 65)", 1, 65);
	try("kill(0, -1)", 0, -1);
	try("kill(-1, 65)", -1, 65);
	return 0;
}
