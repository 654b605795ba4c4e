/* An epoll HTTP/1.1 server over non-blocking sockets, edge-triggered, as
 * event-loop servers are written: keep-alive, several clients at once.
 * GET /quit answers and ends the program (status 0) once that connection
 * is closed. argv[1]: the port (default 8080); argv[2] "6": an AF_INET6
 * listener on [::], which takes IPv4 peers too (printing the first one's
 * address, ::ffff:a.b.c.d). Prints one line a request and one at the end:
 * the count. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CONN 64

struct conn {
	int fd;
	char buf[4096];
	size_t len;
};

static struct conn conns[MAX_CONN];
static int quitting;
static unsigned requests;

static struct conn *conn_new(int fd)
{
	for (int i = 0; i < MAX_CONN; i++)
		if (!conns[i].fd) {
			conns[i].fd = fd;
			conns[i].len = 0;
			return &conns[i];
		}
	return 0;
}

static void conn_close(int ep, struct conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, 0);
	close(c->fd);
	c->fd = 0;
}

static void answer(struct conn *c, const char *path)
{
	char body[256], out[512];
	int n = snprintf(body, sizeof(body), "hello from uk: %s\n", path);
	int m = snprintf(out, sizeof(out),
			 "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s",
			 n, body);
	for (int off = 0; off < m;) { /* small answers: the buffer takes them */
		long w = write(c->fd, out + off, (size_t)(m - off));
		if (w <= 0)
			return;
		off += (int)w;
	}
}

/* every whole request in the buffer */
static int serve(struct conn *c)
{
	char *end;
	while ((end = memmem(c->buf, c->len, "\r\n\r\n", 4))) {
		char path[128] = "?";
		sscanf(c->buf, "GET %127s", path);
		printf("GET %s\n", path);
		requests++;
		answer(c, path);
		if (!strcmp(path, "/quit"))
			quitting = 1;
		size_t used = (size_t)(end + 4 - c->buf);
		memmove(c->buf, end + 4, c->len - used);
		c->len -= used;
	}
	return c->len == sizeof(c->buf) ? -1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, 0, _IONBF, 0);
	int port = argc > 1 ? atoi(argv[1]) : 8080, one = 1;
	int six = argc > 2 && !strcmp(argv[2], "6"), first = 1;
	int ls = socket(six ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = a.sin_port};
	if (bind(ls, six ? (struct sockaddr *)&a6 : (struct sockaddr *)&a,
		 six ? sizeof(a6) : sizeof(a)) ||
	    listen(ls, 128)) {
		perror("bind/listen");
		return 1;
	}
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = 0};
	epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
	printf("listening on %d\n", port);
	for (int open = 0;;) {
		struct epoll_event evs[16];
		int n = epoll_wait(ep, evs, 16, 30000);
		if (n <= 0) {
			printf("epoll_wait = %d: nothing for 30 s\n", n);
			return 1;
		}
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (!c) {
				int fd;
				struct sockaddr_in6 peer;
				socklen_t plen = sizeof(peer);
				while ((fd = accept4(ls, (struct sockaddr *)&peer, &plen,
						     SOCK_NONBLOCK)) >= 0) {
					char ip[64];
					if (six && first-- > 0)
						printf("first peer: %s\n",
						       inet_ntop(AF_INET6, &peer.sin6_addr, ip, sizeof(ip)));
					plen = sizeof(peer);
					struct conn *nc = conn_new(fd);
					if (!nc) {
						close(fd);
						continue;
					}
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					struct epoll_event ce = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET,
								 .data.ptr = nc};
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ce);
					open++;
				}
				continue;
			}
			int done = 0;
			for (;;) { /* edge-triggered: drain */
				long r = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
				if (r > 0) {
					c->len += (size_t)r;
					if (serve(c))
						done = 1;
					continue;
				}
				if (r == 0 || errno != EAGAIN)
					done = 1;
				break;
			}
			if (done || (evs[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
				conn_close(ep, c);
				open--;
			}
			if (quitting && !open) {
				printf("%u requests\n", requests);
				return 0;
			}
		}
	}
}
