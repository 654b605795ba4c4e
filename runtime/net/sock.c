/* What TCP and UDP sockets share: the socket object behind the open
 * file, waiting with the socket's timeouts, addresses, the SOL_SOCKET
 * options and lwIP's errors as Linux's. */
#include "net.h"

#include "lwip/ip.h"
#include "lwip/netif.h"

#define MIN_RCVBUF 2304 /* Linux's SOCK_MIN_RCVBUF, SOCK_MIN_SNDBUF */
#define MIN_SNDBUF 4608
#define MAX_BUF    212992 /* net.core.rmem_max, wmem_max */

static uint64_t next_ino = 1;

struct sock *uk_sock_new(int domain, int type, const struct uk_sock_ops *ops, unsigned flags)
{
	struct sock *s = uk_zalloc(sizeof(*s));
	if (!s)
		return 0;
	s->file = uk_file_new(&ops->file, UK_O_RDWR | (flags & UK_O_NONBLOCK), s);
	if (!s->file) {
		uk_free(s);
		return 0;
	}
	s->type = type;
	s->domain = domain;
	s->accq_tail = &s->accq;
	s->dq_tail = &s->dq;
	s->rcvbuf = type == UK_SOCK_STREAM ? 131072 : MAX_BUF;
	s->sndbuf = type == UK_SOCK_STREAM ? 16384 : MAX_BUF;
	(void)next_ino;
	return s;
}

void uk_sock_free(struct sock *s)
{
	uk_free(s);
}

void uk_sock_notify(struct sock *s)
{
	if (s->file)
		uk_file_notify(s->file);
}

long uk_sock_wait(struct sock *s, int (*ready)(void *s), int dontwait, uint64_t timeo)
{
	if (ready(s))
		return 0;
	if (dontwait || (s->file->flags & UK_O_NONBLOCK))
		return -EAGAIN;
	uint64_t deadline = timeo ? uk_monotonic_ns() + timeo : UK_FOREVER;
	return uk_net_wait(ready, s, deadline) ? -EAGAIN : 0;
}

const ip_addr_t *uk_sock_any(const struct sock *s)
{
	if (s->domain != UK_AF_INET6)
		return IP4_ADDR_ANY;
	return s->v6only ? IP6_ADDR_ANY : IP_ANY_TYPE;
}

u8_t uk_sock_ip_type(const struct sock *s)
{
	return s->domain == UK_AF_INET6 ? IPADDR_TYPE_ANY : IPADDR_TYPE_V4;
}

/* ::ffff:a.b.c.d */
static int v4_mapped(const uint32_t *a)
{
	return !a[0] && !a[1] && a[2] == PP_HTONL(0xffff);
}

static long addr_in6(const struct sock *s, const struct uk_sockaddr_in6 *in, uint32_t len,
		     ip_addr_t *ip, uint16_t *port)
{
	if (len < UK_SIN6_LEN_MIN)
		return -EINVAL;
	if (in->family != UK_AF_INET6)
		return -EAFNOSUPPORT;
	*port = lwip_htons(in->port);
	const uint32_t *a = in->addr;
	if (v4_mapped(a)) {
		if (s->v6only)
			return -EINVAL; /* bind's (Linux's connect says ENETUNREACH) */
		ip_addr_set_ip4_u32(ip, a[3]);
	} else if (!(a[0] | a[1] | a[2] | a[3])) {
		ip_addr_copy(*ip, *uk_sock_any(s));
	} else {
		IP_ADDR6(ip, a[0], a[1], a[2], a[3]);
		ip6_addr_clear_zone(ip_2_ip6(ip));
		if (in->scope_id && len >= sizeof(*in))
			ip6_addr_set_zone(ip_2_ip6(ip), (u8_t)in->scope_id);
	}
	return 0;
}

long uk_sock_addr_in(const struct sock *s, const void *sa, uint32_t len, ip_addr_t *ip,
		     uint16_t *port)
{
	if (s->domain == UK_AF_INET6)
		return addr_in6(s, sa, len, ip, port);
	const struct uk_sockaddr_in *in = sa;
	if (len < sizeof(*in))
		return -EINVAL;
	if (in->family != UK_AF_INET)
		return -EAFNOSUPPORT;
	ip_addr_set_ip4_u32(ip, in->addr);
	*port = lwip_htons(in->port);
	return 0;
}

static void out(const void *a, uint32_t size, void *sa, uint32_t *len)
{
	uk_memcpy(sa, a, *len < size ? *len : size);
	*len = size;
}

void uk_sock_addr_out(const struct sock *s, const ip_addr_t *ip, uint16_t port, void *sa,
		      uint32_t *len)
{
	if (s->domain == UK_AF_INET6) {
		struct uk_sockaddr_in6 in = {UK_AF_INET6, lwip_htons(port), 0, {0}, 0};
		if (ip && IP_IS_V4(ip) && !ip_addr_isany(ip)) {
			in.addr[2] = PP_HTONL(0xffff);
			in.addr[3] = ip4_addr_get_u32(ip_2_ip4(ip));
		} else if (ip && IP_IS_V6(ip) && !ip_addr_isany(ip)) {
			uk_memcpy(in.addr, ip_2_ip6(ip)->addr, 16);
			if (ip6_addr_has_zone(ip_2_ip6(ip)) && ip6_addr_islinklocal(ip_2_ip6(ip)))
				in.scope_id = ip6_addr_zone(ip_2_ip6(ip));
		}
		out(&in, sizeof(in), sa, len);
		return;
	}
	struct uk_sockaddr_in in = {UK_AF_INET, lwip_htons(port), 0, {0}};
	if (ip && IP_IS_V4(ip))
		in.addr = ip4_addr_get_u32(ip_2_ip4(ip));
	out(&in, sizeof(in), sa, len);
}

long uk_sock_ip6_getsockopt(struct sock *s, int opt, void *val, uint32_t *len)
{
	if (s->domain != UK_AF_INET6)
		return -EOPNOTSUPP; /* Linux's ip_getsockopt for a level not its own */
	if (opt != IPV6_V6ONLY_)
		return -ENOPROTOOPT;
	return uk_sockopt_int_out(s->v6only, val, len);
}

long uk_sock_ip6_setsockopt(struct sock *s, int opt, const void *val, uint32_t len)
{
	if (s->domain != UK_AF_INET6 || opt != IPV6_V6ONLY_)
		return -ENOPROTOOPT;
	int v;
	long r = uk_sockopt_in(&v, sizeof(v), val, len);
	if (r)
		return r;
	if (s->bound || s->listening || s->connected || s->connecting)
		return -EINVAL; /* Linux: only before the socket has a port */
	s->v6only = v != 0;
	return 0;
}

long uk_sock_local_ok(const ip_addr_t *ip)
{
	if (ip_addr_isany(ip) || ip_addr_isloopback(ip) || ip_addr_ismulticast(ip))
		return 0;
	struct netif *n;
	NETIF_FOREACH(n)
	{
		if (IP_IS_V4(ip) && ip_addr_cmp(ip, netif_ip_addr4(n)))
			return 0;
		if (IP_IS_V6(ip) && netif_get_ip6_addr_match(n, ip_2_ip6(ip)) >= 0)
			return 0;
	}
	/* the interface's broadcast: Linux takes it for UDP; not worth more */
	return -EADDRNOTAVAIL;
}

size_t uk_msg_len(const struct uk_sock_msg *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->iovlen; i++)
		n += m->iov[i].len;
	return n;
}

long uk_sock_errno(int e)
{
	switch (e) {
	case ERR_OK:
		return 0;
	case ERR_MEM:
	case ERR_BUF:
		return -ENOMEM;
	case ERR_TIMEOUT:
		return -ETIMEDOUT;
	case ERR_RTE:
		return -ENETUNREACH;
	case ERR_INPROGRESS:
		return -EINPROGRESS;
	case ERR_WOULDBLOCK:
		return -EAGAIN;
	case ERR_USE:
		return -EADDRINUSE;
	case ERR_ALREADY:
		return -EALREADY;
	case ERR_ISCONN:
		return -EISCONN;
	case ERR_CONN:
		return -ENOTCONN;
	case ERR_IF:
		return -ENETDOWN;
	case ERR_ABRT:
		return -ECONNABORTED;
	case ERR_RST:
		return -ECONNRESET;
	case ERR_CLSD:
		return -ENOTCONN;
	default:
		return -EINVAL;
	}
}

/* read and write on a socket: recvmsg/sendmsg with one buffer, no flags */
long uk_sock_read(struct uk_file *f, void *buf, size_t n, uint64_t off)
{
	(void)off;
	struct uk_iovec iov = {buf, n};
	struct uk_sock_msg m = {&iov, 1, 0, 0, 0};
	return uk_sock_ops(f)->recvmsg(f, &m, 0);
}

long uk_sock_write(struct uk_file *f, const void *buf, size_t n, uint64_t off)
{
	(void)off;
	struct uk_iovec iov = {(void *)buf, n};
	struct uk_sock_msg m = {&iov, 1, 0, 0, 0};
	long r = uk_sock_ops(f)->sendmsg(f, &m, 0);
	uk_net_kick();
	return r;
}

long uk_sock_stat(struct uk_file *f, struct uk_stat *st)
{
	uk_stat_anon(st, UK_S_IFSOCK | 0777, (uint64_t)(uintptr_t)f >> 4);
	return 0;
}

struct linger_ {
	int onoff, linger;
};

static struct ip_pcb *ip_pcb(struct sock *s)
{
	return s->type == UK_SOCK_STREAM ? (struct ip_pcb *)s->pcb.tcp : (struct ip_pcb *)s->pcb.udp;
}

static void set_sof(struct sock *s, unsigned sof, int on)
{
	struct ip_pcb *p = ip_pcb(s);
	if (!p)
		return;
	if (on)
		ip_set_option(p, sof);
	else
		ip_reset_option(p, sof);
}

long uk_sock_getsockopt(struct sock *s, int level, int opt, void *val, uint32_t *len)
{
	if (level == SOL_IPV6_)
		return uk_sock_ip6_getsockopt(s, opt, val, len);
	if (level != SOL_SOCKET_)
		return -ENOPROTOOPT;
	switch (opt) {
	case SO_TYPE_:
		return uk_sockopt_int_out(s->type, val, len);
	case SO_DOMAIN_:
		return uk_sockopt_int_out(s->domain, val, len);
	case SO_PROTOCOL_:
		return uk_sockopt_int_out(s->type == UK_SOCK_STREAM ? IPPROTO_TCP_ : IPPROTO_UDP_, val, len);
	case SO_ERROR_: {
		int e = -s->err;
		s->err = 0;
		return uk_sockopt_int_out(e, val, len);
	}
	case SO_ACCEPTCONN_:
		return uk_sockopt_int_out(s->listening, val, len);
	case SO_REUSEADDR_:
		return uk_sockopt_int_out(s->reuseaddr, val, len);
	case SO_REUSEPORT_:
		return uk_sockopt_int_out(s->reuseport, val, len);
	case SO_KEEPALIVE_:
		return uk_sockopt_int_out(s->keepalive, val, len);
	case SO_BROADCAST_: {
		struct ip_pcb *p = ip_pcb(s);
		return uk_sockopt_int_out(p && ip_get_option(p, SOF_BROADCAST) ? 1 : 0, val, len);
	}
	case SO_RCVBUF_:
		return uk_sockopt_int_out(s->rcvbuf, val, len);
	case SO_SNDBUF_:
		return uk_sockopt_int_out(s->sndbuf, val, len);
	case SO_RCVLOWAT_:
	case SO_SNDLOWAT_:
		return uk_sockopt_int_out(1, val, len);
	case SO_LINGER_: {
		struct linger_ l = {s->linger_on, s->linger};
		return uk_sockopt_out(&l, sizeof(l), val, len);
	}
	case SO_RCVTIMEO_:
	case SO_SNDTIMEO_:
		return uk_sockopt_timeo_out(opt == SO_RCVTIMEO_ ? s->rcvtimeo : s->sndtimeo, val, len);
	default:
		return -ENOPROTOOPT;
	}
}

static int clamp_buf(int v, int min)
{
	uint32_t u = (uint32_t)v;
	if (u > MAX_BUF)
		u = MAX_BUF;
	return (int)(2 * u) < min ? min : (int)(2 * u);
}

long uk_sock_setsockopt(struct sock *s, int level, int opt, const void *val, uint32_t len)
{
	if (level == SOL_IPV6_)
		return uk_sock_ip6_setsockopt(s, opt, val, len);
	if (level != SOL_SOCKET_)
		return -ENOPROTOOPT;
	if (opt == SO_RCVTIMEO_ || opt == SO_SNDTIMEO_)
		return uk_sockopt_timeo_in(val, len, opt == SO_RCVTIMEO_ ? &s->rcvtimeo : &s->sndtimeo);
	long r;
	if (opt == SO_LINGER_) {
		struct linger_ l;
		if ((r = uk_sockopt_in(&l, sizeof(l), val, len)))
			return r;
		s->linger_on = l.onoff != 0;
		s->linger = l.linger;
		return 0;
	}
	int v;
	if ((r = uk_sockopt_in(&v, sizeof(v), val, len)))
		return r;
	switch (opt) {
	case SO_REUSEADDR_:
		s->reuseaddr = v != 0;
		set_sof(s, SOF_REUSEADDR, v);
		return 0;
	case SO_REUSEPORT_:
		s->reuseport = v != 0;
		return 0;
	case SO_KEEPALIVE_:
		s->keepalive = v != 0;
		set_sof(s, SOF_KEEPALIVE, v);
		return 0;
	case SO_BROADCAST_:
		set_sof(s, SOF_BROADCAST, v);
		return 0;
	case SO_RCVBUF_:
		s->rcvbuf = clamp_buf(v, MIN_RCVBUF);
		return 0;
	case SO_SNDBUF_:
		s->sndbuf = clamp_buf(v, MIN_SNDBUF);
		return 0;
	case SO_RCVLOWAT_:
	case SO_DEBUG_:
	case SO_DONTROUTE_:
	case SO_OOBINLINE_:
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}
