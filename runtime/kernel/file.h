/* Open files and the descriptor table: every kind of descriptor (console,
 * files, directories, pipes, eventfd, timerfd, epoll, sockets) is a
 * struct uk_file with a table of operations. The system calls in
 * syscall_fd.c work on any of them through these operations; blocking is
 * always "wait until poll() says ready" through uk_wait (wait.h). */
#ifndef UK_FILE_H
#define UK_FILE_H

#include "kernel.h"

/* open(2) flags (x86_64 values) */
#define UK_O_ACCMODE   03
#define UK_O_RDONLY    00
#define UK_O_WRONLY    01
#define UK_O_RDWR      02
#define UK_O_CREAT     0100
#define UK_O_EXCL      0200
#define UK_O_NOCTTY    0400
#define UK_O_TRUNC     01000
#define UK_O_APPEND    02000
#define UK_O_NONBLOCK  04000
#define UK_O_DSYNC     010000
#define UK_O_DIRECT    040000
#define UK_O_LARGEFILE 0100000
#define UK_O_DIRECTORY 0200000
#define UK_O_NOFOLLOW  0400000
#define UK_O_NOATIME   01000000
#define UK_O_CLOEXEC   02000000
#define UK_O_PATH      010000000
#define UK_O_TMPFILE   020200000
/* what F_SETFL may change */
#define UK_O_SETFL_MASK (UK_O_APPEND | UK_O_NONBLOCK | UK_O_DIRECT | UK_O_NOATIME | UK_O_DSYNC)

/* readiness: poll(2) bits, equal to the EPOLL* ones */
#define UK_POLLIN     0x001
#define UK_POLLPRI    0x002
#define UK_POLLOUT    0x004
#define UK_POLLERR    0x008
#define UK_POLLHUP    0x010
#define UK_POLLNVAL   0x020
#define UK_POLLRDNORM 0x040
#define UK_POLLWRNORM 0x100
#define UK_POLLRDHUP  0x2000
/* not readiness: told to hooks when the file's last reference goes
 * (uk_file_put); the hook is already off the list and must forget f */
#define UK_POLLFREE   0x4000

/* struct stat as x86_64 Linux lays it out */
struct uk_stat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	int64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	int64_t reserved[3];
};
_Static_assert(sizeof(struct uk_stat) == 144, "struct stat, x86_64");

#define UK_S_IFMT   0170000
#define UK_S_IFSOCK 0140000
#define UK_S_IFLNK  0120000
#define UK_S_IFREG  0100000
#define UK_S_IFBLK  0060000
#define UK_S_IFDIR  0040000
#define UK_S_IFCHR  0020000
#define UK_S_IFIFO  0010000

struct uk_file;

/* Every operation but poll and release may be 0: the system call then
 * fails as Linux fails it for a descriptor that cannot do it. read and
 * write return a count or -errno; -EAGAIN means "not now", and the caller
 * waits for readiness unless the file is O_NONBLOCK. `off` is the
 * position to use for files that have one (UK_FILE_SEEKABLE); streams
 * ignore it. */
struct uk_file_ops {
	long (*read)(struct uk_file *f, void *buf, size_t n, uint64_t off);
	long (*write)(struct uk_file *f, const void *buf, size_t n, uint64_t off);
	long (*ioctl)(struct uk_file *f, unsigned long cmd, long arg);
	long (*stat)(struct uk_file *f, struct uk_stat *st);
	/* readiness now: UK_POLL* bits (IN, OUT, ERR, HUP, RDHUP, PRI) */
	unsigned (*poll)(struct uk_file *f);
	long (*truncate)(struct uk_file *f, uint64_t len);
	long (*getdents)(struct uk_file *f, void *buf, size_t n);
	long (*sync)(struct uk_file *f);
	/* the last reference is gone: free what the file holds */
	void (*release)(struct uk_file *f);
	/* for the kinds whose read or write answer -EAGAIN to be waited for:
	 * uk_wait_file (wait.h), which uk_file_read and uk_file_write call for
	 * a blocking file; 0 where they never block or wait themselves
	 * (sockets), and so an image whose files never block links no wait */
	long (*wait)(struct uk_file *f, unsigned events, uint64_t deadline);
	unsigned flags;
	/* for a file with no node: readlink of /proc/self/fd/N says
	 * anon_inode:[NAME] ("eventfd", "timerfd", "eventpoll") */
	const char *anon_name;
};
#define UK_FILE_SEEKABLE 1 /* has a position; lseek works */
#define UK_FILE_SOCKET   2 /* ops is a struct uk_sock_ops (socket.h) */
/* read and write wait themselves (sockets' SO_RCVTIMEO): -EAGAIN from
 * them is final, they have no .wait */
#define UK_FILE_WAITS    4

/* Told when a file's readiness may have changed (epoll, later sockets and
 * sleeping threads). Called with the events that became true. */
struct uk_poll_hook {
	void (*notify)(struct uk_poll_hook *h, struct uk_file *f, unsigned events);
	struct uk_poll_hook *next;
};

struct uk_file {
	const struct uk_file_ops *ops;
	uint32_t refs;
	uint32_t flags;  /* O_ACCMODE and the status flags (O_APPEND, O_NONBLOCK) */
	uint64_t pos;    /* for UK_FILE_SEEKABLE files */
	void *priv;      /* the kind's own state */
	void *node;      /* the file-system node, for *at() calls and fchdir; 0 if none */
	struct uk_poll_hook *hooks;
};

/* A new open file with one reference, or 0 when memory is out. */
struct uk_file *uk_file_new(const struct uk_file_ops *ops, unsigned flags, void *priv);
static inline struct uk_file *uk_file_get(struct uk_file *f)
{
	f->refs++;
	return f;
}
void uk_file_put(struct uk_file *f);
/* The state of f changed: run its hooks with what is true now. */
void uk_file_notify(struct uk_file *f);
void uk_file_hook_add(struct uk_file *f, struct uk_poll_hook *h);
void uk_file_hook_remove(struct uk_file *f, struct uk_poll_hook *h);

/* read and write with blocking: waits for UK_POLLIN / UK_POLLOUT while the
 * operation says -EAGAIN, unless O_NONBLOCK. off: 0 to use and advance
 * the file position, else the position to use (pread/pwrite). */
long uk_file_read(struct uk_file *f, void *buf, size_t n, const uint64_t *off);
long uk_file_write(struct uk_file *f, const void *buf, size_t n, const uint64_t *off);

/* The descriptor table. RLIMIT_NOFILE is UK_FD_LIMIT (1024). */
#define UK_FD_LIMIT 1024
#define UK_FD_CLOEXEC 1
/* The open file behind fd, borrowed (no reference taken), or 0. */
struct uk_file *uk_fd_get(long fd);
/* Puts f at the lowest free descriptor >= min, taking over the caller's
 * reference; returns it, or -EMFILE (the caller still owns f then). */
long uk_fd_install(struct uk_file *f, long min, unsigned fdflags);
/* Puts f at fd, closing what was there (dup2); takes over the reference. */
long uk_fd_install_at(struct uk_file *f, long fd, unsigned fdflags);
long uk_fd_close(long fd);
/* readv/writev and their positioned forms (syscall_fd.c): a = the raw
 * arguments; off 0 for the file position. */
long uk_rw_vec(const long *a, int write, const uint64_t *off);
/* socket.c (group net): readv/writev on a socket as one recvmsg/sendmsg */
long uk_sock_rw_vec(const long *a, int write) __attribute__((weak));
unsigned uk_fd_flags(long fd);
void uk_fd_set_flags(long fd, unsigned fdflags);
/* The current soft limit: descriptors must stay below it. */
extern uint64_t uk_fd_limit;

/* The console (console.c): the open files behind descriptors 0, 1 and 2
 * at start. */
void uk_console_init_fds(void);

/* alloc.c: the kernel heap */
void *uk_malloc(size_t n);
void *uk_zalloc(size_t n);
void uk_free(void *p);

/* Fills st with what every kind shares: a character device, or fifo. */
void uk_stat_anon(struct uk_stat *st, uint32_t mode, uint64_t ino);

#endif
