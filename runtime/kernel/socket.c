/* The socket system calls (group net, socket.h): descriptors, the checks
 * and copies of what the program passed, then the socket's operations.
 * The families are whatever registered; none is in the core. */
#include "socket.h"

#include "syscall.h"

#define MAX_FAMILIES 4
#define IOV_MAX      1024

static const struct uk_sock_family *families[MAX_FAMILIES];

__uk_cold void uk_sock_register(const struct uk_sock_family *fam)
{
	for (unsigned i = 0; i < MAX_FAMILIES; i++)
		if (!families[i] || families[i]->domain == fam->domain) {
			families[i] = fam;
			return;
		}
}

static const struct uk_sock_family *family(long domain)
{
	for (unsigned i = 0; i < MAX_FAMILIES && families[i]; i++)
		if (families[i]->domain == domain)
			return families[i];
	return 0;
}

/* The socket behind fd: 0 with *e = -EBADF or -ENOTSOCK otherwise. */
static struct uk_file *sock_of(long fd, long *e)
{
	struct uk_file *f = uk_fd_get(fd);
	*e = !f ? -EBADF : !(f->ops->flags & UK_FILE_SOCKET) ? -ENOTSOCK : 0;
	return *e ? 0 : f;
}

/* move_addr_to_kernel: at most UK_SOCKADDR_MAX bytes */
static long addr_in(long uaddr, long ulen, void *k)
{
	if (ulen < 0 || ulen > UK_SOCKADDR_MAX)
		return -EINVAL;
	if (ulen && uk_bad_user(uaddr, (uint64_t)ulen))
		return -EFAULT;
	if (ulen)
		uk_memcpy(k, (const void *)uaddr, (size_t)ulen);
	return 0;
}

/* move_addr_to_user: as much of the address as the room says, then its
 * full size in *ulen */
static long addr_out(const void *k, uint32_t klen, long uaddr, long ulen)
{
	if (uk_bad_user(ulen, sizeof(int)))
		return -EFAULT;
	int room = *(int *)ulen;
	if (room < 0)
		return -EINVAL;
	uint32_t n = (uint32_t)room < klen ? (uint32_t)room : klen;
	if (n) {
		if (uk_bad_user(uaddr, n))
			return -EFAULT;
		uk_memcpy((void *)uaddr, k, n);
	}
	*(int *)ulen = (int)klen;
	return 0;
}

/* Installs a new socket, or drops it when no descriptor is free. */
static long install(struct uk_file *f, unsigned flags)
{
	long fd = uk_fd_install(f, 0, flags & UK_SOCK_CLOEXEC ? UK_FD_CLOEXEC : 0);
	if (fd < 0)
		uk_file_put(f);
	return fd;
}

/* socket(2)'s checks on type, in Linux's order after the family's */
static long split_type(long type, int *t, unsigned *flags)
{
	*flags = (unsigned)(type & ~UK_SOCK_TYPE_MASK);
	*t = (int)(type & UK_SOCK_TYPE_MASK);
	if (*flags & ~(unsigned)(UK_SOCK_NONBLOCK | UK_SOCK_CLOEXEC))
		return -EINVAL;
	return 0;
}

SYSCALL(socket)
{
	int type;
	unsigned flags;
	long e = split_type(a[1], &type, &flags);
	if (e)
		return e;
	if (a[0] < 0 || a[0] >= UK_AF_MAX)
		return -EAFNOSUPPORT;
	if (type >= UK_SOCK_MAX)
		return -EINVAL;
	const struct uk_sock_family *fam = family(a[0]);
	if (!fam)
		return -EAFNOSUPPORT;
	struct uk_file *f;
	e = fam->socket(type, (int)a[2], flags & UK_SOCK_NONBLOCK, &f);
	return e ? e : install(f, flags);
}

SYSCALL(socketpair)
{
	int type;
	unsigned flags;
	long e = split_type(a[1], &type, &flags);
	if (e)
		return e;
	if (a[0] < 0 || a[0] >= UK_AF_MAX)
		return -EAFNOSUPPORT;
	if (type >= UK_SOCK_MAX)
		return -EINVAL;
	const struct uk_sock_family *fam = family(a[0]);
	if (!fam)
		return -EAFNOSUPPORT;
	if (!fam->socketpair)
		return -EOPNOTSUPP;
	struct uk_file *f[2];
	e = fam->socketpair(type, (int)a[2], flags & UK_SOCK_NONBLOCK, f);
	if (e)
		return e;
	if (uk_bad_user(a[3], 2 * sizeof(int))) {
		uk_file_put(f[0]);
		uk_file_put(f[1]);
		return -EFAULT;
	}
	long fd0 = install(f[0], flags);
	if (fd0 < 0) {
		uk_file_put(f[1]);
		return fd0;
	}
	long fd1 = install(f[1], flags);
	if (fd1 < 0) {
		uk_fd_close(fd0);
		return fd1;
	}
	((int *)a[3])[0] = (int)fd0;
	((int *)a[3])[1] = (int)fd1;
	return 0;
}

/* bind and connect: a socket and an address in */
static long with_addr(const long *a, int connect)
{
	long e;
	struct uk_file *f = sock_of(a[0], &e);
	if (!f)
		return e;
	uint64_t sa[UK_SOCKADDR_MAX / 8];
	if ((e = addr_in(a[1], a[2], sa)))
		return e;
	const struct uk_sock_ops *o = uk_sock_ops(f);
	long (*op)(struct uk_file *, const void *, uint32_t) = connect ? o->connect : o->bind;
	return op ? op(f, sa, (uint32_t)a[2]) : -EOPNOTSUPP;
}

SYSCALL(bind)
{
	return with_addr(a, 0);
}

SYSCALL(connect)
{
	return with_addr(a, 1);
}

SYSCALL(listen)
{
	long e;
	struct uk_file *f = sock_of(a[0], &e);
	if (!f)
		return e;
	int backlog = (int)a[1];
	if (backlog < 0 || backlog > 4096) /* net.core.somaxconn */
		backlog = 4096;
	return uk_sock_ops(f)->listen ? uk_sock_ops(f)->listen(f, backlog) : -EOPNOTSUPP;
}

static long do_accept(const long *a, long flags)
{
	long e;
	if (!uk_fd_get(a[0]))
		return -EBADF;
	if (flags & ~(long)(UK_SOCK_NONBLOCK | UK_SOCK_CLOEXEC))
		return -EINVAL; /* Linux: before ENOTSOCK */
	struct uk_file *f = sock_of(a[0], &e);
	if (!f)
		return e;
	if (!uk_sock_ops(f)->accept)
		return -EOPNOTSUPP;
	uint64_t sa[UK_SOCKADDR_MAX / 8];
	uint32_t len = UK_SOCKADDR_MAX;
	struct uk_file *conn;
	e = uk_sock_ops(f)->accept(f, &conn, (unsigned)flags & UK_O_NONBLOCK, sa, &len);
	if (e)
		return e;
	/* as Linux: the connection is taken, a bad address buffer loses it */
	if (a[1] && (e = addr_out(sa, len, a[1], a[2]))) {
		uk_file_put(conn);
		return e;
	}
	return install(conn, (unsigned)flags);
}

SYSCALL(accept)
{
	return do_accept(a, 0);
}

SYSCALL(accept4)
{
	return do_accept(a, a[3]);
}

SYSCALL(shutdown)
{
	long e;
	struct uk_file *f = sock_of(a[0], &e);
	if (!f)
		return e;
	if (a[1] < UK_SHUT_RD || a[1] > UK_SHUT_RDWR)
		return -EINVAL;
	return uk_sock_ops(f)->shutdown ? uk_sock_ops(f)->shutdown(f, (int)a[1]) : -EOPNOTSUPP;
}

static long name(const long *a, int peer)
{
	long e;
	struct uk_file *f = sock_of(a[0], &e);
	if (!f)
		return e;
	if (!uk_sock_ops(f)->name)
		return -EOPNOTSUPP;
	uint64_t sa[UK_SOCKADDR_MAX / 8];
	uint32_t len = UK_SOCKADDR_MAX;
	if ((e = uk_sock_ops(f)->name(f, peer, sa, &len)))
		return e;
	return addr_out(sa, len, a[1], a[2]);
}

SYSCALL(getsockname)
{
	return name(a, 0);
}

SYSCALL(getpeername)
{
	return name(a, 1);
}

SYSCALL(setsockopt)
{
	long e;
	struct uk_file *f = sock_of(a[0], &e);
	if (!f)
		return e;
	if ((int)a[4] < 0)
		return -EINVAL;
	uint64_t val[UK_SOCKOPT_MAX / 8];
	uint32_t len = (uint32_t)(int)a[4];
	uint32_t n = len < UK_SOCKOPT_MAX ? len : UK_SOCKOPT_MAX;
	const void *v = val;
	if (n && uk_bad_user(a[3], n))
		v = 0;
	else
		uk_memcpy(val, (const void *)a[3], n);
	const struct uk_sock_ops *o = uk_sock_ops(f);
	return o->setsockopt ? o->setsockopt(f, (int)a[1], (int)a[2], v, len) : -EOPNOTSUPP;
}

SYSCALL(getsockopt)
{
	long e;
	struct uk_file *f = sock_of(a[0], &e);
	if (!f)
		return e;
	if (uk_bad_user(a[4], sizeof(int)))
		return -EFAULT;
	int room = *(int *)a[4];
	if (room < 0)
		return -EINVAL;
	uint64_t val[UK_SOCKOPT_MAX / 8];
	uint32_t len = (uint32_t)room < UK_SOCKOPT_MAX ? (uint32_t)room : UK_SOCKOPT_MAX;
	const struct uk_sock_ops *o = uk_sock_ops(f);
	if (!o->getsockopt)
		return -EOPNOTSUPP;
	if ((e = o->getsockopt(f, (int)a[1], (int)a[2], val, &len)))
		return e;
	if (len > (uint32_t)room)
		len = (uint32_t)room;
	if (len && uk_bad_user(a[3], len))
		return -EFAULT;
	uk_memcpy((void *)a[3], val, len);
	*(int *)a[4] = (int)len;
	return 0;
}

/* struct msghdr as x86_64 Linux lays it out (musl zeroes the padding) */
struct msghdr {
	void *name;
	uint32_t namelen, pad0;
	struct uk_iovec *iov;
	size_t iovlen;
	void *control;
	size_t controllen;
	int flags, pad1;
};

/* The iovec array, copied and each buffer checked. */
static long iov_in(const struct uk_iovec *uiov, size_t n, struct uk_iovec *k)
{
	if (n > IOV_MAX)
		return -EMSGSIZE;
	if (n && uk_bad_user((long)uiov, n * sizeof(*uiov)))
		return -EFAULT;
	for (size_t i = 0; i < n; i++) {
		k[i] = uiov[i];
		if ((long)k[i].len < 0)
			return -EINVAL;
		if (k[i].len && uk_bad_user((long)k[i].base, k[i].len))
			return -EFAULT;
	}
	return 0;
}

static long send_common(struct uk_file *f, struct uk_sock_msg *m, int flags)
{
	const struct uk_sock_ops *o = uk_sock_ops(f);
	return o->sendmsg ? o->sendmsg(f, m, flags) : -EOPNOTSUPP;
}

static long recv_common(struct uk_file *f, struct uk_sock_msg *m, int flags)
{
	const struct uk_sock_ops *o = uk_sock_ops(f);
	return o->recvmsg ? o->recvmsg(f, m, flags) : -EOPNOTSUPP;
}

long uk_sock_rw_vec(const long *a, int write)
{
	struct uk_file *f = uk_fd_get(a[0]);
	size_t n = (size_t)a[2];
	if (a[2] < 0 || n > IOV_MAX)
		return -EINVAL;
	struct uk_iovec *iov = uk_malloc((n ? n : 1) * sizeof(*iov));
	if (!iov)
		return -ENOMEM;
	struct uk_sock_msg m = {iov, n, 0, 0, 0};
	long r = iov_in((const struct uk_iovec *)a[1], n, iov);
	size_t total = 0;
	for (size_t i = 0; !r && i < n; i++)
		if ((long)(total += iov[i].len) < 0)
			r = -EINVAL;
	if (!r)
		r = write ? send_common(f, &m, 0) : recv_common(f, &m, 0);
	uk_free(iov);
	return r;
}

SYSCALL(sendto)
{
	long e;
	struct uk_file *f = sock_of(a[0], &e);
	if (!f)
		return e;
	struct uk_iovec iov = {(void *)a[1], (size_t)a[2]};
	if (iov.len && uk_bad_user(a[1], iov.len))
		return -EFAULT;
	uint64_t sa[UK_SOCKADDR_MAX / 8];
	struct uk_sock_msg m = {&iov, 1, 0, 0, 0};
	if (a[4]) {
		if ((e = addr_in(a[4], a[5], sa)))
			return e;
		m.name = sa;
		m.namelen = (uint32_t)a[5];
	}
	return send_common(f, &m, (int)a[3]);
}

SYSCALL(recvfrom)
{
	long e;
	struct uk_file *f = sock_of(a[0], &e);
	if (!f)
		return e;
	struct uk_iovec iov = {(void *)a[1], (size_t)a[2]};
	if (iov.len && uk_bad_user(a[1], iov.len))
		return -EFAULT;
	uint64_t sa[UK_SOCKADDR_MAX / 8];
	struct uk_sock_msg m = {&iov, 1, a[4] ? sa : 0, 0, 0};
	long r = recv_common(f, &m, (int)a[3]);
	/* as Linux: a kind that names no sender (TCP, a pair) says length 0 */
	if (r >= 0 && a[4] && (e = addr_out(sa, m.namelen, a[4], a[5])))
		return e;
	return r;
}

SYSCALL(sendmsg)
{
	long e;
	struct uk_file *f = sock_of(a[0], &e);
	if (!f)
		return e;
	if (uk_bad_user(a[1], sizeof(struct msghdr)))
		return -EFAULT;
	const struct msghdr *h = (const struct msghdr *)a[1];
	if (h->iovlen > IOV_MAX)
		return -EMSGSIZE;
	struct uk_iovec *iov = uk_malloc((h->iovlen ? h->iovlen : 1) * sizeof(*iov));
	if (!iov)
		return -ENOMEM;
	uint64_t sa[UK_SOCKADDR_MAX / 8];
	struct uk_sock_msg m = {iov, h->iovlen, 0, 0, 0};
	e = iov_in(h->iov, h->iovlen, iov);
	if (!e && h->name && h->namelen) {
		e = addr_in((long)h->name, (int)h->namelen, sa);
		m.name = sa;
		m.namelen = h->namelen;
	}
	if (!e)
		e = send_common(f, &m, (int)a[2]);
	uk_free(iov);
	return e;
}

SYSCALL(recvmsg)
{
	long e;
	struct uk_file *f = sock_of(a[0], &e);
	if (!f)
		return e;
	if (uk_bad_user(a[1], sizeof(struct msghdr)))
		return -EFAULT;
	struct msghdr *h = (struct msghdr *)a[1];
	if (h->iovlen > IOV_MAX)
		return -EMSGSIZE;
	struct uk_iovec *iov = uk_malloc((h->iovlen ? h->iovlen : 1) * sizeof(*iov));
	if (!iov)
		return -ENOMEM;
	uint64_t sa[UK_SOCKADDR_MAX / 8];
	struct uk_sock_msg m = {iov, h->iovlen, h->name ? sa : 0, 0, 0};
	long r = iov_in(h->iov, h->iovlen, iov);
	if (!r)
		r = recv_common(f, &m, (int)a[2] & ~UK_MSG_CMSG_CLOEXEC);
	uk_free(iov);
	if (r < 0)
		return r;
	if (h->name) {
		uint32_t n = m.namelen < h->namelen ? m.namelen : h->namelen;
		if (n && uk_bad_user((long)h->name, n))
			return -EFAULT;
		uk_memcpy(h->name, sa, n);
		h->namelen = m.namelen;
	}
	h->controllen = 0; /* no control messages yet */
	h->flags = m.flags;
	return r;
}
