/* Sockets in the core: the system calls (socket.c, group net) know only
 * that a socket family may be registered. A family (AF_UNIX's socketpair,
 * unix_sock.c, linked with socketpair; the uk-net component's AF_INET and
 * AF_INET6 over lwIP, runtime/net/) registers itself before main with
 * uk_sock_register; its sockets are open files whose ops table is a
 * struct uk_sock_ops. Without a family every socket() is EAFNOSUPPORT.
 *
 * The system calls check and copy what the program passed (addresses,
 * option values, the iovec array); the family's operations get kernel
 * copies and checked buffers, and do their own waiting (SO_RCVTIMEO,
 * MSG_DONTWAIT, O_NONBLOCK) through uk_wait. */
#ifndef UK_SOCKET_H
#define UK_SOCKET_H

#include "errno.h"
#include "file.h"

#define UK_AF_UNSPEC 0
#define UK_AF_UNIX   1
#define UK_AF_INET   2
#define UK_AF_INET6  10
#define UK_AF_MAX    46 /* Linux's AF_MAX: families from here on are EAFNOSUPPORT */

#define UK_SOCK_STREAM    1
#define UK_SOCK_DGRAM     2
#define UK_SOCK_RAW       3
#define UK_SOCK_SEQPACKET 5
#define UK_SOCK_MAX       11 /* types from here on are EINVAL */
#define UK_SOCK_TYPE_MASK 0xf
#define UK_SOCK_NONBLOCK  UK_O_NONBLOCK
#define UK_SOCK_CLOEXEC   UK_O_CLOEXEC

/* send/recv flags */
#define UK_MSG_OOB          0x1
#define UK_MSG_PEEK         0x2
#define UK_MSG_DONTROUTE    0x4
#define UK_MSG_CTRUNC       0x8
#define UK_MSG_TRUNC        0x20
#define UK_MSG_DONTWAIT     0x40
#define UK_MSG_EOR          0x80
#define UK_MSG_WAITALL      0x100
#define UK_MSG_NOSIGNAL     0x4000
#define UK_MSG_MORE         0x8000
#define UK_MSG_CMSG_CLOEXEC 0x40000000

#define UK_SHUT_RD   0
#define UK_SHUT_WR   1
#define UK_SHUT_RDWR 2

#define UK_SOCKADDR_MAX 128 /* struct sockaddr_storage */
#define UK_SOCKOPT_MAX  256 /* the longest option value passed through */

struct uk_iovec {
	void *base;
	size_t len;
};

/* One sendmsg/recvmsg, kernel side. The iovec's buffers are checked user
 * memory. name: send: the destination (0 if none); recv: UK_SOCKADDR_MAX
 * bytes of room (0 if the program wants no address), namelen set to the
 * address's full size. flags: recv sets MSG_TRUNC when a datagram was
 * longer than the buffers. */
struct uk_sock_msg {
	const struct uk_iovec *iov;
	size_t iovlen;
	void *name;
	uint32_t namelen;
	int flags;
};

/* Every operation may be 0: the call then fails with EOPNOTSUPP. Addresses
 * are kernel copies; an address operation writes at most *len bytes (in:
 * the room, at most UK_SOCKADDR_MAX) and sets *len to the full size. An
 * option value val may be 0 when the program's pointer was bad (the family
 * says EINVAL or EFAULT, as Linux would, by the length). */
struct uk_sock_ops {
	struct uk_file_ops file; /* file.flags has UK_FILE_SOCKET | UK_FILE_WAITS */
	long (*bind)(struct uk_file *f, const void *sa, uint32_t len);
	long (*connect)(struct uk_file *f, const void *sa, uint32_t len);
	long (*listen)(struct uk_file *f, int backlog);
	/* a new connection (one reference, flags as given) and its peer */
	long (*accept)(struct uk_file *f, struct uk_file **conn, unsigned flags, void *sa,
		       uint32_t *len);
	long (*shutdown)(struct uk_file *f, int how);
	long (*name)(struct uk_file *f, int peer, void *sa, uint32_t *len);
	long (*getsockopt)(struct uk_file *f, int level, int opt, void *val, uint32_t *len);
	long (*setsockopt)(struct uk_file *f, int level, int opt, const void *val, uint32_t len);
	long (*sendmsg)(struct uk_file *f, struct uk_sock_msg *m, int flags);
	long (*recvmsg)(struct uk_file *f, struct uk_sock_msg *m, int flags);
};

static inline const struct uk_sock_ops *uk_sock_ops(const struct uk_file *f)
{
	return (const struct uk_sock_ops *)f->ops;
}

struct uk_sock_family {
	int domain; /* UK_AF_* */
	/* a new socket of type (flags taken off) with UK_O_NONBLOCK in flags
	 * or not: its file (one reference) */
	long (*socket)(int type, int protocol, unsigned flags, struct uk_file **f);
	/* 0: EOPNOTSUPP, as Linux says for AF_INET */
	long (*socketpair)(int type, int protocol, unsigned flags, struct uk_file *f[2]);
};

/* EPIPE from a send: Linux also raises SIGPIPE unless MSG_NOSIGNAL
 * (syscall.h: delivered by the signal group, else its default action). */
void uk_signal_raise_self(int sig);
static inline long uk_sock_epipe(int flags)
{
	if (!(flags & UK_MSG_NOSIGNAL))
		uk_signal_raise_self(13 /* SIGPIPE */);
	return -EPIPE;
}

/* getsockopt/setsockopt values as Linux copies them (sockopt.c): out,
 * as much as *len holds (and *len written back); in, EINVAL when len is
 * short of the value, EFAULT without one; the timeouts as struct
 * timeval in nanoseconds (EDOM for usec outside 0..999999). */
long uk_sockopt_out(const void *v, uint32_t n, void *val, uint32_t *len);
long uk_sockopt_int_out(int v, void *val, uint32_t *len);
long uk_sockopt_in(void *v, uint32_t n, const void *val, uint32_t len);
long uk_sockopt_timeo_out(uint64_t ns, void *val, uint32_t *len);
long uk_sockopt_timeo_in(const void *val, uint32_t len, uint64_t *ns);

/* Makes domain's socket() work; a second family for one domain replaces
 * the first. Called before main (a constructor of the family's anchor). */
void uk_sock_register(const struct uk_sock_family *fam);

#endif
