/* Default actions without uk's signal group (signals.sh): the program
 * uses no signal function but raise and pipes. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	int p[2];
	printf("case %s\n", c);
	fflush(stdout);
	if (!strcmp(c, "usr1"))
		raise(SIGUSR1);
	else if (!strcmp(c, "pipe"))
		pipe(p), close(p[0]), write(p[1], "x", 1);
	else if (!strcmp(c, "socket"))
		socketpair(AF_UNIX, SOCK_STREAM, 0, p), close(p[1]), write(p[0], "x", 1);
	else if (!strcmp(c, "ignored"))
		raise(SIGCHLD), raise(SIGWINCH), raise(SIGURG);
	printf("survived\n");
	return 0;
}
