/* signalfd and signalfd4: a file whose reads take the caller's pending
 * signals of a mask (normally blocked) as struct signalfd_siginfo, and
 * which polls readable while one is pending. Every signalfd is told when
 * a signal becomes pending (uk_sig_send), for poll hooks (epoll). */
#include "event.h"
#include "signal.h"
#include "sys_signal.h"
#include "syscall.h"

#define SFD_CLOEXEC  UK_O_CLOEXEC
#define SFD_NONBLOCK UK_O_NONBLOCK

struct signalfd_siginfo {
	uint32_t signo;
	int32_t errno_, code;
	uint32_t pid, uid;
	int32_t fd;
	uint32_t tid, band, overrun, trapno;
	int32_t status, int_;
	uint64_t ptr, utime, stime, addr;
	uint16_t addr_lsb;
	uint8_t pad[46];
};
_Static_assert(sizeof(struct signalfd_siginfo) == 128, "struct signalfd_siginfo");

struct sfd {
	uint64_t mask;
	struct uk_file *f;
	struct sfd *next;
};
static struct sfd *all;

/* The caller's: a parked thread's readiness is tested as that thread
 * (sched.c), so poll, select, epoll and a blocking read all see the
 * signals of the thread that waits, as on Linux. */
static uint64_t pending(const struct sfd *s)
{
	return (uk_sig_self()->pending.set | uk_sig_process.set) & s->mask;
}

static void fill(struct signalfd_siginfo *o, const struct uk_siginfo *i)
{
	uk_memset(o, 0, sizeof(*o));
	o->signo = (uint32_t)i->signo;
	o->errno_ = i->errno_;
	o->code = i->code;
	if (i->code == UK_SI_TIMER) {
		o->tid = (uint32_t)i->timer.tid;
		o->overrun = (uint32_t)i->timer.overrun;
		o->int_ = (int32_t)i->timer.value;
		o->ptr = i->timer.value;
	} else if (i->signo == UK_SIGSEGV || i->signo == UK_SIGBUS || i->signo == UK_SIGILL ||
		   i->signo == UK_SIGFPE || i->signo == UK_SIGTRAP) {
		o->addr = i->fault.addr;
	} else {
		o->pid = (uint32_t)i->kill.pid;
		o->uid = i->kill.uid;
		o->int_ = (int32_t)i->kill.value;
		o->ptr = i->kill.value;
	}
}

static long sfd_read(struct uk_file *f, void *buf, size_t n, uint64_t off)
{
	(void)off;
	struct sfd *s = f->priv;
	if (n < sizeof(struct signalfd_siginfo))
		return -EINVAL;
	size_t done = 0;
	struct uk_siginfo info;
	while (n - done >= sizeof(struct signalfd_siginfo) &&
	       uk_sig_dequeue(uk_sig_self(), s->mask, &info)) {
		fill((struct signalfd_siginfo *)((char *)buf + done), &info);
		done += sizeof(struct signalfd_siginfo);
	}
	return done ? (long)done : -EAGAIN; /* uk_file_read waits */
}

static unsigned sfd_poll(struct uk_file *f)
{
	return pending(f->priv) ? UK_POLLIN | UK_POLLRDNORM : 0;
}

static long sfd_stat(struct uk_file *f, struct uk_stat *st)
{
	(void)f;
	uk_stat_anon(st, 0600, 1);
	return 0;
}

static void sfd_release(struct uk_file *f)
{
	for (struct sfd **pp = &all; *pp; pp = &(*pp)->next)
		if (*pp == f->priv) {
			*pp = (*pp)->next;
			break;
		}
	uk_free(f->priv);
}

static const struct uk_file_ops sfd_ops = {
	.read = sfd_read,
	.stat = sfd_stat,
	.poll = sfd_poll,
	.release = sfd_release,
	.wait = uk_wait_file,
	.anon_name = "[signalfd]",
};

/* signal.c, for every signal that becomes pending */
void uk_signalfd_wake(void)
{
	for (struct sfd *s = all, *next; s; s = next) {
		next = s->next;
		uk_event_wake(s->f, UK_POLLIN);
	}
}

UK_SIG_SYSCALL(signalfd4)
{
	if (a[3] & ~(long)(SFD_CLOEXEC | SFD_NONBLOCK) || a[2] != 8)
		return -EINVAL;
	if (uk_bad_user(a[1], 8))
		return -EFAULT;
	uint64_t mask = *(const uint64_t *)a[1] & ~UK_UNBLOCKABLE;
	if (a[0] != -1) {
		struct uk_file *f = uk_fd_get(a[0]);
		if (!f)
			return -EBADF;
		if (f->ops != &sfd_ops)
			return -EINVAL;
		((struct sfd *)f->priv)->mask = mask;
		uk_event_wake(f, UK_POLLIN);
		return a[0];
	}
	struct sfd *s = uk_zalloc(sizeof(*s));
	struct uk_file *f = s ? uk_file_new(&sfd_ops, UK_O_RDONLY | (a[3] & SFD_NONBLOCK), s) : 0;
	if (!f) {
		uk_free(s);
		return -ENOMEM;
	}
	s->mask = mask;
	s->f = f;
	long fd = uk_fd_install(f, 0, (a[3] & SFD_CLOEXEC) ? UK_FD_CLOEXEC : 0);
	if (fd < 0) {
		uk_file_put(f);
		return fd;
	}
	s->next = all;
	all = s;
	return fd;
}

UK_SIG_SYSCALL(signalfd)
{
	return sig_signalfd4((const long[]){a[0], a[1], a[2], 0});
}
