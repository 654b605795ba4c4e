/* TCP inside one process over 127.0.0.1, run as a static musl Linux
 * process and as a uk image (the guest's own loopback): the output must
 * be the same. accept/accept4's flags, FIONBIO, MSG_PEEK, readv/writev/
 * sendmsg/recvmsg and dup on a connection, listen's backlog, select,
 * edge-triggered epoll with EPOLLRDHUP, and what a reset leaves: EPOLLERR/
 * EPOLLHUP, SO_ERROR (EPIPE after the peer's FIN), ECONNRESET then EPIPE,
 * SIGPIPE unless MSG_NOSIGNAL.
 * Every wait is bounded. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static int listener(int backlog, struct sockaddr_in *a)
{
	*a = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int l = socket(AF_INET, SOCK_STREAM, 0);
	socklen_t len = sizeof(*a);
	if (bind(l, (struct sockaddr *)a, sizeof(*a)) || listen(l, backlog) ||
	    getsockname(l, (struct sockaddr *)a, &len))
		perror("listener");
	return l;
}

static int connected(const struct sockaddr_in *a)
{
	int c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (const struct sockaddr *)a, sizeof(*a)))
		perror("connect");
	return c;
}

static void flags_of(const char *what, int fd)
{
	int fl = fcntl(fd, F_GETFL), fd_fl = fcntl(fd, F_GETFD);
	printf("%s: O_NONBLOCK %d FD_CLOEXEC %d\n", what, !!(fl & O_NONBLOCK), !!(fd_fl & FD_CLOEXEC));
}

static void wait_in(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};
	poll(&p, 1, 3000);
}

static void recv_str(const char *what, int fd, size_t n, int flags)
{
	char buf[64] = {0};
	long r = recv(fd, buf, n < sizeof(buf) ? n : sizeof(buf) - 1, flags);
	printf("%s = %ld%s%s '%s'\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "",
	       r > 0 ? buf : "");
}

static void select_show(const char *what, int fd)
{
	fd_set r, w, e;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_ZERO(&e);
	FD_SET(fd, &r);
	FD_SET(fd, &w);
	FD_SET(fd, &e);
	struct timeval tv = {0, 0};
	int n = select(fd + 1, &r, &w, &e, &tv);
	printf("%s: select = %d read %d write %d except %d\n", what, n, FD_ISSET(fd, &r),
	       FD_ISSET(fd, &w), FD_ISSET(fd, &e));
}

static void accept_cases(void)
{
	printf("== accept, FIONBIO, MSG_PEEK\n");
	struct sockaddr_in a;
	int l = listener(4, &a);
	fcntl(l, F_SETFL, fcntl(l, F_GETFL) | O_NONBLOCK);
	show("accept none yet", accept(l, 0, 0));
	int c1 = connected(&a), c2 = connected(&a);
	wait_in(l);
	int a1 = accept(l, 0, 0);
	flags_of("accept from a non-blocking listener", a1);
	wait_in(l);
	int a2 = accept4(l, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC);
	flags_of("accept4 SOCK_NONBLOCK|SOCK_CLOEXEC", a2);

	int one = 1, zero = 0;
	show("FIONBIO 1", ioctl(a1, FIONBIO, &one));
	flags_of("after FIONBIO 1", a1);
	show("recv nothing, non-blocking", recv(a1, &one, 1, 0));
	show("FIONBIO 0", ioctl(a1, FIONBIO, &zero));
	flags_of("after FIONBIO 0", a1);

	select_show("nothing to read", a1);
	show("send", send(c1, "hello world", 11, 0));
	wait_in(a1);
	select_show("something to read", a1);
	recv_str("recv 5 MSG_PEEK", a1, 5, MSG_PEEK);
	recv_str("recv 64 MSG_PEEK", a1, 64, MSG_PEEK);
	int q = -1;
	ioctl(a1, FIONREAD, &q);
	printf("FIONREAD %d\n", q);
	recv_str("recv 64", a1, 64, 0);
	ioctl(a1, FIONREAD, &q);
	printf("FIONREAD %d\n", q);
	show("recv MSG_DONTWAIT", recv(a1, &one, 1, MSG_DONTWAIT));

	struct iovec out[2] = {{"ab", 2}, {"cde", 3}};
	show("writev", writev(c2, out, 2));
	wait_in(a2);
	char x[2] = {0}, y[9] = {0};
	struct iovec in[2] = {{x, 2}, {y, 8}};
	long r = readv(a2, in, 2);
	printf("readv = %ld '%.2s' '%s'\n", r, x, y);
	struct iovec out3[3] = {{"1", 1}, {"23", 2}, {"456", 3}};
	struct msghdr mh = {.msg_iov = out3, .msg_iovlen = 3};
	show("sendmsg 3 buffers", sendmsg(c2, &mh, 0));
	wait_in(a2);
	memset(x, 0, sizeof(x));
	memset(y, 0, sizeof(y));
	mh = (struct msghdr){.msg_iov = in, .msg_iovlen = 2};
	r = recvmsg(a2, &mh, 0);
	printf("recvmsg = %ld '%.2s' '%s' flags %#x\n", r, x, y, mh.msg_flags);

	int d = dup(a1);
	close(a1);
	show("send to the dup's peer", send(c1, "z", 1, 0));
	wait_in(d);
	recv_str("recv on the dup", d, 8, 0);
	struct sockaddr_in p1, p2;
	socklen_t len = sizeof(p1);
	getpeername(d, (struct sockaddr *)&p1, &len);
	len = sizeof(p2);
	getsockname(c1, (struct sockaddr *)&p2, &len);
	printf("the dup's peer is the client: %d\n", p1.sin_port == p2.sin_port);
	close(d);
	wait_in(c1);
	show("recv after the dup is closed", recv(c1, &one, 1, 0));
	close(c1);
	close(c2);
	close(a2);
	close(l);
}

/* listen(l, 1) takes two connections before one is accepted, as Linux's
 * accept queue does (backlog + 1); a third waits for a SYN retransmit. */
static void backlog_cases(void)
{
	printf("== backlog\n");
	struct sockaddr_in a;
	int l = listener(1, &a), c[4];
	for (int i = 0; i < 4; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		show("non-blocking connect", connect(c[i], (struct sockaddr *)&a, sizeof(a)));
	}
	poll(0, 0, 700);
	int n = 0;
	for (int i = 0; i < 4; i++) {
		struct pollfd p = {c[i], POLLOUT, 0};
		n += poll(&p, 1, 0) == 1 && (p.revents & POLLOUT);
	}
	printf("connected before an accept: %d\n", n);
	for (int i = 0; i < 4; i++)
		close(c[i]);
	close(l);
}

static void epoll_show(const char *what, int ep, int timeout)
{
	struct epoll_event ev[2];
	int n = epoll_wait(ep, ev, 2, timeout);
	printf("%s: epoll_wait = %d", what, n);
	for (int i = 0; i < n; i++)
		printf(" events %#x", ev[i].events);
	printf("\n");
}

static void epoll_reset_cases(void)
{
	printf("== epoll, reset\n");
	struct sockaddr_in a;
	int l = listener(4, &a);
	int c = connected(&a), s = accept(l, 0, 0);
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.fd = s};
	epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
	epoll_show("nothing sent", ep, 100);
	send(c, "a", 1, 0);
	epoll_show("edge: one byte", ep, 3000);
	epoll_show("edge: not drained, nothing new", ep, 100);
	send(c, "b", 1, 0);
	epoll_show("edge: another byte", ep, 3000);
	shutdown(c, SHUT_WR);
	epoll_show("edge: the peer's SHUT_WR", ep, 3000);
	epoll_show("edge: nothing new", ep, 100);
	ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
	epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev);
	epoll_show("level", ep, 0);
	epoll_show("level again", ep, 0);
	recv_str("recv", s, 8, MSG_WAITALL);
	show("recv at the end", recv(s, &ev, 1, 0));

	close(c); /* the next segment s sends meets a closed socket: a reset */
	show("send to a closed peer", send(s, "x", 1, MSG_NOSIGNAL));
	struct pollfd p = {s, 0, 0};
	show("poll for the reset", poll(&p, 1, 3000));
	printf("  revents %#x\n", p.revents);
	epoll_show("level after the reset", ep, 0);
	select_show("after the reset", s);
	int e = -1;
	socklen_t len = sizeof(e);
	getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &len);
	printf("SO_ERROR %d\n", e);
	getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &len);
	printf("SO_ERROR again %d\n", e);
	show("send MSG_NOSIGNAL", send(s, "x", 1, MSG_NOSIGNAL));
	printf("SIGPIPEs %d\n", (int)sigpipes);
	show("send", send(s, "x", 1, 0));
	printf("SIGPIPEs %d\n", (int)sigpipes);
	show("write", write(s, "x", 1));
	printf("SIGPIPEs %d\n", (int)sigpipes);
	close(s);

	/* a reset on an open connection (SO_LINGER 0), not read by SO_ERROR:
	 * the next send says ECONNRESET, then EPIPE */
	c = connected(&a);
	s = accept(l, 0, 0);
	struct linger lg = {1, 0};
	setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c);
	p = (struct pollfd){s, 0, 0};
	poll(&p, 1, 3000);
	show("send after the reset", send(s, "x", 1, MSG_NOSIGNAL));
	show("send again", send(s, "x", 1, MSG_NOSIGNAL));
	show("recv", recv(s, &e, 1, 0));
	printf("SIGPIPEs %d\n", (int)sigpipes);
	close(s);
	close(ep);
	close(l);
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	struct sigaction sa = {.sa_handler = on_sigpipe};
	sigaction(SIGPIPE, &sa, 0);
	accept_cases();
	backlog_cases();
	epoll_reset_cases();
	return 0;
}
