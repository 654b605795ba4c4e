/* An image with networking booted with uk run --net none (no NIC), and the
 * same program on Linux in a network namespace holding only lo: a peer off
 * the loopback is unreachable, the loopback still works. */
#include <arpa/inet.h>
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
	struct sockaddr_in far = {.sin_family = AF_INET, .sin_port = htons(80)};
	inet_pton(AF_INET, "10.0.2.2", &far.sin_addr);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	show("connect 10.0.2.2", connect(s, (struct sockaddr *)&far, sizeof(far)));
	close(s);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	show("sendto 10.0.2.2", sendto(u, "x", 1, 0, (struct sockaddr *)&far, sizeof(far)));
	struct sockaddr_in lo = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(lo);
	bind(u, (struct sockaddr *)&lo, sizeof(lo));
	getsockname(u, (struct sockaddr *)&lo, &len);
	show("sendto itself on 127.0.0.1", sendto(u, "hi", 2, 0, (struct sockaddr *)&lo, sizeof(lo)));
	char buf[4] = {0};
	show("recv", recv(u, buf, sizeof(buf) - 1, 0));
	printf("got '%s'\n", buf);
	close(u);
	return 0;
}
