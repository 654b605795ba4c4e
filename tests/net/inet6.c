/* AF_INET6 sockets: run as a static musl Linux process (peers ::1 and
 * 127.0.0.1) and as a uk image (peers fec0::2 and 10.0.2.2, QEMU's user
 * network's host), the output must be the same. argv: PEER6 PEER4
 * TCPPORT UDPPORT, where PEER6:TCPPORT is an HTTP server serving
 * hello.txt, PEER4:TCPPORT the same over IPv4 and PEER6:UDPPORT echoes
 * datagrams. In one process: addresses and their errors, IPV6_V6ONLY,
 * TCP and UDP over ::1, a dual-stack listener taking an IPv4 peer as
 * ::ffff:127.0.0.1. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static struct sockaddr_in6 addr6(const char *ip, int port)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((unsigned short)port)};
	inet_pton(AF_INET6, ip, &a.sin6_addr);
	return a;
}

static struct sockaddr_in addr4(const char *ip, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

/* family, length and address of a name; the port only when asked */
static void name(const char *what, int s, int peer, int port)
{
	struct sockaddr_in6 a;
	memset(&a, 0x55, sizeof(a));
	socklen_t len = sizeof(a);
	int r = peer ? getpeername(s, (struct sockaddr *)&a, &len)
		     : getsockname(s, (struct sockaddr *)&a, &len);
	if (r < 0) {
		show(what, r);
		return;
	}
	char ip[64];
	inet_ntop(AF_INET6, &a.sin6_addr, ip, sizeof(ip));
	printf("%s: family %d len %u %s", what, a.sin6_family, len, ip);
	if (port)
		printf(" port %d", ntohs(a.sin6_port));
	printf(" flowinfo %u scope %u\n", a.sin6_flowinfo, a.sin6_scope_id);
}

static int port_of(int s)
{
	struct sockaddr_in6 a;
	socklen_t len = sizeof(a);
	getsockname(s, (struct sockaddr *)&a, &len);
	return ntohs(a.sin6_port);
}

static int getint(int s, int level, int opt)
{
	int v = -1;
	socklen_t l = sizeof(v);
	if (getsockopt(s, level, opt, &v, &l) < 0)
		return -errno;
	return v;
}

/* a listener on ADDR:0 (v6only as given) */
static int listener(const char *ip, int v6only)
{
	int l = socket(AF_INET6, SOCK_STREAM, 0);
	setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
	struct sockaddr_in6 a = addr6(ip, 0);
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 4) < 0)
		show("listener", -1);
	return l;
}

/* connects s to a (non-blocking, then waits), accepts on l: the accepted */
static int connect_accept(int s, const struct sockaddr *a, socklen_t len, int l)
{
	fcntl(s, F_SETFL, O_NONBLOCK);
	int r = connect(s, a, len);
	if (r < 0 && errno != EINPROGRESS) {
		show("connect", r);
		return -1;
	}
	struct pollfd p = {l, POLLIN, 0};
	if (poll(&p, 1, 5000) != 1) {
		printf("accept: nothing came\n");
		return -1;
	}
	int c = accept(l, 0, 0);
	p.fd = s;
	p.events = POLLOUT;
	poll(&p, 1, 5000);
	fcntl(s, F_SETFL, 0);
	return c;
}

static void local_cases(void)
{
	printf("== addresses and options\n");
	int s = socket(AF_INET6, SOCK_STREAM, 0);
	show("SO_DOMAIN", getint(s, SOL_SOCKET, SO_DOMAIN));
	show("IPV6_V6ONLY", getint(s, IPPROTO_IPV6, IPV6_V6ONLY));
	name("getsockname unbound", s, 0, 1);
	show("getpeername unconnected", getpeername(s, 0, 0));
	struct sockaddr_in6 any = addr6("::", 0), far = addr6("2001:db8::1", 0);
	show("bind short", bind(s, (struct sockaddr *)&any, sizeof(struct sockaddr_in)));
	show("bind 24 bytes", bind(s, (struct sockaddr *)&any, 24) < 0 ? -1 : 0);
	close(s);
	s = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in v4 = addr4("0.0.0.0", 0);
	struct sockaddr_in6 v4big;
	memset(&v4big, 0, sizeof(v4big));
	memcpy(&v4big, &v4, sizeof(v4));
	show("bind AF_INET address", bind(s, (struct sockaddr *)&v4big, sizeof(v4big)));
	show("bind not local", bind(s, (struct sockaddr *)&far, sizeof(far)));
	int one = 1, zero = 0;
	show("IPV6_V6ONLY short", setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, 2));
	show("IPV6_V6ONLY 1", setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)));
	show("IPV6_V6ONLY get", getint(s, IPPROTO_IPV6, IPV6_V6ONLY));
	show("IPV6_V6ONLY 0", setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)));
	show("bind [::]:0", bind(s, (struct sockaddr *)&any, sizeof(any)));
	name("getsockname", s, 0, 0);
	show("bind twice", bind(s, (struct sockaddr *)&any, sizeof(any)));
	show("IPV6_V6ONLY after bind", setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)));
	close(s);

	s = socket(AF_INET, SOCK_STREAM, 0);
	show("IPV6_V6ONLY on AF_INET", setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)));
	show("IPV6_V6ONLY get on AF_INET", getint(s, IPPROTO_IPV6, IPV6_V6ONLY));
	struct sockaddr_in6 lo6 = addr6("::1", 0);
	show("AF_INET bind an AF_INET6 address", bind(s, (struct sockaddr *)&lo6, sizeof(lo6)));
	close(s);
	int u = socket(AF_INET6, SOCK_DGRAM, 0);
	show("udp SO_DOMAIN", getint(u, SOL_SOCKET, SO_DOMAIN));
	show("udp IPV6_V6ONLY", getint(u, IPPROTO_IPV6, IPV6_V6ONLY));
	close(u);
}

static void loopback_cases(void)
{
	char buf[64];
	printf("== tcp over ::1\n");
	int l = listener("::1", 0);
	name("listener", l, 0, 0);
	int s = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 to = addr6("::1", port_of(l));
	int c = connect_accept(s, (struct sockaddr *)&to, sizeof(to), l);
	name("client's peer", s, 1, 0);
	name("client", s, 0, 0);
	name("accepted's peer", c, 1, 0);
	printf("accepted on the listener's port: %d\n", port_of(c) == port_of(l));
	show("send", send(s, "over ::1", 8, 0));
	long r = recv(c, buf, sizeof(buf), 0);
	printf("recv = %ld '%.*s'\n", r, (int)(r > 0 ? r : 0), buf);
	close(c);
	close(s);
	close(l);

	printf("== dual-stack listener\n");
	l = listener("::", 0);
	s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in to4 = addr4("127.0.0.1", port_of(l));
	c = connect_accept(s, (struct sockaddr *)&to4, sizeof(to4), l);
	name("accepted's peer", c, 1, 0);
	name("accepted", c, 0, 0);
	show("send", send(c, "mapped", 6, 0));
	r = recv(s, buf, sizeof(buf), 0);
	printf("recv = %ld '%.*s'\n", r, (int)(r > 0 ? r : 0), buf);
	close(c);
	close(s);
	/* an AF_INET6 client to ::ffff:127.0.0.1 */
	s = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 mapped = addr6("::ffff:127.0.0.1", port_of(l));
	c = connect_accept(s, (struct sockaddr *)&mapped, sizeof(mapped), l);
	name("mapped client's peer", s, 1, 0);
	name("mapped client", s, 0, 0);
	close(c);
	close(s);
	close(l);

	printf("== IPV6_V6ONLY listener\n");
	l = listener("::", 1);
	s = socket(AF_INET, SOCK_STREAM, 0);
	to4.sin_port = htons((unsigned short)port_of(l));
	show("IPv4 connect", connect(s, (struct sockaddr *)&to4, sizeof(to4)));
	close(s);
	s = socket(AF_INET6, SOCK_STREAM, 0);
	to.sin6_port = htons((unsigned short)port_of(l));
	c = connect_accept(s, (struct sockaddr *)&to, sizeof(to), l);
	name("IPv6 peer", c, 1, 0);
	close(c);
	close(s);
	close(l);

	printf("== udp over ::1\n");
	int u = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 me = addr6("::", 0), from;
	show("bind [::]:0", bind(u, (struct sockaddr *)&me, sizeof(me)));
	struct sockaddr_in6 self = addr6("::1", port_of(u));
	show("sendto ::1", sendto(u, "dgram", 5, 0, (struct sockaddr *)&self, sizeof(self)));
	struct pollfd p = {u, POLLIN, 0};
	poll(&p, 1, 5000);
	socklen_t len = sizeof(from);
	r = recvfrom(u, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
	char ip[64];
	inet_ntop(AF_INET6, &from.sin6_addr, ip, sizeof(ip));
	printf("recvfrom = %ld '%.*s' from %s len %u, own port %d\n", r, (int)(r > 0 ? r : 0),
	       buf, ip, len, ntohs(from.sin6_port) == port_of(u));
	int u4 = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in self4 = addr4("127.0.0.1", port_of(u));
	show("IPv4 sendto", sendto(u4, "four", 4, 0, (struct sockaddr *)&self4, sizeof(self4)));
	poll(&p, 1, 5000);
	len = sizeof(from);
	r = recvfrom(u, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
	inet_ntop(AF_INET6, &from.sin6_addr, ip, sizeof(ip));
	printf("recvfrom = %ld '%.*s' from %s len %u\n", r, (int)(r > 0 ? r : 0), buf, ip, len);
	close(u4);
	close(u);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* GET /hello.txt from a:port; the address may take a few seconds to come
 * (the guest's IPv6 address is SLAAC's) */
static void get(const char *what, const struct sockaddr *a, socklen_t alen)
{
	char buf[512];
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int s, r;
	for (;;) {
		s = socket(AF_INET6, SOCK_STREAM, 0);
		r = connect(s, a, alen);
		if (!r || ms_since(&t0) > 10000 || (errno != ENETUNREACH && errno != EADDRNOTAVAIL &&
						     errno != EHOSTUNREACH))
			break;
		close(s);
		usleep(100000);
	}
	show(what, r);
	const char req[] = "GET /hello.txt HTTP/1.0\r\n\r\n";
	send(s, req, sizeof(req) - 1, 0);
	size_t n = 0;
	long k;
	while (n < sizeof(buf) - 1 && (k = recv(s, buf + n, sizeof(buf) - 1 - n, 0)) > 0)
		n += (size_t)k;
	buf[n] = 0;
	char *body = strstr(buf, "\r\n\r\n");
	printf("  response: %.15s ... body: %s", buf, body ? body + 4 : "(none)\n");
	close(s);
}

static void host_cases(const char *peer6, const char *peer4, int tcp, int udp)
{
	printf("== the host\n");
	struct sockaddr_in6 a = addr6(peer6, tcp);
	get("connect over IPv6", (struct sockaddr *)&a, sizeof(a));
	char mapped[64];
	snprintf(mapped, sizeof(mapped), "::ffff:%s", peer4);
	a = addr6(mapped, tcp);
	get("connect to the IPv4 host as ::ffff:", (struct sockaddr *)&a, sizeof(a));

	int u = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 e = addr6(peer6, udp), from;
	char buf[64];
	for (int i = 0; i < 3; i++) {
		char msg[16];
		snprintf(msg, sizeof(msg), "ping6 %d", i);
		show("sendto", sendto(u, msg, strlen(msg), 0, (struct sockaddr *)&e, sizeof(e)));
		struct pollfd p = {u, POLLIN, 0};
		poll(&p, 1, 5000);
		socklen_t len = sizeof(from);
		long r = recvfrom(u, buf, sizeof(buf) - 1, MSG_DONTWAIT, (struct sockaddr *)&from,
				  &len);
		buf[r > 0 ? r : 0] = 0;
		printf("  recvfrom %ld '%s' from the peer: %s, len %u\n", r, buf,
		       !memcmp(&from.sin6_addr, &e.sin6_addr, 16) && from.sin6_port == e.sin6_port
			       ? "yes"
			       : "no",
		       len);
	}
	close(u);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, 0, _IONBF, 0);
	if (argc < 5) {
		printf("usage: inet6 PEER6 PEER4 TCPPORT UDPPORT\n");
		return 2;
	}
	local_cases();
	loopback_cases();
	host_cases(argv[1], argv[2], atoi(argv[3]), atoi(argv[4]));
	return 0;
}
