/* kill_alone.c's answers from the core's kill, linked when the program
 * installs no handler (no signal group): signal 0 only, and bad signals. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static void try(const char *what, int pid, int sig)
{
	errno = 0;
	int r = kill(pid, sig);
	printf("%-12s = %d %s\n", what, r, r ? strerror(errno) : "");
}

int main(void)
{
	try("kill(-1, 0)", -1, 0);
	try("kill(0, 0)", 0, 0);
	try("kill(1, 0)", 1, 0);
	try("kill(2, 0)", 2, 0);
	try("kill(-2, 0)", -2, 0);
	try("kill(1, 65)", 1, 65);
	try("kill(-1, 65)", -1, 65);
	try("kill(0, -1)", 0, -1);
	return 0;
}
