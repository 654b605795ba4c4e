/* A write to a socket whose peer is gone, with SIGPIPE left at its
 * default action: the program ends there, killed by SIGPIPE (status 141),
 * as Linux ends it; MSG_NOSIGNAL before that only says EPIPE. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	close(sv[1]);
	long r = send(sv[0], "x", 1, MSG_NOSIGNAL);
	printf("send MSG_NOSIGNAL = %ld %s\n", r, strerror(errno));
	printf("write: the program ends here\n");
	write(sv[0], "x", 1);
	printf("not reached\n");
	return 0;
}
