/* AF_UNIX socketpair (stream, datagram, seqpacket), in the image: each
 * end keeps a queue of what it received, one chunk a write. A stream
 * read runs across chunks; a datagram or seqpacket read takes one chunk
 * (its boundaries are the messages'). What one end sent and the other has
 * not read counts against the sender's SO_SNDBUF, as Linux charges the
 * sender's write memory, and shutdown/close tell the other end as
 * Linux's unix_shutdown and unix_release_sock do. No names in the file
 * system: bind, connect, listen and accept are Linux's errors for a
 * connected pair. Linked when the program links socketpair
 * (runtime/link-if/unix). */
#include "event.h"
#include "socket.h"
#include "syscall.h"

#define DEFAULT_BUF 212992 /* net.core.wmem_default, rmem_default */
#define MIN_SNDBUF  4608   /* SOCK_MIN_SNDBUF */
#define MIN_RCVBUF  2304
#define CHUNK_COST  256    /* what a chunk costs beyond its bytes (an skb's truesize) */
#define FIONREAD_   0x541b
#define SIOCOUTQ_   0x5411
#define UK_POLLWRBAND 0x200

struct chunk {
	struct chunk *next;
	size_t len, off;
	char data[];
};

struct end {
	struct uk_file *file; /* not counted: the file owns the end */
	struct end *peer;     /* 0 once the peer is closed */
	struct chunk *q, **qtail; /* what this end received, oldest first */
	size_t qbytes, qcost;
	int type;
	uint8_t shut_rd, shut_wr; /* Linux's RCV_SHUTDOWN, SEND_SHUTDOWN */
	uint8_t lost_peer;        /* datagram: the peer closed, not yet said */
	int sndbuf, rcvbuf;
	uint64_t rcvtimeo, sndtimeo;
	uint64_t ino;
};

static const struct uk_sock_ops unix_ops;
static uint64_t next_ino = 1;

static struct end *end_of(struct uk_file *f)
{
	return f->priv;
}

static int stream(const struct end *e)
{
	return e->type == UK_SOCK_STREAM;
}

/* stream and seqpacket: a connection, which shutdown and close end */
static int connected_kind(const struct end *e)
{
	return e->type != UK_SOCK_DGRAM;
}

/* what this end sent and the other has not read */
static size_t sent_cost(const struct end *e)
{
	return e->peer ? e->peer->qcost : 0;
}

static void wake(struct end *e, unsigned key)
{
	if (e && e->file)
		uk_event_wake(e->file, key);
}

static unsigned unix_poll(struct uk_file *f)
{
	struct end *e = end_of(f);
	unsigned ev = 0;
	if (e->shut_rd && e->shut_wr)
		ev |= UK_POLLHUP;
	if (e->shut_rd)
		ev |= UK_POLLIN | UK_POLLRDNORM | UK_POLLRDHUP;
	if (e->q)
		ev |= UK_POLLIN | UK_POLLRDNORM;
	if (sent_cost(e) * 4 <= (size_t)e->sndbuf) /* Linux's unix_writable */
		ev |= UK_POLLOUT | UK_POLLWRNORM | UK_POLLWRBAND;
	return ev;
}

static int readable(void *arg)
{
	struct end *e = arg;
	return e->q || e->shut_rd;
}

static int writable(void *arg)
{
	struct end *e = arg;
	return !e->peer || e->shut_wr || e->peer->shut_rd || sent_cost(e) < (size_t)e->sndbuf;
}

/* Waits for ready(e): 0, or -EAGAIN when it does not block or the
 * timeout passes. */
static long wait_for(struct end *e, int (*ready)(void *), int flags, uint64_t timeo)
{
	if (ready(e))
		return 0;
	if ((flags & UK_MSG_DONTWAIT) || (e->file->flags & UK_O_NONBLOCK))
		return -EAGAIN;
	return uk_wait(ready, e, timeo ? uk_monotonic_ns() + timeo : UK_FOREVER) ? -EAGAIN : 0;
}

static size_t msg_len(const struct uk_sock_msg *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->iovlen; i++)
		n += m->iov[i].len;
	return n;
}

/* Copies a message's bytes [from, from + n) into dst. */
static void gather(const struct uk_sock_msg *m, size_t from, char *dst, size_t n)
{
	for (size_t i = 0, at = 0; i < m->iovlen && n; at += m->iov[i].len, i++) {
		size_t len = m->iov[i].len;
		if (from >= at + len)
			continue;
		size_t o = from - at, k = len - o < n ? len - o : n;
		uk_memcpy(dst, (const char *)m->iov[i].base + o, k);
		dst += k;
		from += k;
		n -= k;
	}
}

/* Queues n bytes of m, from its byte `from`, at the peer. */
static long put(struct end *e, const struct uk_sock_msg *m, size_t from, size_t n)
{
	struct end *p = e->peer;
	struct chunk *c = uk_malloc(sizeof(*c) + n);
	if (!c)
		return -ENOBUFS;
	c->next = 0;
	c->len = n;
	c->off = 0;
	gather(m, from, c->data, n);
	*p->qtail = c;
	p->qtail = &c->next;
	p->qbytes += n;
	p->qcost += n + CHUNK_COST;
	wake(p, UK_POLLIN | UK_POLLRDNORM);
	return 0;
}

static long unix_sendmsg(struct uk_file *f, struct uk_sock_msg *m, int flags)
{
	struct end *e = end_of(f);
	if (flags & UK_MSG_OOB)
		return -EOPNOTSUPP;
	if (m->name && m->namelen) /* a pair is connected: no other peer to name */
		return connected_kind(e) ? -EISCONN : -EOPNOTSUPP;
	size_t want = msg_len(m), done = 0;
	if (!stream(e) && want > (size_t)e->sndbuf - 32)
		return -EMSGSIZE;
	for (;;) {
		if (!e->peer && !connected_kind(e)) {
			long r = e->lost_peer ? -ECONNREFUSED : -ENOTCONN;
			e->lost_peer = 0;
			return r;
		}
		if (e->shut_wr || !e->peer || e->peer->shut_rd) {
			if (done)
				return (long)done;
			return connected_kind(e) ? uk_sock_epipe(flags) : -EPIPE;
		}
		if (sent_cost(e) < (size_t)e->sndbuf) {
			/* a stream write goes in pieces of at most half the
			 * buffer (Linux's skb size), each while there is room */
			size_t k = want - done;
			if (stream(e) && k > (size_t)e->sndbuf / 2)
				k = (size_t)e->sndbuf / 2;
			long r = put(e, m, done, k);
			if (r)
				return done ? (long)done : r;
			done += k;
			if (done == want)
				return (long)done;
			continue;
		}
		long r = wait_for(e, writable, flags, e->sndtimeo);
		if (r)
			return done ? (long)done : r;
	}
}

static void drop_first(struct end *e)
{
	struct chunk *c = e->q;
	e->q = c->next;
	if (!e->q)
		e->qtail = &e->q;
	e->qbytes -= c->len - c->off;
	e->qcost -= c->len + CHUNK_COST;
	uk_free(c);
}

/* stream: up to the buffers' room, across chunks */
static size_t take_stream(struct end *e, const struct uk_sock_msg *m, size_t *skip, int peek)
{
	size_t done = 0, i = 0, ioff = *skip;
	while (i < m->iovlen && ioff >= m->iov[i].len)
		ioff -= m->iov[i++].len;
	struct chunk *c = e->q;
	size_t coff = c ? c->off : 0;
	while (c && i < m->iovlen) {
		size_t k = c->len - coff, room = m->iov[i].len - ioff;
		if (k > room)
			k = room;
		uk_memcpy((char *)m->iov[i].base + ioff, c->data + coff, k);
		done += k;
		ioff += k;
		coff += k;
		if (ioff == m->iov[i].len)
			i++, ioff = 0;
		if (coff == c->len) {
			c = c->next;
			coff = 0;
			if (!peek)
				drop_first(e);
		} else if (!peek) {
			e->qbytes -= k;
			c->off = coff;
		}
	}
	if (!peek && done)
		wake(e->peer, UK_POLLOUT | UK_POLLWRNORM);
	*skip += done;
	return done;
}

/* datagram and seqpacket: one message */
static long take_message(struct end *e, struct uk_sock_msg *m, int flags)
{
	struct chunk *c = e->q;
	size_t n = c->len, done = 0;
	for (size_t i = 0; i < m->iovlen && done < n; i++) {
		size_t k = m->iov[i].len < n - done ? m->iov[i].len : n - done;
		uk_memcpy(m->iov[i].base, c->data + done, k);
		done += k;
	}
	if (done < n)
		m->flags |= UK_MSG_TRUNC;
	if (!(flags & UK_MSG_PEEK)) {
		drop_first(e);
		wake(e->peer, UK_POLLOUT | UK_POLLWRNORM);
	}
	return (long)(flags & UK_MSG_TRUNC ? n : done);
}

static long unix_recvmsg(struct uk_file *f, struct uk_sock_msg *m, int flags)
{
	struct end *e = end_of(f);
	if (flags & UK_MSG_OOB)
		return -EOPNOTSUPP;
	m->namelen = 0; /* the peer of a pair has no name */
	size_t want = msg_len(m), done = 0;
	for (;;) {
		if (e->q) {
			if (!stream(e))
				return take_message(e, m, flags);
			take_stream(e, m, &done, flags & UK_MSG_PEEK);
			if (done == want || !(flags & UK_MSG_WAITALL) || (flags & UK_MSG_PEEK))
				return (long)done;
		}
		if (e->shut_rd || (stream(e) && !want))
			return (long)done;
		long r = wait_for(e, readable, flags, e->rcvtimeo);
		if (r)
			return done ? (long)done : r;
	}
}

static long unix_read(struct uk_file *f, void *buf, size_t n, uint64_t off)
{
	(void)off;
	struct uk_iovec iov = {buf, n};
	struct uk_sock_msg m = {&iov, 1, 0, 0, 0};
	return unix_recvmsg(f, &m, 0);
}

static long unix_write(struct uk_file *f, const void *buf, size_t n, uint64_t off)
{
	(void)off;
	struct uk_iovec iov = {(void *)buf, n};
	struct uk_sock_msg m = {&iov, 1, 0, 0, 0};
	return unix_sendmsg(f, &m, 0);
}

static long unix_shutdown(struct uk_file *f, int how)
{
	struct end *e = end_of(f), *p = e->peer;
	int rd = how != UK_SHUT_WR, wr = how != UK_SHUT_RD;
	e->shut_rd |= (uint8_t)rd;
	e->shut_wr |= (uint8_t)wr;
	wake(e, 0);
	if (p && connected_kind(e)) {
		p->shut_wr |= (uint8_t)rd;
		p->shut_rd |= (uint8_t)wr;
		wake(p, 0);
	}
	return 0;
}

static long unix_name(struct uk_file *f, int peer, void *sa, uint32_t *len)
{
	(void)f, (void)peer; /* Linux keeps a closed peer's (empty) name */
	uint16_t family = UK_AF_UNIX; /* unnamed: the family alone */
	uk_memcpy(sa, &family, *len < 2 ? *len : 2);
	*len = 2;
	return 0;
}

#define SOL_SOCKET_   1
#define SO_TYPE_      3
#define SO_ERROR_     4
#define SO_SNDBUF_    7
#define SO_RCVBUF_    8
#define SO_PASSCRED_  16
#define SO_RCVTIMEO_  20
#define SO_SNDTIMEO_  21
#define SO_ACCEPTCONN_ 30
#define SO_PROTOCOL_  38
#define SO_DOMAIN_    39

static long unix_getsockopt(struct uk_file *f, int level, int opt, void *val, uint32_t *len)
{
	struct end *e = end_of(f);
	if (level != SOL_SOCKET_)
		return -EOPNOTSUPP; /* AF_UNIX has no options of its own */
	switch (opt) {
	case SO_TYPE_:
		return uk_sockopt_int_out(e->type, val, len);
	case SO_DOMAIN_:
		return uk_sockopt_int_out(UK_AF_UNIX, val, len);
	case SO_PROTOCOL_:
	case SO_ERROR_:
	case SO_ACCEPTCONN_:
	case SO_PASSCRED_:
		return uk_sockopt_int_out(0, val, len);
	case SO_SNDBUF_:
		return uk_sockopt_int_out(e->sndbuf, val, len);
	case SO_RCVBUF_:
		return uk_sockopt_int_out(e->rcvbuf, val, len);
	case SO_RCVTIMEO_:
	case SO_SNDTIMEO_:
		return uk_sockopt_timeo_out(opt == SO_RCVTIMEO_ ? e->rcvtimeo : e->sndtimeo, val, len);
	default:
		return -ENOPROTOOPT;
	}
}

/* SO_SNDBUF/SO_RCVBUF: doubled, between Linux's least and
 * net.core.wmem_max (rmem_max) */
static int buf_size(int v, int min)
{
	uint32_t u = (uint32_t)v > DEFAULT_BUF ? DEFAULT_BUF : (uint32_t)v;
	return (int)(2 * u) < min ? min : (int)(2 * u);
}

static long unix_setsockopt(struct uk_file *f, int level, int opt, const void *val, uint32_t len)
{
	struct end *e = end_of(f);
	if (level != SOL_SOCKET_)
		return -EOPNOTSUPP;
	if (opt == SO_RCVTIMEO_ || opt == SO_SNDTIMEO_)
		return uk_sockopt_timeo_in(val, len, opt == SO_RCVTIMEO_ ? &e->rcvtimeo : &e->sndtimeo);
	int v;
	long r = uk_sockopt_in(&v, sizeof(v), val, len);
	if (r)
		return r;
	switch (opt) {
	case SO_SNDBUF_:
		e->sndbuf = buf_size(v, MIN_SNDBUF);
		wake(e, UK_POLLOUT);
		return 0;
	case SO_RCVBUF_:
		e->rcvbuf = buf_size(v, MIN_RCVBUF);
		return 0;
	case SO_PASSCRED_:
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static long unix_listen(struct uk_file *f, int backlog)
{
	(void)backlog;
	return stream(end_of(f)) || end_of(f)->type == UK_SOCK_SEQPACKET ? -EINVAL : -EOPNOTSUPP;
}

static long unix_accept(struct uk_file *f, struct uk_file **conn, unsigned flags, void *sa,
			uint32_t *len)
{
	(void)conn, (void)flags, (void)sa, (void)len;
	return connected_kind(end_of(f)) ? -EINVAL : -EOPNOTSUPP;
}

static long unix_ioctl(struct uk_file *f, unsigned long cmd, long arg)
{
	struct end *e = end_of(f);
	if (cmd != FIONREAD_ && cmd != SIOCOUTQ_)
		return -ENOTTY;
	if (uk_bad_user(arg, sizeof(int)))
		return -EFAULT;
	size_t v = cmd == SIOCOUTQ_ ? (e->peer ? e->peer->qbytes : 0)
		   : stream(e)      ? e->qbytes
		   : e->q           ? e->q->len
				    : 0;
	*(int *)arg = (int)v;
	return 0;
}

static long unix_stat(struct uk_file *f, struct uk_stat *st)
{
	uk_stat_anon(st, UK_S_IFSOCK | 0777, end_of(f)->ino);
	return 0;
}

static void unix_release(struct uk_file *f)
{
	struct end *e = end_of(f), *p = e->peer;
	e->file = 0;
	while (e->q)
		drop_first(e);
	if (p) {
		p->peer = 0;
		if (connected_kind(p))
			p->shut_rd = p->shut_wr = 1;
		else
			p->lost_peer = 1;
		wake(p, 0);
	}
	uk_free(e);
}

static const struct uk_sock_ops unix_ops = {
	.file =
		{
			.read = unix_read,
			.write = unix_write,
			.ioctl = unix_ioctl,
			.stat = unix_stat,
			.poll = unix_poll,
			.release = unix_release,
			.flags = UK_FILE_SOCKET | UK_FILE_WAITS,
		},
	.listen = unix_listen,
	.accept = unix_accept,
	.shutdown = unix_shutdown,
	.name = unix_name,
	.getsockopt = unix_getsockopt,
	.setsockopt = unix_setsockopt,
	.sendmsg = unix_sendmsg,
	.recvmsg = unix_recvmsg,
};

static struct end *end_new(int type, unsigned flags)
{
	struct end *e = uk_zalloc(sizeof(*e));
	if (!e)
		return 0;
	e->file = uk_file_new(&unix_ops.file, UK_O_RDWR | (flags & UK_O_NONBLOCK), e);
	if (!e->file) {
		uk_free(e);
		return 0;
	}
	e->type = type;
	e->qtail = &e->q;
	e->sndbuf = e->rcvbuf = DEFAULT_BUF;
	e->ino = next_ino++;
	return e;
}

/* the family's socket types: SOCK_RAW is SOCK_DGRAM, as in Linux */
static int unix_type(int type)
{
	if (type == UK_SOCK_RAW)
		return UK_SOCK_DGRAM;
	if (type == UK_SOCK_STREAM || type == UK_SOCK_DGRAM || type == UK_SOCK_SEQPACKET)
		return type;
	return -1;
}

static long unix_socket(int type, int protocol, unsigned flags, struct uk_file **f)
{
	(void)type, (void)protocol, (void)flags, (void)f;
	return -EAFNOSUPPORT; /* a named socket needs the file system's names: not yet */
}

static long unix_socketpair(int type, int protocol, unsigned flags, struct uk_file *f[2])
{
	if (protocol && protocol != UK_AF_UNIX)
		return -EPROTONOSUPPORT;
	if ((type = unix_type(type)) < 0)
		return -ESOCKTNOSUPPORT;
	struct end *a = end_new(type, flags), *b = a ? end_new(type, flags) : 0;
	if (!b) {
		if (a)
			uk_file_put(a->file);
		return -ENOMEM;
	}
	a->peer = b;
	b->peer = a;
	f[0] = a->file;
	f[1] = b->file;
	return 0;
}

static const struct uk_sock_family unix_family = {UK_AF_UNIX, unix_socket, unix_socketpair};

__attribute__((constructor(101))) __uk_cold static void unix_start(void)
{
	uk_sock_register(&unix_family);
}

/* the anchor runtime/link-if/unix names: its constructor comes with it */
const void *const uk_link_unix[] = {(const void *)unix_start};
