/* AF_UNIX socketpair, stream and datagram, in one process: what moves,
 * readiness (poll and epoll), shutdown, MSG_PEEK/MSG_DONTWAIT/MSG_WAITALL,
 * the options and ioctls, EPIPE and SIGPIPE, datagram boundaries. No
 * network: the image links no uk-net. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static void revents(const char *what, int s)
{
	struct pollfd p = {s, POLLIN | POLLOUT | POLLRDHUP, 0};
	int r = poll(&p, 1, 0);
	printf("%s: poll = %d revents %#x\n", what, r, p.revents);
}

static int getint(int s, int opt)
{
	int v = -1;
	socklen_t l = sizeof(v);
	if (getsockopt(s, SOL_SOCKET, opt, &v, &l) < 0)
		return -errno;
	return v;
}

static int nread(int s)
{
	int n = -1;
	if (ioctl(s, FIONREAD, &n) < 0)
		return -errno;
	return n;
}

static void got(const char *what, long r, const char *buf)
{
	if (r < 0)
		show(what, r);
	else
		printf("%s = %ld '%.*s'\n", what, r, (int)r, buf);
}

static volatile sig_atomic_t pipes;
static void on_pipe(int sig)
{
	(void)sig;
	pipes++;
}

static void stream_cases(void)
{
	int sv[2];
	char buf[64];
	printf("== stream\n");
	show("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	show("SO_TYPE", getint(sv[0], SO_TYPE));
	show("SO_DOMAIN", getint(sv[0], SO_DOMAIN));
	show("SO_PROTOCOL", getint(sv[0], SO_PROTOCOL));
	show("SO_ERROR", getint(sv[0], SO_ERROR));
	show("SO_ACCEPTCONN", getint(sv[0], SO_ACCEPTCONN));
	show("unknown option", getint(sv[0], 9999));
	int one = 1;
	show("IPPROTO_TCP option", setsockopt(sv[0], IPPROTO_TCP, 1, &one, sizeof(one)));
	show("SO_SNDBUF", getint(sv[0], SO_SNDBUF));
	int v = 4096;
	show("set SO_RCVBUF 4096", setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	show("SO_RCVBUF", getint(sv[0], SO_RCVBUF));
	show("SO_RCVBUF short", setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, 2));
	show("ioctl unknown", ioctl(sv[0], 0x1234, &v));
	struct stat st;
	fstat(sv[0], &st);
	printf("fstat: socket %d\n", S_ISSOCK(st.st_mode));
	struct sockaddr_un un;
	socklen_t len = sizeof(un);
	show("getsockname", getsockname(sv[0], (struct sockaddr *)&un, &len));
	printf("  family %d len %u\n", un.sun_family, len);
	len = sizeof(un);
	show("getpeername", getpeername(sv[0], (struct sockaddr *)&un, &len));
	printf("  family %d len %u\n", un.sun_family, len);
	show("listen", listen(sv[0], 1));
	show("accept", accept(sv[0], 0, 0));
	revents("fresh", sv[0]);
	show("recv empty", recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT));
	show("FIONREAD empty", nread(sv[0]));

	show("write", write(sv[0], "hello", 5));
	show("send", send(sv[0], " world", 6, 0));
	revents("with data", sv[1]);
	show("FIONREAD", nread(sv[1]));
	got("MSG_PEEK", recv(sv[1], buf, 8, MSG_PEEK), buf);
	got("read 3", read(sv[1], buf, 3), buf);
	got("recv rest", recv(sv[1], buf, 5, 0), buf);
	len = sizeof(un);
	got("recvfrom", recvfrom(sv[1], buf, sizeof(buf), 0, (struct sockaddr *)&un, &len), buf);
	printf("  address length %u\n", len);
	revents("drained", sv[1]);

	struct iovec iov[2] = {{"ab", 2}, {"cdef", 4}};
	show("writev", writev(sv[1], iov, 2));
	char x[3], y[8];
	struct iovec riov[2] = {{x, 3}, {y, 8}};
	struct msghdr mh = {.msg_iov = riov, .msg_iovlen = 2};
	show("recvmsg", recvmsg(sv[0], &mh, 0));
	printf("  '%.3s' '%.3s' flags %#x\n", x, y, mh.msg_flags);

	/* the other end fills, a non-blocking write stops at EAGAIN */
	int fl = fcntl(sv[0], F_GETFL);
	fcntl(sv[0], F_SETFL, fl | O_NONBLOCK);
	char *big = calloc(1, 1 << 16);
	long total = 0, r;
	for (int i = 0; i < 1000 && (r = write(sv[0], big, 1 << 16)) > 0; i++)
		total += r;
	printf("filled: more than 64 KiB %d, then %s\n", total > 65536, strerror(errno));
	revents("full, writer", sv[0]);
	long drained = 0;
	while ((r = recv(sv[1], big, 1 << 16, MSG_DONTWAIT)) > 0)
		drained += r;
	printf("drained all: %d\n", drained == total);
	revents("emptied, writer", sv[0]);
	fcntl(sv[0], F_SETFL, fl);
	free(big);

	/* MSG_WAITALL waits for the rest, SO_RCVTIMEO ends a wait */
	struct timeval tv = {0, 200000};
	show("SO_RCVTIMEO", setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	show("recv times out", recv(sv[1], buf, sizeof(buf), 0));
	write(sv[0], "1234", 4);
	got("MSG_WAITALL, short, times out", recv(sv[1], buf, 8, MSG_WAITALL), buf);
	write(sv[0], "12345678", 8);
	got("MSG_WAITALL", recv(sv[1], buf, 6, MSG_WAITALL), buf);
	got("the rest", recv(sv[1], buf, sizeof(buf), 0), buf);

	/* epoll */
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.fd = sv[1]}, out[2];
	show("epoll_ctl", epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev));
	show("epoll_wait empty", epoll_wait(ep, out, 2, 0));
	write(sv[0], "z", 1);
	r = epoll_wait(ep, out, 2, 1000);
	printf("epoll_wait data = %ld events %#x\n", r, r > 0 ? out[0].events : 0);
	show("epoll_wait edge again", epoll_wait(ep, out, 2, 0));
	read(sv[1], buf, 1);

	/* shutdown, one way then the other */
	show("shutdown bad how", shutdown(sv[0], 3));
	show("shutdown SHUT_WR", shutdown(sv[0], SHUT_WR));
	r = epoll_wait(ep, out, 2, 1000);
	printf("epoll_wait peer shut = %ld events %#x\n", r, r > 0 ? out[0].events : 0);
	revents("writer after SHUT_WR", sv[0]);
	revents("reader after peer's SHUT_WR", sv[1]);
	show("read at end", read(sv[1], buf, sizeof(buf)));
	show("send after SHUT_WR, MSG_NOSIGNAL", send(sv[0], "x", 1, MSG_NOSIGNAL));
	show("write back", write(sv[1], "back", 4));
	got("read back", read(sv[0], buf, sizeof(buf)), buf);
	show("shutdown SHUT_RD", shutdown(sv[0], SHUT_RD));
	revents("both shut", sv[0]);
	show("write to a reader that shut", send(sv[1], "x", 1, MSG_NOSIGNAL));
	show("read after SHUT_RD", read(sv[0], buf, sizeof(buf)));
	close(ep);
	close(sv[0]);
	close(sv[1]);

	/* the peer closes: EOF with data first, then EPIPE and SIGPIPE */
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	printf("SOCK_CLOEXEC: %d\n", fcntl(sv[0], F_GETFD) & FD_CLOEXEC);
	write(sv[1], "last", 4);
	close(sv[1]);
	revents("peer closed", sv[0]);
	got("read what was left", read(sv[0], buf, sizeof(buf)), buf);
	show("read at end", read(sv[0], buf, sizeof(buf)));
	signal(SIGPIPE, on_pipe);
	show("write to a closed peer", write(sv[0], "x", 1));
	printf("SIGPIPE %d\n", pipes);
	show("send MSG_NOSIGNAL", send(sv[0], "x", 1, MSG_NOSIGNAL));
	printf("SIGPIPE %d\n", pipes);
	struct iovec wv = {"x", 1};
	show("writev", writev(sv[0], &wv, 1));
	printf("SIGPIPE %d\n", pipes);
	signal(SIGPIPE, SIG_IGN);
	show("write, SIGPIPE ignored", write(sv[0], "x", 1));
	printf("SIGPIPE %d\n", pipes);
	len = sizeof(un);
	show("getpeername, peer closed", getpeername(sv[0], (struct sockaddr *)&un, &len));
	close(sv[0]);
}

static void dgram_cases(void)
{
	int sv[2];
	char buf[64];
	printf("== dgram\n");
	show("socketpair", socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv));
	show("SO_TYPE", getint(sv[0], SO_TYPE));
	printf("O_NONBLOCK: %d\n", (fcntl(sv[0], F_GETFL) & O_NONBLOCK) != 0);
	show("listen", listen(sv[0], 1));
	revents("fresh", sv[0]);
	show("recv empty", recv(sv[0], buf, sizeof(buf), 0));
	show("send one", send(sv[0], "one", 3, 0));
	show("send two", send(sv[0], "two!", 4, 0));
	show("send empty", send(sv[0], "", 0, 0));
	show("FIONREAD", nread(sv[1]));
	revents("with datagrams", sv[1]);
	got("MSG_PEEK", recv(sv[1], buf, sizeof(buf), MSG_PEEK), buf);
	got("recv 2 of one", recv(sv[1], buf, 2, 0), buf);
	struct iovec iov = {buf, 2};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	show("recvmsg 2 of two!", recvmsg(sv[1], &mh, 0));
	printf("  flags MSG_TRUNC %d\n", (mh.msg_flags & MSG_TRUNC) != 0);
	show("recv empty datagram", recv(sv[1], buf, sizeof(buf), 0));
	show("recv none left", recv(sv[1], buf, sizeof(buf), 0));
	show("recv 0 bytes, none there", recv(sv[1], buf, 0, MSG_DONTWAIT));
	struct iovec wv[3] = {{"wr", 2}, {"it", 2}, {"ev", 2}};
	show("writev one datagram", writev(sv[0], wv, 3));
	char r1[3], r2[8];
	struct iovec rv[2] = {{r1, 3}, {r2, 8}};
	show("readv it", readv(sv[1], rv, 2));
	printf("  '%.3s' '%.3s'\n", r1, r2);
	show("FIONREAD none", nread(sv[1]));
	send(sv[0], "abcdef", 6, 0);
	show("recv MSG_TRUNC", recv(sv[1], buf, 2, MSG_TRUNC));
	char *big = calloc(1, 1 << 18);
	show("send too big", send(sv[0], big, 1 << 18, 0));
	long n = 0, r;
	for (int i = 0; i < 10000 && (r = send(sv[0], big, 1000, 0)) > 0; i++)
		n++;
	printf("filled with 1000-byte datagrams: more than 10 %d, then %s\n", n > 10,
	       strerror(errno));
	long m = 0;
	while (recv(sv[1], big, 1 << 18, 0) == 1000)
		m++;
	printf("read back all: %d\n", m == n);
	free(big);
	show("shutdown SHUT_WR", shutdown(sv[0], SHUT_WR));
	revents("after SHUT_WR", sv[0]);
	revents("peer after SHUT_WR", sv[1]);
	show("send after SHUT_WR", send(sv[0], "x", 1, MSG_NOSIGNAL));
	show("send back", send(sv[1], "y", 1, 0));
	got("recv back", recv(sv[0], buf, sizeof(buf), 0), buf);
	send(sv[1], "z", 1, 0);
	close(sv[0]);
	revents("peer closed", sv[1]);
	show("recv after peer closed", recv(sv[1], buf, sizeof(buf), 0));
	show("send to a closed peer", send(sv[1], "x", 1, MSG_NOSIGNAL));
	show("send again", send(sv[1], "x", 1, MSG_NOSIGNAL));
	close(sv[1]);
}

static void seqpacket_cases(void)
{
	int sv[2];
	char buf[16];
	printf("== seqpacket\n");
	show("socketpair", socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	show("SO_TYPE", getint(sv[0], SO_TYPE));
	show("listen", listen(sv[0], 1));
	send(sv[0], "first", 5, 0);
	send(sv[0], "second", 6, 0);
	got("recv 3 of first", recv(sv[1], buf, 3, 0), buf);
	got("recv second", recv(sv[1], buf, sizeof(buf), MSG_WAITALL), buf);
	show("shutdown SHUT_WR", shutdown(sv[0], SHUT_WR));
	revents("peer after SHUT_WR", sv[1]);
	show("recv at end", recv(sv[1], buf, sizeof(buf), 0));
	close(sv[1]);
	revents("peer closed", sv[0]);
	show("send to a closed peer", send(sv[0], "x", 1, MSG_NOSIGNAL));
	close(sv[0]);
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	int sv[2];
	show("socketpair(AF_UNIX, SOCK_RAW)", socketpair(AF_UNIX, SOCK_RAW, 0, sv));
	show("socketpair(AF_UNIX, protocol 1)", socketpair(AF_UNIX, SOCK_STREAM, 1, sv));
	show("socketpair(AF_UNIX, protocol 2)", socketpair(AF_UNIX, SOCK_STREAM, 2, sv));
	show("socketpair(AF_UNIX, type 4)", socketpair(AF_UNIX, 4, 0, sv));
	int *volatile bad = (int *)8;
	show("socketpair(AF_UNIX, bad pointer)", socketpair(AF_UNIX, SOCK_STREAM, 0, bad));
	signal(SIGPIPE, SIG_IGN); /* EPIPE alone, but where SIGPIPE is counted */
	stream_cases();
	dgram_cases();
	seqpacket_cases();
	return 0;
}
