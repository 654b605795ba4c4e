/* The socket calls' checks that come before any family: bad flags and
 * types, families that do not exist, descriptors that are not sockets or
 * not open. The same errors with or without a network component. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(80)};
	socklen_t len = sizeof(sin);
	char buf[16];
	int v = 1, sv[2];
	struct msghdr mh = {0};

	show("socket(-1)", socket(-1, SOCK_STREAM, 0));
	show("socket(AF_MAX)", socket(46, SOCK_STREAM, 0));
	show("socket(1000, type 11)", socket(1000, 11, 0));
	show("socket(AF_INET, bad flag)", socket(AF_INET, SOCK_STREAM | 0x100, 0));
	show("socket(AF_INET, type 11)", socket(AF_INET, 11, 0));
	show("socket(AF_INET, type 15)", socket(AF_INET, 15, 0));
	show("socketpair(-1)", socketpair(-1, SOCK_STREAM, 0, sv));
	show("socketpair(AF_UNIX, bad flag)", socketpair(AF_UNIX, SOCK_STREAM | 0x100, 0, sv));

	int fds[] = {1, 999, -1};
	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		int fd = fds[i];
		printf("-- fd %d\n", fd);
		show("bind", bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
		show("connect", connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
		show("listen", listen(fd, 5));
		show("accept", accept(fd, 0, 0));
		show("accept4 bad flags", accept4(fd, 0, 0, 0x100));
		show("accept4", accept4(fd, 0, 0, SOCK_CLOEXEC));
		show("shutdown", shutdown(fd, SHUT_RDWR));
		show("shutdown bad how", shutdown(fd, 7));
		show("getsockname", getsockname(fd, (struct sockaddr *)&sin, &len));
		show("getpeername", getpeername(fd, (struct sockaddr *)&sin, &len));
		show("setsockopt", setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
		len = sizeof(v);
		show("getsockopt", getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len));
		show("send", send(fd, "x", 1, 0));
		show("sendto", sendto(fd, "x", 1, 0, (struct sockaddr *)&sin, sizeof(sin)));
		show("recv", recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
		show("recvfrom", recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, 0, 0));
		show("sendmsg", sendmsg(fd, &mh, 0));
		show("recvmsg", recvmsg(fd, &mh, MSG_DONTWAIT));
	}
	return 0;
}
