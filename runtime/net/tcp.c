/* TCP sockets over lwIP's raw API. The states follow Linux's socket
 * layer: closed (never connected, or the connection is gone), listening,
 * connecting, connected; shut_rd and shut_wr are its RCV_SHUTDOWN and
 * SEND_SHUTDOWN. Received data stays in lwIP's pbufs until read, and the
 * window opens (tcp_recved) as the program reads, so a slow reader slows
 * the sender. lwIP's callbacks only change state and tell watchers. */
#include "net.h"
#include "syscall.h"

#include "lwip/tcp.h"

#define MAX_BACKLOG 255 /* lwIP's is a u8_t */

static const struct uk_sock_ops tcp_ops;

static void pcb_detach(struct tcp_pcb *p)
{
	tcp_arg(p, 0);
	if (p->state == LISTEN) { /* a listening pcb has only these two */
		tcp_accept(p, 0);
		return;
	}
	tcp_recv(p, 0);
	tcp_sent(p, 0);
	tcp_err(p, 0);
	tcp_poll(p, 0, 0);
}

static err_t on_recv(void *arg, struct tcp_pcb *p, struct pbuf *pb, err_t err)
{
	struct sock *s = arg;
	(void)err;
	if (!pb) {
		s->shut_rd = 1; /* the peer's FIN */
		s->eof = 1;
		uk_sock_notify(s);
		return ERR_OK;
	}
	(void)p;
	if (s->rx)
		s->rx_last->next = pb;
	else
		s->rx = pb, s->rx_off = 0;
	s->rx_bytes += pb->tot_len;
	while (pb->next)
		pb = pb->next;
	s->rx_last = pb;
	uk_sock_notify(s);
	return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *p, u16_t len)
{
	(void)p;
	(void)len;
	uk_sock_notify(arg);
	return ERR_OK;
}

/* The pcb is gone (lwIP frees it). */
static void on_err(void *arg, err_t err)
{
	struct sock *s = arg;
	s->pcb.tcp = 0;
	if (s->connecting) {
		s->err = err == ERR_RST ? -ECONNREFUSED : -ETIMEDOUT;
		s->conn_failed = 1;
		s->conn_report = 0;
	} else if (err == ERR_RST) {
		/* Linux's tcp_reset: EPIPE in CLOSE_WAIT (the peer's FIN came,
		 * ours not sent), ECONNRESET otherwise */
		s->err = s->eof && !s->shut_wr ? -EPIPE : -ECONNRESET;
	} else if (err == ERR_ABRT) {
		s->err = -ETIMEDOUT;
	}
	s->connecting = s->connected = 0;
	s->shut_rd = s->shut_wr = 1;
	uk_sock_notify(s);
}

/* TCP_SYNCNT: Linux gives up a connect N SYN retransmissions after the
 * first, its timeout doubling from 1 s: 2^(N+1) - 1 s in all, 127 s with
 * its default 6 (net.ipv4.tcp_syn_retries). lwIP's SYN timeout does not
 * double (3 s each) and it gives up after TCP_SYNMAXRTX of them (18 s), so
 * every poll (500 ms) until Linux's time holds its count of them under
 * that, and ends the connect at that time. N is kept up to 8 (511 s;
 * Linux's 127 would be 2^128 s). */
#define SYNCNT_MAX     127
#define SYNCNT_DEFAULT 6
#define SYNCNT_KEPT    8
static err_t on_syn_poll(void *arg, struct tcp_pcb *p)
{
	struct sock *s = arg;
	if (p->state != SYN_SENT)
		return ERR_OK;
	if (uk_monotonic_ns() < s->syn_end) {
		if (p->nrtx > TCP_SYNMAXRTX - 2)
			p->nrtx = TCP_SYNMAXRTX - 2; /* lwIP's SYN_SENT uses it for nothing else */
		return ERR_OK;
	}
	tcp_abort(p); /* on_err: ETIMEDOUT */
	return ERR_ABRT;
}

static err_t on_connected(void *arg, struct tcp_pcb *p, err_t err)
{
	struct sock *s = arg;
	(void)err;
	tcp_poll(p, 0, 0);
	s->connecting = 0;
	s->connected = 1;
	s->peer = p->remote_ip;
	s->peer_port = p->remote_port;
	uk_sock_notify(s);
	return ERR_OK;
}

static void pcb_setup(struct sock *s, struct tcp_pcb *p)
{
	s->pcb.tcp = p;
	tcp_arg(p, s);
	tcp_recv(p, on_recv);
	tcp_sent(p, on_sent);
	tcp_err(p, on_err);
	if (s->nodelay)
		tcp_nagle_disable(p);
	if (s->reuseaddr)
		ip_set_option(p, SOF_REUSEADDR);
	if (s->keepalive)
		ip_set_option(p, SOF_KEEPALIVE);
}

/* a pcb for a socket whose connection is gone, or that never had one */
static long pcb_again(struct sock *s)
{
	if (s->pcb.tcp)
		return 0;
	struct tcp_pcb *p = tcp_new_ip_type(uk_sock_ip_type(s));
	if (!p)
		return -ENOMEM;
	pcb_setup(s, p);
	s->shut_rd = s->shut_wr = s->eof = 0;
	s->bound = 0;
	return 0;
}

static err_t on_accept(void *arg, struct tcp_pcb *p, err_t err)
{
	struct sock *l = arg;
	if (err != ERR_OK || !p || !l)
		return ERR_VAL;
	struct sock *c = uk_sock_new(l->domain, UK_SOCK_STREAM, &tcp_ops, 0);
	if (!c) {
		tcp_abort(p);
		return ERR_ABRT;
	}
	/* what Linux's accepted socket inherits */
	c->nodelay = l->nodelay;
	c->keepalive = l->keepalive;
	c->rcvbuf = l->rcvbuf;
	c->sndbuf = l->sndbuf;
	c->rcvtimeo = l->rcvtimeo;
	c->sndtimeo = l->sndtimeo;
	c->linger_on = l->linger_on;
	c->linger = l->linger;
	c->v6only = l->v6only;
	pcb_setup(c, p);
	c->connected = c->bound = 1;
	c->peer = p->remote_ip;
	c->peer_port = p->remote_port;
	tcp_backlog_delayed(p);
	*l->accq_tail = c;
	l->accq_tail = &c->accq_next;
	l->accq_len++;
	uk_sock_notify(l);
	return ERR_OK;
}

static unsigned tcp_poll_(struct uk_file *f)
{
	struct sock *s = uk_sock(f);
	unsigned ev = 0;
	if (s->listening)
		return s->accq ? UK_POLLIN | UK_POLLRDNORM : 0;
	int closed = !s->connected && !s->connecting;
	if ((s->shut_rd && s->shut_wr) || closed)
		ev |= UK_POLLHUP;
	if (s->shut_rd)
		ev |= UK_POLLIN | UK_POLLRDNORM | UK_POLLRDHUP;
	if (!s->connecting) {
		if (s->rx_bytes)
			ev |= UK_POLLIN | UK_POLLRDNORM;
		if (s->shut_wr || closed || (s->pcb.tcp && tcp_sndbuf(s->pcb.tcp) > 0 &&
					     tcp_sndqueuelen(s->pcb.tcp) < TCP_SND_QUEUELEN))
			ev |= UK_POLLOUT | UK_POLLWRNORM;
	}
	if (s->err)
		ev |= UK_POLLERR;
	return ev;
}

static long tcp_bind_(struct uk_file *f, const void *sa, uint32_t len)
{
	struct sock *s = uk_sock(f);
	ip_addr_t ip;
	uint16_t port;
	long e = uk_sock_addr_in(s, sa, len, &ip, &port);
	/* Linux takes AF_UNSPEC with INADDR_ANY as AF_INET (on AF_INET sockets) */
	if (e == -EAFNOSUPPORT && s->domain == UK_AF_INET &&
	    ((const struct uk_sockaddr_in *)sa)->family == UK_AF_UNSPEC &&
	    !((const struct uk_sockaddr_in *)sa)->addr)
		e = 0;
	if (e || (e = uk_sock_local_ok(&ip)))
		return e;
	if (s->bound || s->listening || s->connecting || s->connected)
		return -EINVAL;
	if ((e = pcb_again(s)))
		return e;
	e = uk_sock_errno(tcp_bind(s->pcb.tcp, &ip, port));
	if (!e)
		s->bound = 1;
	return e;
}

static long tcp_listen_(struct uk_file *f, int backlog)
{
	struct sock *s = uk_sock(f);
	unsigned b = backlog + 1u > MAX_BACKLOG ? MAX_BACKLOG : (unsigned)backlog + 1;
	if (s->listening) {
		tcp_backlog_set(s->pcb.tcp, (u8_t)b);
		return 0;
	}
	if (s->connecting || s->connected)
		return -EINVAL;
	long e = pcb_again(s);
	if (e)
		return e;
	if (!s->bound) {
		if ((e = uk_sock_errno(tcp_bind(s->pcb.tcp, uk_sock_any(s), 0))))
			return e;
		s->bound = 1;
	}
	err_t err;
	struct tcp_pcb *l = tcp_listen_with_backlog_and_err(s->pcb.tcp, (u8_t)b, &err);
	if (!l)
		return err == ERR_USE ? -EADDRINUSE : -ENOMEM;
	s->pcb.tcp = l;
	tcp_arg(l, s);
	tcp_accept(l, on_accept);
	s->listening = 1;
	s->backlog = b;
	return 0;
}

static int has_conn(void *arg)
{
	return ((struct sock *)arg)->accq != 0 || !((struct sock *)arg)->listening;
}

static long tcp_accept_(struct uk_file *f, struct uk_file **conn, unsigned flags, void *sa,
			uint32_t *len)
{
	struct sock *s = uk_sock(f);
	if (!s->listening)
		return -EINVAL;
	long e = uk_sock_wait(s, has_conn, 0, s->rcvtimeo);
	if (e)
		return e;
	struct sock *c = s->accq;
	if (!c)
		return -EINVAL;
	s->accq = c->accq_next;
	if (!s->accq)
		s->accq_tail = &s->accq;
	s->accq_len--;
	c->accq_next = 0;
	if (c->pcb.tcp)
		tcp_backlog_accepted(c->pcb.tcp);
	c->file->flags |= flags & UK_O_NONBLOCK;
	uk_sock_addr_out(c, &c->peer, c->peer_port, sa, len);
	*conn = c->file;
	uk_net_kick();
	return 0;
}

static int connect_done(void *arg)
{
	return !((struct sock *)arg)->connecting;
}

static long tcp_connect_(struct uk_file *f, const void *sa, uint32_t len)
{
	struct sock *s = uk_sock(f);
	if (s->connected) { /* Linux: the first connect after it completed is 0 */
		long e = s->conn_report ? 0 : -EISCONN;
		s->conn_report = 0;
		return e;
	}
	if (s->connecting)
		return -EALREADY;
	if (s->conn_failed) { /* Linux's sock_error after a failed attempt */
		s->conn_failed = 0;
		long e = s->err ? s->err : -ECONNABORTED;
		s->err = 0;
		return e;
	}
	if (s->listening)
		return -EISCONN;
	ip_addr_t ip;
	uint16_t port;
	long e = uk_sock_addr_in(s, sa, len, &ip, &port);
	if (e)
		return e;
	if (ip_addr_isany(&ip)) /* Linux connects to the loopback address */
		ip_addr_set_loopback(!IP_IS_V4(&ip), &ip);
	if ((e = pcb_again(s)))
		return e;
	s->err = 0;
	s->connecting = 1;
	err_t err = tcp_connect(s->pcb.tcp, &ip, port, on_connected);
	if (err != ERR_OK) {
		s->connecting = 0;
		return err == ERR_RTE ? -ENETUNREACH : uk_sock_errno(err);
	}
	s->bound = 1;
	unsigned n = s->syncnt ? s->syncnt : SYNCNT_DEFAULT;
	if (n > SYNCNT_KEPT)
		n = SYNCNT_KEPT;
	s->syn_end = uk_monotonic_ns() + (((2ull << n) - 1) * 1000000000ull);
	tcp_poll(s->pcb.tcp, on_syn_poll, 1);
	uk_net_kick();
	if (f->flags & UK_O_NONBLOCK) {
		s->conn_report = 1;
		return -EINPROGRESS;
	}
	if (uk_net_wait(connect_done, s, s->sndtimeo ? uk_monotonic_ns() + s->sndtimeo : UK_FOREVER))
		return -EINPROGRESS;
	if (s->connected)
		return 0;
	s->conn_failed = 0;
	e = s->err ? s->err : -ECONNABORTED;
	s->err = 0;
	return e;
}

static int readable(void *arg)
{
	struct sock *s = arg;
	return s->rx_bytes || s->shut_rd || s->err || !(s->connected || s->connecting);
}

static int writable(void *arg)
{
	struct sock *s = arg;
	struct tcp_pcb *p = s->pcb.tcp;
	return !s->connected || s->shut_wr || s->err ||
	       (p && tcp_sndbuf(p) > 0 && tcp_sndqueuelen(p) < TCP_SND_QUEUELEN);
}

/* Moves up to n bytes of received data out, freeing pbufs read whole and
 * opening the window by as much. */
static size_t take(struct sock *s, uint8_t *dst, size_t n)
{
	size_t done = 0;
	while (s->rx && done < n) {
		struct pbuf *p = s->rx;
		size_t k = p->len - s->rx_off;
		if (k > n - done)
			k = n - done;
		uk_memcpy(dst + done, (uint8_t *)p->payload + s->rx_off, k);
		done += k;
		s->rx_off = (uint16_t)(s->rx_off + k);
		if (s->rx_off < p->len)
			break;
		s->rx = p->next; /* the first pbuf is read: free it alone */
		s->rx_off = 0;
		p->next = 0;
		pbuf_free(p);
		if (!s->rx)
			s->rx_last = 0;
	}
	s->rx_bytes -= done;
	if (s->pcb.tcp)
		for (size_t left = done; left;) {
			u16_t k = left > 0xffff ? 0xffff : (u16_t)left;
			tcp_recved(s->pcb.tcp, k);
			left -= k;
		}
	return done;
}

/* MSG_PEEK: copies what is there without taking it. */
static size_t peek(const struct sock *s, const struct uk_sock_msg *m)
{
	const struct pbuf *p = s->rx;
	size_t off = s->rx_off, done = 0;
	for (size_t i = 0; i < m->iovlen && p; i++) {
		size_t ioff = 0;
		while (p && ioff < m->iov[i].len) {
			size_t k = p->len - off;
			if (k > m->iov[i].len - ioff)
				k = m->iov[i].len - ioff;
			uk_memcpy((uint8_t *)m->iov[i].base + ioff, (const uint8_t *)p->payload + off, k);
			ioff += k;
			off += k;
			if (off == p->len)
				p = p->next, off = 0;
		}
		done += ioff;
	}
	return done;
}

static long tcp_recvmsg_(struct uk_file *f, struct uk_sock_msg *m, int flags)
{
	struct sock *s = uk_sock(f);
	if (flags & UK_MSG_OOB)
		return -EINVAL;
	if (s->listening || (!s->connected && !s->connecting && !s->rx_bytes && !s->err &&
			     !s->shut_rd))
		return -ENOTCONN;
	int dontwait = flags & UK_MSG_DONTWAIT;
	size_t want = uk_msg_len(m), done = 0, i = 0, ioff = 0;
	long r;
	if (!want)
		return 0;
	for (;;) {
		if (s->rx_bytes) {
			if (flags & UK_MSG_PEEK)
				return (long)peek(s, m);
			while (i < m->iovlen && s->rx_bytes) {
				size_t k = take(s, (uint8_t *)m->iov[i].base + ioff, m->iov[i].len - ioff);
				done += k;
				ioff += k;
				if (ioff == m->iov[i].len)
					i++, ioff = 0;
			}
			uk_net_kick();
			if (done == want || !(flags & UK_MSG_WAITALL))
				return (long)done;
		}
		if (s->err) {
			if (done)
				return (long)done;
			r = s->err;
			s->err = 0;
			return r;
		}
		if (s->shut_rd || (!s->connected && !s->connecting))
			return (long)done;
		r = uk_sock_wait(s, readable, dontwait, s->rcvtimeo);
		if (r)
			return done ? (long)done : r;
	}
}

static long tcp_sendmsg_(struct uk_file *f, struct uk_sock_msg *m, int flags)
{
	struct sock *s = uk_sock(f);
	if (flags & UK_MSG_OOB)
		return -EOPNOTSUPP;
	size_t want = uk_msg_len(m), done = 0;
	int dontwait = flags & UK_MSG_DONTWAIT;
	for (size_t i = 0, off = 0;;) {
		if (s->err) {
			long e = s->err;
			s->err = 0;
			return done ? (long)done : e;
		}
		if (s->connecting) {
			long e = uk_sock_wait(s, connect_done, dontwait, s->sndtimeo);
			if (e)
				return e;
			continue;
		}
		if (!s->connected || s->shut_wr || !s->pcb.tcp)
			return done ? (long)done : uk_sock_epipe(flags);
		if (done == want)
			return (long)done;
		struct tcp_pcb *p = s->pcb.tcp;
		size_t room = tcp_sndbuf(p);
		if (room && tcp_sndqueuelen(p) < TCP_SND_QUEUELEN) {
			while (i < m->iovlen && off == m->iov[i].len)
				i++, off = 0;
			size_t k = m->iov[i].len - off;
			if (k > room)
				k = room;
			if (k > 0xffff)
				k = 0xffff;
			u8_t wf = TCP_WRITE_FLAG_COPY;
			if (done + k < want || (flags & UK_MSG_MORE))
				wf |= TCP_WRITE_FLAG_MORE;
			err_t err = tcp_write(p, (uint8_t *)m->iov[i].base + off, (u16_t)k, wf);
			if (err == ERR_OK) {
				done += k;
				off += k;
				if (done == want || k == room)
					tcp_output(p);
				continue;
			}
			if (err != ERR_MEM)
				return done ? (long)done : uk_sock_errno(err);
		}
		tcp_output(p);
		uk_net_kick();
		long e = uk_sock_wait(s, writable, dontwait, s->sndtimeo);
		if (e)
			return done ? (long)done : e;
	}
}

static long tcp_shutdown_(struct uk_file *f, int how)
{
	struct sock *s = uk_sock(f);
	int rd = how != UK_SHUT_WR, wr = how != UK_SHUT_RD;
	if (s->listening) {
		if (rd) { /* Linux disconnects the listener */
			pcb_detach(s->pcb.tcp);
			tcp_close(s->pcb.tcp);
			s->pcb.tcp = 0;
			s->listening = s->bound = 0;
			uk_sock_notify(s);
		}
		return 0;
	}
	long e = !s->connected && !s->connecting ? -ENOTCONN : 0;
	if (rd)
		s->shut_rd = 1;
	if (wr && !s->shut_wr) {
		s->shut_wr = 1;
		if (s->connected && s->pcb.tcp)
			tcp_shutdown(s->pcb.tcp, 0, 1);
	}
	uk_net_kick();
	uk_sock_notify(s);
	return e;
}

static long tcp_name_(struct uk_file *f, int peer, void *sa, uint32_t *len)
{
	struct sock *s = uk_sock(f);
	if (peer) {
		if (!s->connected)
			return -ENOTCONN;
		uk_sock_addr_out(s, &s->peer, s->peer_port, sa, len);
		return 0;
	}
	struct tcp_pcb *p = s->pcb.tcp;
	uk_sock_addr_out(s, p ? &p->local_ip : 0, p ? p->local_port : 0, sa, len);
	return 0;
}

static long tcp_getsockopt_(struct uk_file *f, int level, int opt, void *val, uint32_t *len)
{
	struct sock *s = uk_sock(f);
	if (level != SOL_TCP_)
		return uk_sock_getsockopt(s, level, opt, val, len);
	struct tcp_pcb *p = s->pcb.tcp;
	switch (opt) {
	case TCP_NODELAY_:
		return uk_sockopt_int_out(s->nodelay, val, len);
	case TCP_MAXSEG_:
		return uk_sockopt_int_out(s->connected && p ? tcp_mss(p) : 536, val, len);
	case TCP_KEEPIDLE_:
		return uk_sockopt_int_out(p ? (int)(p->keep_idle / 1000) : 7200, val, len);
	case TCP_KEEPINTVL_:
		return uk_sockopt_int_out(p ? (int)(p->keep_intvl / 1000) : 75, val, len);
	case TCP_KEEPCNT_:
		return uk_sockopt_int_out(p ? (int)p->keep_cnt : 9, val, len);
	case TCP_SYNCNT_:
		return uk_sockopt_int_out(s->syncnt ? s->syncnt : SYNCNT_DEFAULT, val, len);
	default:
		return -ENOPROTOOPT;
	}
}

static long tcp_setsockopt_(struct uk_file *f, int level, int opt, const void *val, uint32_t len)
{
	struct sock *s = uk_sock(f);
	if (level != SOL_TCP_)
		return uk_sock_setsockopt(s, level, opt, val, len);
	int v;
	long r = uk_sockopt_in(&v, sizeof(v), val, len);
	if (r)
		return r;
	struct tcp_pcb *p = s->pcb.tcp;
	switch (opt) {
	case TCP_NODELAY_:
		s->nodelay = v != 0;
		if (p && v)
			tcp_nagle_disable(p);
		else if (p)
			tcp_nagle_enable(p);
		return 0;
	case TCP_KEEPIDLE_:
	case TCP_KEEPINTVL_:
		if (v < 1 || v > 32767)
			return -EINVAL;
		if (p && opt == TCP_KEEPIDLE_)
			p->keep_idle = (u32_t)v * 1000;
		else if (p)
			p->keep_intvl = (u32_t)v * 1000;
		return 0;
	case TCP_KEEPCNT_:
		if (v < 1 || v > 127)
			return -EINVAL;
		if (p)
			p->keep_cnt = (u32_t)v;
		return 0;
	case TCP_SYNCNT_:
		if (v < 1 || v > SYNCNT_MAX)
			return -EINVAL;
		s->syncnt = (uint8_t)v;
		return 0;
	case TCP_MAXSEG_:
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static long tcp_ioctl_(struct uk_file *f, unsigned long cmd, long arg)
{
	struct sock *s = uk_sock(f);
	if (cmd != FIONREAD_ && cmd != SIOCOUTQ_)
		return -ENOTTY;
	if (s->listening)
		return -EINVAL;
	if (uk_bad_user(arg, sizeof(int)))
		return -EFAULT;
	int v = (int)s->rx_bytes;
	if (cmd == SIOCOUTQ_)
		v = s->pcb.tcp ? (int)(TCP_SND_BUF - tcp_sndbuf(s->pcb.tcp)) : 0;
	*(int *)arg = v;
	return 0;
}

static void tcp_release_(struct uk_file *f)
{
	struct sock *s = uk_sock(f);
	struct tcp_pcb *p = s->pcb.tcp;
	s->file = 0;
	if (s->listening) {
		while (s->accq) { /* never accepted: reset, as Linux does */
			struct sock *c = s->accq;
			s->accq = c->accq_next;
			uk_file_put(c->file);
		}
	}
	if (p) {
		pcb_detach(p);
		if (!s->listening && (s->rx_bytes || (s->linger_on && !s->linger)))
			tcp_abort(p);
		else if (tcp_close(p) != ERR_OK)
			tcp_abort(p);
	}
	if (s->rx)
		pbuf_free(s->rx);
	uk_sock_free(s);
	uk_net_kick();
}

static const struct uk_sock_ops tcp_ops = {
	.file =
		{
			.read = uk_sock_read,
			.write = uk_sock_write,
			.ioctl = tcp_ioctl_,
			.stat = uk_sock_stat,
			.poll = tcp_poll_,
			.release = tcp_release_,
			.flags = UK_FILE_SOCKET | UK_FILE_WAITS,
		},
	.bind = tcp_bind_,
	.connect = tcp_connect_,
	.listen = tcp_listen_,
	.accept = tcp_accept_,
	.shutdown = tcp_shutdown_,
	.name = tcp_name_,
	.getsockopt = tcp_getsockopt_,
	.setsockopt = tcp_setsockopt_,
	.sendmsg = tcp_sendmsg_,
	.recvmsg = tcp_recvmsg_,
};

long uk_tcp_socket(int domain, unsigned flags, struct uk_file **f)
{
	struct sock *s = uk_sock_new(domain, UK_SOCK_STREAM, &tcp_ops, flags);
	if (!s)
		return -ENOMEM;
	struct tcp_pcb *p = tcp_new_ip_type(uk_sock_ip_type(s));
	if (!p) {
		uk_file_put(s->file);
		return -ENOMEM;
	}
	pcb_setup(s, p);
	*f = s->file;
	return 0;
}
