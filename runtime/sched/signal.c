/* Signal state, generation and the calls that set or send signals:
 * rt_sigaction, rt_sigprocmask, rt_sigpending, kill, tkill, tgkill,
 * rt_sigqueueinfo, rt_tgsigqueueinfo. Delivery is sigframe.c's. */
#include <uk/exit.h>

#include "signal.h"
#include "sys_signal.h"
#include "syscall.h"

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

struct uk_sigaction uk_sig_actions[UK_NSIG + 1];
struct uk_sigpending uk_sig_process;
static struct uk_sigthread main_thread = {.tid = 1, .altstack = {0, UK_SS_DISABLE, 0, 0}};

__attribute__((weak)) struct uk_sigthread *uk_sig_self(void)
{
	return &main_thread;
}

__attribute__((weak)) struct uk_sigthread *uk_sig_thread(int tid)
{
	return tid == 1 ? &main_thread : 0;
}

#define B(s) UK_SIGBIT(UK_##s)
static const uint64_t ignored_default = B(SIGCHLD) | B(SIGCONT) | B(SIGURG) | B(SIGWINCH) |
	/* no job control: the stop signals change nothing */
	B(SIGSTOP) | B(SIGTSTP) | B(SIGTTIN) | B(SIGTTOU);
static const uint64_t dumps_core = B(SIGQUIT) | B(SIGILL) | B(SIGTRAP) | B(SIGABRT) |
	B(SIGBUS) | B(SIGFPE) | B(SIGSEGV) | B(SIGXCPU) | B(SIGXFSZ) | B(SIGSYS);
/* taken first, as Linux does: what the program's own instruction caused */
static const uint64_t synchronous = B(SIGSEGV) | B(SIGBUS) | B(SIGILL) | B(SIGTRAP) |
	B(SIGFPE) | B(SIGSYS);

int uk_sig_ignored_default(int sig)
{
	return sig <= 31 && (ignored_default & UK_SIGBIT(sig));
}

static const char names[] = "HUP\0INT\0QUIT\0ILL\0TRAP\0ABRT\0BUS\0FPE\0KILL\0USR1\0SEGV\0"
			    "USR2\0PIPE\0ALRM\0TERM\0STKFLT\0CHLD\0CONT\0STOP\0TSTP\0TTIN\0"
			    "TTOU\0URG\0XCPU\0XFSZ\0VTALRM\0PROF\0WINCH\0IO\0PWR\0SYS";

__uk_cold static const char *name_of(int sig)
{
	const char *p = names;
	for (int i = 1; i < sig; i++)
		p += uk_strlen(p) + 1;
	return p;
}

__uk_cold void uk_sig_default(int sig)
{
	if (uk_sig_ignored_default(sig))
		return;
	if (sig <= 31 && (dumps_core & UK_SIGBIT(sig))) {
		char why[12] = "SIG";
		uk_memcpy(why + 3, name_of(sig), uk_strlen(name_of(sig)) + 1);
		uk_die_signal(sig, sig == UK_SIGABRT ? "abort" : why);
	}
	if (sig <= 31)
		uk_printk("uk: terminated by SIG%s\n", name_of(sig));
	else
		uk_printk("uk: terminated by signal %d\n", sig);
	uk_plat_exit(128 + sig);
}

static int ignored(int sig)
{
	const struct uk_sigaction *a = &uk_sig_actions[sig];
	return a->handler == UK_SIG_IGN || (a->handler == UK_SIG_DFL && uk_sig_ignored_default(sig));
}

long uk_sig_send(struct uk_sigthread *t, int sig, const struct uk_siginfo *info)
{
	uint64_t bit = UK_SIGBIT(sig);
	if (!((t ? t : uk_sig_self())->blocked & bit) && ignored(sig))
		return 0; /* a blocked one stays: the action may change before it is taken */
	struct uk_sigpending *p = t ? &t->pending : &uk_sig_process;
	struct uk_sigrec *to = &p->info[sig - 1];
	if (p->set & bit) {
		if (sig < UK_SIGRT)
			return 0; /* pending already: one instance */
		if (p->nqueued == UK_SIGQUEUE)
			return -EAGAIN;
		to = &p->queued[p->nqueued++];
	}
	p->set |= bit;
	uk_memcpy(to, info, sizeof(*to));
	to->signo = sig;
	if (uk_sig_wake)
		uk_sig_wake(t);
	uk_signalfd_wake();
	return 1;
}

/* the next instance of a real-time signal taken: its queued one moves up */
static void take(struct uk_sigpending *p, int sig)
{
	for (unsigned i = 0; i < p->nqueued; i++)
		if (p->queued[i].signo == sig) {
			p->info[sig - 1] = p->queued[i];
			p->nqueued--;
			for (; i < p->nqueued; i++)
				p->queued[i] = p->queued[i + 1];
			return;
		}
	p->set &= ~UK_SIGBIT(sig);
}

uint64_t uk_sig_deliverable(const struct uk_sigthread *t)
{
	return (t->pending.set | uk_sig_process.set) & ~t->blocked;
}

static int lowest(uint64_t set)
{
	if (set & synchronous)
		set &= synchronous;
	return set ? __builtin_ctzll(set) + 1 : 0;
}

int uk_sig_dequeue(struct uk_sigthread *t, uint64_t set, struct uk_siginfo *out)
{
	struct uk_sigpending *p = &t->pending;
	int sig = lowest(p->set & set);
	if (!sig) {
		p = &uk_sig_process;
		sig = lowest(p->set & set);
	}
	if (!sig)
		return 0;
	uk_memset(out, 0, sizeof(*out));
	uk_memcpy(out, &p->info[sig - 1], sizeof(p->info[0]));
	take(p, sig);
	if (out->code == UK_SI_TIMER && uk_ptimer_taken)
		uk_ptimer_taken(out);
	return sig;
}

/* uk_wait (kernel/wait.c) asks: a blocking call ends with EINTR */
int uk_sig_interrupts(void)
{
	uk_sig_timer_forget(); /* it halts next */
	return uk_sig_deliverable(uk_sig_self()) != 0;
}

/* uk_wait_nointr (kernel/wait.c): every signal blocked while the runtime
 * waits for itself, none lost */
uint64_t uk_sig_swap_mask(uint64_t mask)
{
	struct uk_sigthread *t = uk_sig_self();
	uint64_t old = t->blocked;
	t->blocked = mask;
	return old;
}

/* ppoll, pselect6, epoll_pwait (kernel/poll.c) and rt_sigsuspend: the
 * mask while the call waits; the one before is back on the way out
 * (sigframe.c), after the handlers of an EINTR ran */
void uk_sig_mask_for_call(uint64_t mask)
{
	struct uk_sigthread *t = uk_sig_self();
	t->saved = t->blocked;
	t->restore_saved = 1;
	t->blocked = mask & ~UK_UNBLOCKABLE;
}

/* EPIPE and the like (kernel/syscall_proc.c calls this when linked) */
void uk_sig_raise(int sig)
{
	struct uk_siginfo info = {.code = UK_SI_USER, .kill = {1, 0, 0}};
	uk_sig_send(uk_sig_self(), sig, &info);
}

static void discard_in(struct uk_sigpending *p, int sig)
{
	p->set &= ~UK_SIGBIT(sig);
	unsigned k = 0;
	for (unsigned i = 0; i < p->nqueued; i++)
		if (p->queued[i].signo != sig)
			p->queued[k++] = p->queued[i];
	p->nqueued = k;
}

static void discard(int sig)
{
	discard_in(&uk_sig_process, sig);
	discard_in(&uk_sig_self()->pending, sig);
}

UK_SIG_SYSCALL(rt_sigaction)
{
	long sig = a[0];
	if (a[3] != 8)
		return -EINVAL;
	if ((a[1] && uk_bad_user(a[1], sizeof(struct uk_sigaction))) ||
	    (a[2] && uk_bad_user(a[2], sizeof(struct uk_sigaction))))
		return -EFAULT;
	if (uk_sig_bad(sig) || (a[1] && (sig == UK_SIGKILL || sig == UK_SIGSTOP)))
		return -EINVAL;
	struct uk_sigaction old = uk_sig_actions[sig];
	if (a[1]) {
		struct uk_sigaction *n = &uk_sig_actions[sig];
		*n = *(const struct uk_sigaction *)a[1];
		n->mask &= ~UK_UNBLOCKABLE;
		if (ignored((int)sig))
			discard((int)sig); /* POSIX: pending ones go too */
	}
	if (a[2])
		*(struct uk_sigaction *)a[2] = old;
	return 0;
}

UK_SIG_SYSCALL(rt_sigprocmask)
{
	struct uk_sigthread *t = uk_sig_self();
	uint64_t old = t->blocked;
	if (a[3] != 8)
		return -EINVAL;
	if (a[1]) {
		if (uk_bad_user(a[1], 8))
			return -EFAULT;
		uint64_t set = *(const uint64_t *)a[1] & ~UK_UNBLOCKABLE;
		switch (a[0]) {
		case SIG_BLOCK: t->blocked |= set; break;
		case SIG_UNBLOCK: t->blocked &= ~set; break;
		case SIG_SETMASK: t->blocked = set; break;
		default: return -EINVAL;
		}
	}
	if (a[2]) {
		if (uk_bad_user(a[2], 8))
			return -EFAULT;
		*(uint64_t *)a[2] = old;
	}
	return 0;
}

UK_SIG_SYSCALL(rt_sigpending)
{
	const struct uk_sigthread *t = uk_sig_self();
	if ((unsigned long)a[1] > 8)
		return -EINVAL;
	if (uk_bad_user(a[0], (uint64_t)a[1]))
		return -EFAULT;
	uint64_t set = (t->pending.set | uk_sig_process.set) & t->blocked;
	uk_memcpy((void *)a[0], &set, (size_t)a[1]);
	return 0;
}

static long send(struct uk_sigthread *t, long sig, int code)
{
	if (sig < 0 || sig > UK_NSIG)
		return -EINVAL;
	if (sig) {
		struct uk_siginfo info = {.code = code, .kill = {1, 0, 0}};
		uk_sig_send(t, (int)sig, &info);
	}
	return 0;
}

/* pid 1 is the image's process, 0 its group; -1 is every process but
 * init and the caller, as Linux has it: none here, so ESRCH before the
 * signal is even checked, as Linux answers a lone pid 1 */
UK_SIG_SYSCALL(kill)
{
	if (a[0] != 1 && a[0] != 0)
		return -ESRCH;
	return send(0, a[1], UK_SI_USER);
}

UK_SIG_SYSCALL(tkill)
{
	if (a[0] <= 0)
		return -EINVAL;
	struct uk_sigthread *t = uk_sig_thread((int)a[0]);
	return t ? send(t, a[1], UK_SI_TKILL) : -ESRCH;
}

UK_SIG_SYSCALL(tgkill)
{
	if (a[0] <= 0 || a[1] <= 0)
		return -EINVAL;
	struct uk_sigthread *t = a[0] == 1 ? uk_sig_thread((int)a[1]) : 0;
	return t ? send(t, a[2], UK_SI_TKILL) : -ESRCH;
}

static long queue(struct uk_sigthread *t, long sig, long uinfo)
{
	if (uk_bad_user(uinfo, sizeof(struct uk_siginfo)))
		return -EFAULT;
	if (uk_sig_bad(sig))
		return sig ? -EINVAL : 0;
	long r = uk_sig_send(t, (int)sig, (const struct uk_siginfo *)uinfo);
	return r < 0 ? r : 0;
}

UK_SIG_SYSCALL(rt_sigqueueinfo)
{
	if (uk_bad_user(a[2], sizeof(struct uk_siginfo)))
		return -EFAULT; /* Linux copies it first */
	return a[0] == 1 ? queue(0, a[1], a[2]) : -ESRCH;
}

UK_SIG_SYSCALL(rt_tgsigqueueinfo)
{
	if (a[0] <= 0 || a[1] <= 0)
		return -EINVAL;
	if (uk_bad_user(a[3], sizeof(struct uk_siginfo)))
		return -EFAULT;
	struct uk_sigthread *t = a[0] == 1 ? uk_sig_thread((int)a[1]) : 0;
	return t ? queue(t, a[2], a[3]) : -ESRCH;
}
