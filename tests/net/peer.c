/* Sockets against a peer on the host: run as a static musl Linux process
 * (peer 127.0.0.1) and as a uk image (peer 10.0.2.2, QEMU's gateway), the
 * output must be the same. argv: PEER TCPPORT UDPPORT CLOSEDPORT, where
 * TCPPORT is an HTTP server serving hello.txt, UDPPORT echoes datagrams
 * and nothing listens on CLOSEDPORT. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char *peer;

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static struct sockaddr_in addr(const char *ip, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

static int sockerr(int s)
{
	int e = -1;
	socklen_t l = sizeof(e);
	getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &l);
	return e;
}

static void revents(const char *what, int s, int timeout)
{
	struct pollfd p = {s, POLLIN | POLLOUT | POLLRDHUP, 0};
	int r = poll(&p, 1, timeout);
	printf("%s: poll = %d revents %#x\n", what, r, p.revents);
}

static int getint(int s, int level, int opt)
{
	int v = -1;
	socklen_t l = sizeof(v);
	if (getsockopt(s, level, opt, &v, &l) < 0)
		return -errno;
	return v;
}

static void tcp_cases(int port, int closed)
{
	struct sockaddr_in a = addr(peer, closed), b = addr(peer, port);
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	char buf[512];
	int one = 1;

	printf("== tcp\n");
	int s = socket(AF_INET, SOCK_STREAM, 0);
	show("getpeername unconnected", getpeername(s, (struct sockaddr *)&me, &len));
	len = sizeof(me);
	show("getsockname unbound", getsockname(s, (struct sockaddr *)&me, &len));
	printf("  family %d port %d addr %#x len %u\n", me.sin_family, ntohs(me.sin_port),
	       me.sin_addr.s_addr, len);
	show("recv unconnected", recv(s, buf, 1, MSG_DONTWAIT));
	show("send unconnected", send(s, "x", 1, MSG_NOSIGNAL));
	show("accept unlistening", accept(s, 0, 0));
	show("connect refused", connect(s, (struct sockaddr *)&a, sizeof(a)));
	show("connect again after refused", connect(s, (struct sockaddr *)&a, sizeof(a)));
	close(s);

	s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	show("nonblocking connect refused", connect(s, (struct sockaddr *)&a, sizeof(a)));
	revents("after refused", s, 5000);
	int e1 = sockerr(s), e2 = sockerr(s);
	printf("SO_ERROR %d then %d\n", e1, e2);
	close(s);

	s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	show("nonblocking connect", connect(s, (struct sockaddr *)&b, sizeof(b)));
	struct pollfd p = {s, POLLOUT, 0};
	show("poll for the connection", poll(&p, 1, 5000));
	printf("  revents %#x SO_ERROR %d\n", p.revents, sockerr(s));
	show("connect again", connect(s, (struct sockaddr *)&b, sizeof(b)));
	show("connect a third time", connect(s, (struct sockaddr *)&b, sizeof(b)));
	show("recv nothing yet", recv(s, buf, sizeof(buf), 0));
	int fl = fcntl(s, F_GETFL);
	fcntl(s, F_SETFL, fl & ~O_NONBLOCK);
	struct timeval tv = {0, 200000}, got;
	show("SO_RCVTIMEO 0.2 s", setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	len = sizeof(got);
	getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &got, &len);
	printf("  got %ld.%06ld\n", (long)got.tv_sec, (long)got.tv_usec);
	show("recv times out", recv(s, buf, sizeof(buf), 0));
	const char req[] = "GET /hello.txt HTTP/1.0\r\n\r\n";
	show("send request", send(s, req, sizeof(req) - 1, 0));
	size_t n = 0;
	long r;
	tv.tv_sec = 5;
	tv.tv_usec = 0;
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (n < sizeof(buf) - 1 && (r = recv(s, buf + n, sizeof(buf) - 1 - n, 0)) > 0)
		n += (size_t)r;
	buf[n] = 0;
	char *body = strstr(buf, "\r\n\r\n");
	printf("response: %.15s ... body: %s", buf, body ? body + 4 : "(none)\n");
	show("recv at end", recv(s, buf, sizeof(buf), 0));
	revents("at end", s, 0);
	show("shutdown SHUT_WR", shutdown(s, SHUT_WR));
	show("send after SHUT_WR", send(s, "x", 1, MSG_NOSIGNAL));
	close(s);

	/* MSG_WAITALL: one recv takes the whole response, up to the end */
	s = socket(AF_INET, SOCK_STREAM, 0);
	show("connect for MSG_WAITALL", connect(s, (struct sockaddr *)&b, sizeof(b)));
	tv.tv_sec = 30; /* a bound only: the answer ends at the server's close */
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	send(s, req, sizeof(req) - 1, 0);
	r = recv(s, buf, sizeof(buf) - 1, MSG_WAITALL);
	buf[r > 0 ? r : 0] = 0;
	body = strstr(buf, "\r\n\r\n");
	printf("MSG_WAITALL: %.15s ... body: %s", buf, body ? body + 4 : "(none)\n");
	show("recv after MSG_WAITALL", recv(s, buf, sizeof(buf), MSG_WAITALL));
	close(s);

	s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in any = addr("0.0.0.0", 0), far = addr("192.0.2.1", 0);
	show("bind short", bind(s, (struct sockaddr *)&any, 8));
	struct sockaddr_in6x {
		unsigned short f;
		char rest[14];
	} bad = {AF_INET6, {0}};
	show("bind AF_INET6 address", bind(s, (struct sockaddr *)&bad, sizeof(bad)));
	show("bind not local", bind(s, (struct sockaddr *)&far, sizeof(far)));
	show("bind any:0", bind(s, (struct sockaddr *)&any, sizeof(any)));
	show("bind twice", bind(s, (struct sockaddr *)&any, sizeof(any)));
	len = sizeof(me);
	getsockname(s, (struct sockaddr *)&me, &len);
	int t = socket(AF_INET, SOCK_STREAM, 0);
	show("bind port in use", bind(t, (struct sockaddr *)&me, sizeof(me)));
	show("listen", listen(s, 4));
	show("listen again", listen(s, 8));
	show("SO_ACCEPTCONN", getint(s, SOL_SOCKET, SO_ACCEPTCONN));
	show("connect listening", connect(s, (struct sockaddr *)&b, sizeof(b)));
	show("FIONREAD listening", ioctl(s, FIONREAD, &one));
	revents("listening", s, 0);
	close(t);
	close(s);

	s = socket(AF_INET, SOCK_STREAM, 0);
	show("SO_TYPE", getint(s, SOL_SOCKET, SO_TYPE));
	show("SO_PROTOCOL", getint(s, SOL_SOCKET, SO_PROTOCOL));
	show("SO_DOMAIN", getint(s, SOL_SOCKET, SO_DOMAIN));
	show("SO_REUSEADDR before", getint(s, SOL_SOCKET, SO_REUSEADDR));
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	show("SO_REUSEADDR after", getint(s, SOL_SOCKET, SO_REUSEADDR));
	show("SO_REUSEPORT", setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)));
	show("SO_KEEPALIVE", setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)));
	show("SO_KEEPALIVE get", getint(s, SOL_SOCKET, SO_KEEPALIVE));
	int v = 65536;
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	show("SO_RCVBUF 65536", getint(s, SOL_SOCKET, SO_RCVBUF));
	v = 1;
	setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	show("SO_SNDBUF 1", getint(s, SOL_SOCKET, SO_SNDBUF));
	show("SO_RCVBUF short", setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, 2));
	show("unknown option", setsockopt(s, SOL_SOCKET, 9999, &v, sizeof(v)));
	show("TCP_NODELAY", setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)));
	show("TCP_NODELAY get", getint(s, IPPROTO_TCP, TCP_NODELAY));
	v = 0;
	show("TCP_KEEPIDLE 0", setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof(v)));
	v = 30;
	show("TCP_KEEPIDLE 30", setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof(v)));
	show("TCP_KEEPIDLE get", getint(s, IPPROTO_TCP, TCP_KEEPIDLE));
	v = 200;
	show("TCP_KEEPCNT 200", setsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &v, sizeof(v)));
	v = 5;
	show("TCP_KEEPCNT 5", setsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &v, sizeof(v)));
	show("TCP_KEEPCNT get", getint(s, IPPROTO_TCP, TCP_KEEPCNT));
	v = 0;
	show("TCP_KEEPINTVL 0", setsockopt(s, IPPROTO_TCP, TCP_KEEPINTVL, &v, sizeof(v)));
	v = 12;
	show("TCP_KEEPINTVL 12", setsockopt(s, IPPROTO_TCP, TCP_KEEPINTVL, &v, sizeof(v)));
	show("TCP_KEEPINTVL get", getint(s, IPPROTO_TCP, TCP_KEEPINTVL));
	show("SO_REUSEPORT get", getint(s, SOL_SOCKET, SO_REUSEPORT));
	struct linger lg = {1, 0}, lg2;
	show("SO_LINGER", setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	len = sizeof(lg2);
	getsockopt(s, SOL_SOCKET, SO_LINGER, &lg2, &len);
	printf("  linger %d %d len %u\n", lg2.l_onoff, lg2.l_linger, len);
	tv.tv_sec = 1;
	tv.tv_usec = 1000000;
	show("SO_SNDTIMEO bad usec", setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	show("shutdown unconnected", shutdown(s, SHUT_RDWR));
	revents("unconnected", s, 0);
	close(s);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* in one process, over 127.0.0.1: a send that times out (SO_SNDTIMEO)
 * on a peer that does not read, and SO_LINGER 0's reset */
static void loopback_cases(void)
{
	printf("== tcp over 127.0.0.1\n");
	struct sockaddr_in lo = addr("127.0.0.1", 0);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	bind(l, (struct sockaddr *)&lo, sizeof(lo));
	listen(l, 4);
	socklen_t len = sizeof(lo);
	getsockname(l, (struct sockaddr *)&lo, &len);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	show("connect", connect(s, (struct sockaddr *)&lo, sizeof(lo)));
	int c = accept(l, 0, 0);
	struct timeval tv = {0, 200000};
	show("SO_SNDTIMEO 0.2 s", setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	char *big = calloc(1, 65536);
	long total = 0, r = 0;
	struct timespec t0;
	for (int i = 0; i < 4096; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if ((r = send(s, big, 65536, 0)) < 0)
			break;
		total += r;
	}
	long waited = ms_since(&t0);
	printf("send to a peer that does not read: %s after more than 64 KiB: %d, waited 0.15 s: "
	       "%d\n",
	       r < 0 ? strerror(errno) : "no error", total > 65536, waited >= 150);
	free(big);
	close(c);
	close(s);

	s = socket(AF_INET, SOCK_STREAM, 0);
	connect(s, (struct sockaddr *)&lo, sizeof(lo));
	c = accept(l, 0, 0);
	struct linger lg = {1, 0};
	setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(s); /* a reset, not a FIN */
	struct pollfd p = {c, POLLIN, 0};
	poll(&p, 1, 5000);
	char buf[8];
	show("recv after the peer's SO_LINGER 0 close", recv(c, buf, sizeof(buf), 0));
	show("recv again", recv(c, buf, sizeof(buf), 0));
	close(c);
	close(l);
}

static void udp_cases(int port)
{
	struct sockaddr_in e = addr(peer, port), from;
	socklen_t len = sizeof(from);
	char buf[64];

	printf("== udp\n");
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	show("send unconnected", send(u, "x", 1, 0));
	show("recv empty", recv(u, buf, sizeof(buf), MSG_DONTWAIT));
	show("listen", listen(u, 1));
	show("accept", accept(u, 0, 0));
	show("getpeername", getpeername(u, (struct sockaddr *)&from, &len));
	revents("fresh", u, 0);
	for (int i = 0; i < 3; i++) {
		char msg[16];
		snprintf(msg, sizeof(msg), "ping %d", i);
		show("sendto", sendto(u, msg, strlen(msg), 0, (struct sockaddr *)&e, sizeof(e)));
		struct pollfd p = {u, POLLIN, 0};
		poll(&p, 1, 5000);
		int q = -1;
		ioctl(u, FIONREAD, &q);
		printf("  FIONREAD %d\n", q);
		len = sizeof(from);
		long r = recvfrom(u, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &len);
		buf[r > 0 ? r : 0] = 0;
		printf("  recvfrom %ld '%s' from the peer's port: %s, len %u\n", r, buf,
		       from.sin_port == e.sin_port ? "yes" : "no", len);
	}
	show("connect", connect(u, (struct sockaddr *)&e, sizeof(e)));
	show("send connected", send(u, "0123456789", 10, 0));
	struct pollfd p = {u, POLLIN, 0};
	poll(&p, 1, 5000);
	struct iovec iov = {buf, 4};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	show("recvmsg into 4 bytes", recvmsg(u, &mh, 0));
	printf("  flags %#x '%.4s'\n", mh.msg_flags, buf);
	char *big = calloc(1, 70000);
	show("send big", send(u, big, 70000, 0));
	free(big);
	show("shutdown", shutdown(u, SHUT_RDWR));
	revents("shut down", u, 0);
	close(u);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, 0, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (argc < 5) {
		printf("usage: peer PEER TCPPORT UDPPORT CLOSEDPORT\n");
		return 2;
	}
	peer = argv[1];
	tcp_cases(atoi(argv[2]), atoi(argv[4]));
	loopback_cases();
	udp_cases(atoi(argv[3]));
	return 0;
}
