/* Signal timers that interrupt program code. Once alarm, setitimer or
 * timer_settime arms one, program code runs with interrupts on and the
 * local APIC timer is armed for the earliest timer (uk_timers) on the way
 * back to it, so that a program spinning without system calls still gets
 * its SIGALRM: the interrupt fires what is due and delivers on the way
 * back (uk_sig_deliver). While the scheduler slices (sched.c, a second
 * thread) its stub takes the interrupt and arms the timer for whichever
 * comes first, a slice's end or a timer (uk_sig_timer_next). */
#include "cpu.h"
#include "irq.h"
#include "kernel.h"
#include "signal.h"
#include "trapframe.h"
#include "wait.h"

#define VEC_TIMER 32
#define RFLAGS_IF (1ul << 9)
#define MIN_AHEAD_NS 20000 /* an interrupt due now, armed a little later */

extern char uk_sig_timer_stub[]; /* sigtimer.S */
void uk_timer_oneshot(uint64_t now, uint64_t deadline); /* arch/x86_64/time.c */
void uk_timer_irq(void);
/* sched.c's, with threads: 1 when its slice timer owns the interrupt
 * (it has armed the timer for what comes first) */
int uk_sched_rearm(void) __attribute__((weak));

static int on;         /* a signal timer was armed: program code is interruptible */
static uint64_t hw_at; /* what the timer is armed for; 0: not known */

uint64_t uk_sig_timer_next(void)
{
	return on && uk_timers ? uk_timers->when : UK_FOREVER;
}

/* itimer.c and ptimer.c, from the system call that armed a timer */
void uk_sig_timers_on(void)
{
	uk_syscall_frame()->rflags |= RFLAGS_IF; /* clone copies it to new threads */
	if (on)
		return;
	on = 1;
	if (!(uk_sched_rearm && uk_sched_rearm())) {
		uk_halt_until(0); /* sets up the local APIC */
		uk_idt_set(VEC_TIMER, uk_sig_timer_stub);
	}
}

/* uk_wait_cpu asks before every halt (signal.c's uk_sig_interrupts): the
 * halt arms the timer for its own deadline */
void uk_sig_timer_forget(void)
{
	hw_at = 0;
}

static void arm_for(uint64_t now, uint64_t at)
{
	if (at < now + MIN_AHEAD_NS)
		at = now + MIN_AHEAD_NS; /* else it could fire again at once, forever */
	uk_timer_oneshot(now, at);
	hw_at = at;
}

/* On the way back to program code: the timer armed for the earliest. */
void uk_sig_timer_rearm(void)
{
	if (!on || (uk_sched_rearm && uk_sched_rearm()))
		return;
	uint64_t next = uk_sig_timer_next();
	if (next != UK_FOREVER && next != hw_at)
		arm_for(uk_monotonic_ns(), next);
}

/* sigtimer.S: the timer's interrupt; frame: rip, cs, rflags, rsp, ss.
 * 1: program code was interrupted, uk_sig_timer_frame follows. Runtime
 * code runs with interrupts off but for a halt and the last instructions
 * of a system call's return, on the kernel stack. */
int uk_sig_timer(const uint64_t *frame)
{
	uk_timer_irq(); /* end of interrupt */
	hw_at = 0;
	uint64_t rsp = frame[3];
	if (rsp > uk_kernel_stack.bottom && rsp <= uk_kernel_stack.top) {
		/* a halt arms it again; a return is about to reach program code */
		if (uk_timers)
			arm_for(uk_monotonic_ns(), uk_timers->when);
		return 0;
	}
	return 1;
}

/* f: the interrupted program code's whole frame, on the kernel stack */
void uk_sig_timer_frame(struct uk_trapframe *f)
{
	uk_wait_cpu(0, 0, 0); /* fires what is due, polls: no runtime code was interrupted */
	uk_sig_timer_rearm();
	uk_sig_deliver(f);
}
