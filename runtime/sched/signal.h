/* Signals (the signal group, kernel/sys_signal.h): process-wide actions,
 * per-thread masks and pending sets, delivery on the way back to program
 * code (sigframe.c), the waits (sigwait.c), timers (itimer.c, ptimer.c).
 * Linux's x86_64 ABI throughout: 64 signals, 8-byte kernel sigsets. */
#ifndef UK_SCHED_SIGNAL_H
#define UK_SCHED_SIGNAL_H

#include "kernel.h"
#include "trapframe.h"

#define UK_NSIG 64
#define UK_SIGBIT(s) (1ull << ((s) - 1))

enum {
	UK_SIGHUP = 1, UK_SIGINT, UK_SIGQUIT, UK_SIGILL, UK_SIGTRAP, UK_SIGABRT, UK_SIGBUS,
	UK_SIGFPE, UK_SIGKILL, UK_SIGUSR1, UK_SIGSEGV, UK_SIGUSR2, UK_SIGPIPE, UK_SIGALRM,
	UK_SIGTERM, UK_SIGSTKFLT, UK_SIGCHLD, UK_SIGCONT, UK_SIGSTOP, UK_SIGTSTP, UK_SIGTTIN,
	UK_SIGTTOU, UK_SIGURG, UK_SIGXCPU, UK_SIGXFSZ, UK_SIGVTALRM, UK_SIGPROF, UK_SIGWINCH,
	UK_SIGIO, UK_SIGPWR, UK_SIGSYS
};
#define UK_UNBLOCKABLE (UK_SIGBIT(UK_SIGKILL) | UK_SIGBIT(UK_SIGSTOP))

/* si_code values */
#define UK_SI_USER   0
#define UK_SI_KERNEL 0x80
#define UK_SI_QUEUE  (-1)
#define UK_SI_TIMER  (-2)
#define UK_SI_TKILL  (-6)

/* Linux's siginfo_t, 128 bytes: the union's members that uk fills. */
struct uk_siginfo {
	int32_t signo, errno_, code, pad;
	union {
		struct { int32_t pid; uint32_t uid; uint64_t value; } kill; /* and queue */
		struct { int32_t tid; int32_t overrun; uint64_t value; } timer;
		struct { uint64_t addr; } fault;
		uint8_t bytes[112];
	};
};
_Static_assert(sizeof(struct uk_siginfo) == 128, "siginfo_t, x86_64");

/* The kernel's struct sigaction for rt_sigaction (x86_64). */
struct uk_sigaction {
	uint64_t handler, flags, restorer, mask;
};
#define UK_SIG_DFL 0
#define UK_SIG_IGN 1
#define UK_SA_SIGINFO   0x4u
#define UK_SA_ONSTACK   0x08000000u
#define UK_SA_RESTART   0x10000000u
#define UK_SA_NODEFER   0x40000000u
#define UK_SA_RESETHAND 0x80000000u
#define UK_SA_RESTORER  0x04000000u

struct uk_stack_t {
	uint64_t sp;
	int32_t flags, pad;
	uint64_t size;
};
#define UK_SS_ONSTACK    1
#define UK_SS_DISABLE    2
#define UK_SS_AUTODISARM (1u << 31)

/* A set of pending signals with the siginfo of each; a real-time signal
 * (32 and up) sent again while pending queues its further instances, in
 * order, as Linux does (up to UK_SIGQUEUE of them; a standard one pending
 * is not sent again). */
#define UK_SIGRT 32
#define UK_SIGQUEUE 32
/* What a pending signal keeps of its siginfo: Linux's kernel_siginfo, the
 * three ints and the 32-byte union (every field uk sets is there); the
 * rest of the 128 bytes reaches the program as zeros, as from Linux. */
struct uk_sigrec {
	int32_t signo, errno_, code, pad;
	uint8_t fields[32];
};
_Static_assert(offsetof(struct uk_siginfo, kill) == 16 && sizeof(((struct uk_siginfo *)0)->kill) <= 32 &&
		       sizeof(((struct uk_siginfo *)0)->timer) <= 32,
	       "a record holds what uk puts in a siginfo");
struct uk_sigpending {
	uint64_t set;
	struct uk_sigrec info[UK_NSIG];
	unsigned nqueued;
	struct uk_sigrec queued[UK_SIGQUEUE]; /* oldest first, signo says which */
};

/* Per thread. With threads (sched/thread.c) each has its own. */
struct uk_sigthread {
	uint64_t blocked;
	uint64_t saved;      /* the mask to restore after sigsuspend's wait */
	int restore_saved;   /* saved is to be restored on the way out */
	int tid;
	struct uk_sigpending pending;
	struct uk_stack_t altstack;
};

/* The caller's state. The runtime's single thread unless sched/ defines
 * these (strong) for its threads; uk_sig_thread(tid) 0 when none. With
 * threads, the scheduler also provides (all optional):
 *   uk_sig_wake(t)  a signal is now pending for t (0: for the process, any
 *                   thread not blocking it): a thread waiting in uk_wait
 *                   should look again, it will end with EINTR
 *   and calls uk_sig_deliver(frame) on the way back to program code from
 *   an interrupt (after uk_timers_run_due), as entry.S calls
 *   uk_sig_syscall_exit after a system call. */
struct uk_sigthread *uk_sig_self(void);
struct uk_sigthread *uk_sig_thread(int tid);
void uk_sig_wake(struct uk_sigthread *t) __attribute__((weak));

extern struct uk_sigaction uk_sig_actions[UK_NSIG + 1];
extern struct uk_sigpending uk_sig_process; /* sent to the process */

/* Generates sig (to the process when t is 0) with info (code, pid, ...;
 * signo is set here). 1 if it is now pending with this info, 0 if
 * discarded (ignored, or a standard signal pending already), -EAGAIN when
 * a real-time signal finds the queue full. */
long uk_sig_send(struct uk_sigthread *t, int sig, const struct uk_siginfo *info);
/* Unblocked pending signals of t: 0 when none. */
uint64_t uk_sig_deliverable(const struct uk_sigthread *t);
/* Takes the lowest of set pending for t (its own first), 0 when none. */
int uk_sig_dequeue(struct uk_sigthread *t, uint64_t set, struct uk_siginfo *out);
/* The thread's mask while a call waits (sigsuspend, ppoll...): the one
 * before comes back on the way out. */
void uk_sig_mask_for_call(uint64_t mask);
/* The default action of sig: returns for the ignored, else ends the VM. */
void uk_sig_default(int sig);
/* 1 if the default action of sig is to ignore it */
int uk_sig_ignored_default(int sig);

/* sigwait.c: a timespec of what is left until deadline (nanosleep's) */
void uk_sig_time_left(void *rem, uint64_t deadline);

/* signalfd.c: a signal became pending, the signalfds' watchers hear it */
void uk_signalfd_wake(void);

/* sigframe.c: enters the handler of sig through f (the frame is left by
 * iretq afterwards). */
void uk_sig_enter(struct uk_trapframe *f, int sig, const struct uk_siginfo *info);
/* Delivers what is deliverable to the current thread through f, a frame
 * of program code interrupted (an interrupt's, once there are such) or
 * of a finished system call. 1 if it entered a handler. */
int uk_sig_deliver(struct uk_trapframe *f);

/* sigtimer.c: timers that interrupt program code. _on: a system call
 * armed a signal timer; _rearm: on the way back to program code, the
 * CPU's timer for the earliest; _forget: a halt re-armed it; _next: the
 * earliest timer (UK_FOREVER: none), for the scheduler's slice timer. */
void uk_sig_timers_on(void);
void uk_sig_timer_rearm(void);
void uk_sig_timer_forget(void);
uint64_t uk_sig_timer_next(void);

/* ptimer.c: a timer's signal was taken; fills the overrun */
void uk_ptimer_taken(struct uk_siginfo *info) __attribute__((weak));

static inline int uk_sig_bad(long sig)
{
	return sig < 1 || sig > UK_NSIG;
}

#endif
