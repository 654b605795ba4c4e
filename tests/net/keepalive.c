/* A connection whose peer goes silent (tests/integration/net_tap.sh drops
 * everything the peer would receive once "connected" is printed): with
 * SO_KEEPALIVE, TCP_KEEPIDLE 1, TCP_KEEPINTVL 1 and TCP_KEEPCNT 2 a recv
 * that waits ends with ETIMEDOUT after the unanswered probes, as Linux's.
 * argv: PEER PORT. Bounded: SO_RCVTIMEO 30 s. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, 0, _IONBF, 0);
	if (argc < 3)
		return 2;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2]))};
	inet_pton(AF_INET, argv[1], &a.sin_addr);
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1, two = 2;
	struct timeval tv = {30, 0};
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &one, sizeof(one));
	setsockopt(s, IPPROTO_TCP, TCP_KEEPINTVL, &one, sizeof(one));
	setsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &two, sizeof(two));
	if (connect(s, (struct sockaddr *)&a, sizeof(a))) {
		perror("connect");
		return 1;
	}
	printf("connected\n");
	char c;
	show("recv from a silent peer", recv(s, &c, 1, 0));
	int e = -1;
	socklen_t len = sizeof(e);
	getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &len);
	printf("SO_ERROR %d\n", e);
	show("send", send(s, "x", 1, MSG_NOSIGNAL));
	close(s);
	return 0;
}
