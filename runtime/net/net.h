/* The uk-net component: Linux sockets over lwIP's raw API (sock.c, tcp.c,
 * udp.c), the stack's glue (stack.c: timers, the wait loop's poller,
 * configuration) and the virtio-net driver (drivers/virtio/net.c).
 *
 * lwIP is single-threaded here: it runs only from system calls and from
 * the wait loop's poller and timer (wait.h), never in an interrupt. Its
 * callbacks change a socket's state and tell watchers (uk_file_notify);
 * blocking calls wait in uk_wait on the socket's readiness. */
#ifndef UK_NET_H
#define UK_NET_H

#include "errno.h"
#include "socket.h"
#include "wait.h"

#include "lwip/ip_addr.h"

struct netif;
struct pbuf;

/* stack.c */
/* Brings the stack and the interface up once (the address by DHCP or the
 * uk.net.* options, waited for up to a few seconds). */
void uk_net_up(void);
/* Takes in what the device received, runs lwIP's due timers and arms the
 * next one: after every call into lwIP that may have queued work. */
void uk_net_kick(void);
/* Waits (uk_wait) until ready(arg) or the deadline, keeping the stack
 * running: 0 or -ETIMEDOUT. */
long uk_net_wait(int (*ready)(void *arg), void *arg, uint64_t deadline);

/* drivers/virtio/net.c: the first virtio-net device as an lwIP netif
 * (added, not yet up): 0 when its interrupts wake the CPU, 1 when it must
 * be polled, or -ENODEV when there is none. */
long uk_virtio_net_attach(struct netif *nif);
/* ...and at exit, waits (a while) until the device has sent what it was given */
void uk_virtio_net_flush(void);
/* Takes in what the device received (netif->input for each frame). */
void uk_virtio_net_poll(struct netif *nif);

/* sock.c: what TCP and UDP sockets share */
struct sock;
struct sock_dgram;

struct sock {
	struct uk_file *file; /* not counted: the file owns the socket */
	int type;             /* UK_SOCK_STREAM or UK_SOCK_DGRAM */
	int domain;           /* UK_AF_INET or UK_AF_INET6 */
	int err;              /* pending error (SO_ERROR), negative */
	uint8_t listening, connecting, connected, bound;
	uint8_t shut_rd, shut_wr, eof;  /* eof: the peer's FIN came */
	uint8_t reuseaddr, reuseport, keepalive, nodelay, linger_on;
	uint8_t v6only; /* IPV6_V6ONLY: an AF_INET6 socket takes no IPv4 peers */
	int linger;              /* seconds */
	int rcvbuf, sndbuf;      /* what setsockopt asked, doubled as Linux does */
	uint64_t rcvtimeo, sndtimeo; /* ns, 0: none */
	union {
		struct tcp_pcb *tcp;
		struct udp_pcb *udp;
	} pcb;
	/* TCP: received data not yet read (a pbuf chain), off bytes of its
	 * first pbuf already read */
	struct pbuf *rx, *rx_last;
	uint16_t rx_off;
	size_t rx_bytes;
	uint8_t conn_failed; /* a connect failed: the next one reports it */
	uint8_t conn_report; /* a non-blocking connect: the next one says 0 */
	uint8_t syncnt;      /* TCP_SYNCNT, 0: the system's (Linux's 6) */
	uint64_t syn_end;    /* when a connect gives up (ns) */
	ip_addr_t peer;      /* TCP: kept after the connection is gone */
	uint16_t peer_port;
	/* listening TCP: connections not yet accepted, oldest first */
	struct sock *accq, **accq_tail, *accq_next;
	unsigned accq_len, backlog;
	/* UDP: datagrams not yet read */
	struct sock_dgram *dq, **dq_tail;
	size_t dq_bytes;
};

/* the sockaddr_in of Linux */
struct uk_sockaddr_in {
	uint16_t family;
	uint16_t port; /* network order */
	uint32_t addr; /* network order */
	uint8_t zero[8];
};

/* the sockaddr_in6 of Linux */
struct uk_sockaddr_in6 {
	uint16_t family;
	uint16_t port; /* network order */
	uint32_t flowinfo;
	uint32_t addr[4]; /* network order */
	uint32_t scope_id;
};
#define UK_SIN6_LEN_MIN 24 /* Linux takes RFC 2133's, without scope_id */

struct sock *uk_sock_new(int domain, int type, const struct uk_sock_ops *ops, unsigned flags);
void uk_sock_free(struct sock *s);
static inline struct sock *uk_sock(struct uk_file *f)
{
	return f->priv;
}
/* Readiness changed: run the file's hooks (epoll). */
void uk_sock_notify(struct sock *s);
/* Waits until ready(s) with the socket's timeout: 0, -EAGAIN when it
 * does not block (O_NONBLOCK, MSG_DONTWAIT) or the timeout passed. */
long uk_sock_wait(struct sock *s, int (*ready)(void *s), int dontwait, uint64_t timeo);
/* An address in, of the socket's family: -EINVAL (short), -EAFNOSUPPORT
 * (family) or 0. On an AF_INET6 socket `::` is any address of both
 * families (of IPv6 alone with IPV6_V6ONLY) and ::ffff:a.b.c.d is the
 * IPv4 address. */
long uk_sock_addr_in(const struct sock *s, const void *sa, uint32_t len, ip_addr_t *ip,
		     uint16_t *port);
/* An address out, of the socket's family (IPv4 ones as ::ffff:a.b.c.d on
 * an AF_INET6 socket); ip 0: any. */
void uk_sock_addr_out(const struct sock *s, const ip_addr_t *ip, uint16_t port, void *sa,
		      uint32_t *len);
/* The socket's "any address" (bind before listen, or 0.0.0.0:0) */
const ip_addr_t *uk_sock_any(const struct sock *s);
/* lwIP's address type for the socket's pcb */
u8_t uk_sock_ip_type(const struct sock *s);
/* The checks Linux makes on a local address: 0 or -EADDRNOTAVAIL. */
long uk_sock_local_ok(const ip_addr_t *ip);
/* IPPROTO_IPV6 options (IPV6_V6ONLY) */
long uk_sock_ip6_getsockopt(struct sock *s, int opt, void *val, uint32_t *len);
long uk_sock_ip6_setsockopt(struct sock *s, int opt, const void *val, uint32_t len);
/* the options every socket has (SOL_SOCKET) */
long uk_sock_getsockopt(struct sock *s, int level, int opt, void *val, uint32_t *len);
long uk_sock_setsockopt(struct sock *s, int level, int opt, const void *val, uint32_t len);
long uk_sock_stat(struct uk_file *f, struct uk_stat *st);
long uk_sock_read(struct uk_file *f, void *buf, size_t n, uint64_t off);
long uk_sock_write(struct uk_file *f, const void *buf, size_t n, uint64_t off);
/* total length of a message's buffers */
size_t uk_msg_len(const struct uk_sock_msg *m);
/* lwIP's errors as Linux's */
long uk_sock_errno(int lwip_err);

/* tcp.c, udp.c */
long uk_tcp_socket(int domain, unsigned flags, struct uk_file **f);
long uk_udp_socket(int domain, unsigned flags, struct uk_file **f);

/* the socket option names (x86_64 Linux) */
#define SOL_SOCKET_   1
#define SOL_IP_       0
#define SOL_TCP_      6
#define SOL_IPV6_     41
#define IPV6_V6ONLY_  26
#define SO_DEBUG_     1
#define SO_REUSEADDR_ 2
#define SO_TYPE_      3
#define SO_ERROR_     4
#define SO_DONTROUTE_ 5
#define SO_BROADCAST_ 6
#define SO_SNDBUF_    7
#define SO_RCVBUF_    8
#define SO_KEEPALIVE_ 9
#define SO_OOBINLINE_ 10
#define SO_LINGER_    13
#define SO_REUSEPORT_ 15
#define SO_RCVLOWAT_  18
#define SO_SNDLOWAT_  19
#define SO_RCVTIMEO_  20
#define SO_SNDTIMEO_  21
#define SO_ACCEPTCONN_ 30
#define SO_PROTOCOL_  38
#define SO_DOMAIN_    39
#define TCP_NODELAY_   1
#define TCP_MAXSEG_    2
#define TCP_KEEPIDLE_  4
#define TCP_KEEPINTVL_ 5
#define TCP_KEEPCNT_   6
#define TCP_SYNCNT_    7
#define IPPROTO_TCP_  6
#define IPPROTO_UDP_  17
#define FIONREAD_     0x541b
#define SIOCOUTQ_     0x5411

#endif
