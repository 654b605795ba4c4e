/* UDP sockets over lwIP's raw API: received datagrams wait in a queue
 * bounded by SO_RCVBUF (what does not fit is dropped, as Linux drops),
 * each with its sender; a send is one datagram. */
#include "net.h"
#include "syscall.h"

#include "lwip/udp.h"

#define UK_POLLWRBAND 0x200
#define MAX_DGRAM     65507 /* 65535 - IPv4 and UDP headers */
/* lwIP's lengths are 16 bits with the headers: 65535 - IPv6 and UDP
 * headers, under Linux's 65527 (uk-runtime(7)) */
#define MAX_DGRAM6    65487

struct sock_dgram {
	struct sock_dgram *next;
	struct pbuf *p;
	ip_addr_t from;
	uint16_t port;
};

static const struct uk_sock_ops udp_ops;

static void on_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
		    u16_t port)
{
	struct sock *s = arg;
	(void)pcb;
	struct sock_dgram *d = 0;
	if (s->shut_rd || s->dq_bytes + p->tot_len > (size_t)s->rcvbuf ||
	    !(d = uk_malloc(sizeof(*d)))) {
		pbuf_free(p);
		return;
	}
	d->next = 0;
	d->p = p;
	d->from = *addr;
	d->port = port;
	*s->dq_tail = d;
	s->dq_tail = &d->next;
	s->dq_bytes += p->tot_len;
	uk_sock_notify(s);
}

static unsigned udp_poll_(struct uk_file *f)
{
	struct sock *s = uk_sock(f);
	unsigned ev = 0;
	if (s->shut_rd && s->shut_wr)
		ev |= UK_POLLHUP;
	if (s->shut_rd)
		ev |= UK_POLLIN | UK_POLLRDNORM | UK_POLLRDHUP;
	if (s->dq)
		ev |= UK_POLLIN | UK_POLLRDNORM;
	ev |= UK_POLLOUT | UK_POLLWRNORM | UK_POLLWRBAND;
	if (s->err)
		ev |= UK_POLLERR;
	return ev;
}

static long udp_bind_(struct uk_file *f, const void *sa, uint32_t len)
{
	struct sock *s = uk_sock(f);
	ip_addr_t ip;
	uint16_t port;
	long e = uk_sock_addr_in(s, sa, len, &ip, &port);
	if (e == -EAFNOSUPPORT && s->domain == UK_AF_INET &&
	    ((const struct uk_sockaddr_in *)sa)->family == UK_AF_UNSPEC &&
	    !((const struct uk_sockaddr_in *)sa)->addr)
		e = 0;
	if (e || (e = uk_sock_local_ok(&ip)))
		return e;
	if (s->bound)
		return -EINVAL;
	e = uk_sock_errno(udp_bind(s->pcb.udp, &ip, port));
	if (!e)
		s->bound = 1;
	return e;
}

static long udp_connect_(struct uk_file *f, const void *sa, uint32_t len)
{
	struct sock *s = uk_sock(f);
	const struct uk_sockaddr_in *in = sa;
	if (len >= 2 && in->family == UK_AF_UNSPEC) { /* dissolves the association */
		udp_disconnect(s->pcb.udp);
		s->connected = 0;
		return 0;
	}
	ip_addr_t ip;
	uint16_t port;
	long e = uk_sock_addr_in(s, sa, len, &ip, &port);
	if (e)
		return e;
	e = uk_sock_errno(udp_connect(s->pcb.udp, &ip, port));
	if (e)
		return e == -EINVAL ? -ENETUNREACH : e;
	s->connected = s->bound = 1;
	return 0;
}

static int has_dgram(void *arg)
{
	struct sock *s = arg;
	return s->dq || s->shut_rd || s->err;
}

static long udp_recvmsg_(struct uk_file *f, struct uk_sock_msg *m, int flags)
{
	struct sock *s = uk_sock(f);
	if (flags & UK_MSG_OOB)
		return -EOPNOTSUPP;
	for (;;) {
		if (s->err) {
			long e = s->err;
			s->err = 0;
			return e;
		}
		if (s->dq)
			break;
		if (s->shut_rd)
			return 0;
		long e = uk_sock_wait(s, has_dgram, flags & UK_MSG_DONTWAIT, s->rcvtimeo);
		if (e)
			return e;
	}
	struct sock_dgram *d = s->dq;
	size_t n = d->p->tot_len, done = 0;
	for (size_t i = 0; i < m->iovlen && done < n; i++) {
		size_t k = m->iov[i].len < n - done ? m->iov[i].len : n - done;
		pbuf_copy_partial(d->p, m->iov[i].base, (u16_t)k, (u16_t)done);
		done += k;
	}
	if (done < n)
		m->flags |= UK_MSG_TRUNC;
	if (m->name) {
		m->namelen = UK_SOCKADDR_MAX;
		uk_sock_addr_out(s, &d->from, d->port, m->name, &m->namelen);
	}
	if (!(flags & UK_MSG_PEEK)) {
		s->dq = d->next;
		if (!s->dq)
			s->dq_tail = &s->dq;
		s->dq_bytes -= n;
		pbuf_free(d->p);
		uk_free(d);
	}
	return (long)(flags & UK_MSG_TRUNC ? n : done);
}

static long udp_sendmsg_(struct uk_file *f, struct uk_sock_msg *m, int flags)
{
	struct sock *s = uk_sock(f);
	if (flags & UK_MSG_OOB)
		return -EOPNOTSUPP;
	ip_addr_t ip;
	uint16_t port = 0;
	if (m->name) {
		long e = uk_sock_addr_in(s, m->name, m->namelen, &ip, &port);
		if (e)
			return e;
	} else if (!s->connected) {
		return -EDESTADDRREQ;
	}
	if (s->shut_wr)
		return -EPIPE;
	size_t n = uk_msg_len(m);
	if (n > (s->domain == UK_AF_INET6 ? MAX_DGRAM6 : MAX_DGRAM))
		return -EMSGSIZE;
	struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)n, PBUF_RAM);
	if (!p)
		return -ENOBUFS;
	size_t done = 0;
	for (size_t i = 0; i < m->iovlen; i++) {
		pbuf_take_at(p, m->iov[i].base, (u16_t)m->iov[i].len, (u16_t)done);
		done += m->iov[i].len;
	}
	err_t err = m->name ? udp_sendto(s->pcb.udp, p, &ip, port) : udp_send(s->pcb.udp, p);
	pbuf_free(p);
	uk_net_kick();
	if (err == ERR_RTE)
		return -ENETUNREACH;
	if (err != ERR_OK && err != ERR_MEM)
		return uk_sock_errno(err);
	s->bound = 1;
	return (long)n; /* ERR_MEM: lost on the way, as a datagram may be */
}

static long udp_shutdown_(struct uk_file *f, int how)
{
	struct sock *s = uk_sock(f);
	if (how != UK_SHUT_WR)
		s->shut_rd = 1;
	if (how != UK_SHUT_RD)
		s->shut_wr = 1;
	uk_sock_notify(s);
	return s->connected ? 0 : -ENOTCONN;
}

static long udp_name_(struct uk_file *f, int peer, void *sa, uint32_t *len)
{
	struct sock *s = uk_sock(f);
	struct udp_pcb *p = s->pcb.udp;
	if (peer) {
		if (!s->connected)
			return -ENOTCONN;
		uk_sock_addr_out(s, &p->remote_ip, p->remote_port, sa, len);
	} else {
		uk_sock_addr_out(s, &p->local_ip, p->local_port, sa, len);
	}
	return 0;
}

static long udp_getsockopt_(struct uk_file *f, int level, int opt, void *val, uint32_t *len)
{
	return uk_sock_getsockopt(uk_sock(f), level, opt, val, len);
}

static long udp_setsockopt_(struct uk_file *f, int level, int opt, const void *val, uint32_t len)
{
	return uk_sock_setsockopt(uk_sock(f), level, opt, val, len);
}

static long udp_ioctl_(struct uk_file *f, unsigned long cmd, long arg)
{
	struct sock *s = uk_sock(f);
	if (cmd != FIONREAD_ && cmd != SIOCOUTQ_)
		return -ENOTTY;
	if (uk_bad_user(arg, sizeof(int)))
		return -EFAULT;
	*(int *)arg = cmd == FIONREAD_ && s->dq ? s->dq->p->tot_len : 0;
	return 0;
}

static void udp_release_(struct uk_file *f)
{
	struct sock *s = uk_sock(f);
	s->file = 0;
	if (s->pcb.udp)
		udp_remove(s->pcb.udp);
	while (s->dq) {
		struct sock_dgram *d = s->dq;
		s->dq = d->next;
		pbuf_free(d->p);
		uk_free(d);
	}
	uk_sock_free(s);
}

static const struct uk_sock_ops udp_ops = {
	.file =
		{
			.read = uk_sock_read,
			.write = uk_sock_write,
			.ioctl = udp_ioctl_,
			.stat = uk_sock_stat,
			.poll = udp_poll_,
			.release = udp_release_,
			.flags = UK_FILE_SOCKET | UK_FILE_WAITS,
		},
	.bind = udp_bind_,
	.connect = udp_connect_,
	.shutdown = udp_shutdown_,
	.name = udp_name_,
	.getsockopt = udp_getsockopt_,
	.setsockopt = udp_setsockopt_,
	.sendmsg = udp_sendmsg_,
	.recvmsg = udp_recvmsg_,
};

long uk_udp_socket(int domain, unsigned flags, struct uk_file **f)
{
	struct sock *s = uk_sock_new(domain, UK_SOCK_DGRAM, &udp_ops, flags);
	if (!s)
		return -ENOMEM;
	s->pcb.udp = udp_new_ip_type(uk_sock_ip_type(s));
	if (!s->pcb.udp) {
		uk_file_put(s->file);
		return -ENOMEM;
	}
	udp_recv(s->pcb.udp, on_recv, s);
	*f = s->file;
	return 0;
}
