/* Round robin on one CPU. The kernel is never preempted: it runs with
 * interrupts off; program code runs with them on once a second thread
 * exists, so the slice timer can take the CPU from a thread that never
 * makes a system call. A thread switches only inside the runtime, on its
 * own kernel stack (uk_sched_switch saves the callee-saved registers;
 * the rest of the program's state is in its syscall or interrupt frame). */
#include "sched.h"

#include "cpu.h"
#include "errno.h"
#include "irq.h"
#include "percpu.h"
#include "wait.h"

#define VEC_TIMER 32
#define VEC_NM    7 /* device not available: CR0.TS and an FPU instruction */

/* signal.c's, weak: without signals nothing interrupts a wait */
uint64_t uk_sig_deliverable(const struct uk_sigthread *t) __attribute__((weak));
/* sigtimer.c's, weak: the earliest signal timer, which interrupts program
 * code as a slice's end does */
uint64_t uk_sig_timer_next(void) __attribute__((weak));

/* t's test, made as t: readiness can be the caller's (a signalfd polls
 * the pending signals of the thread that polls, as Linux's `current`),
 * and a parked thread's is tested by whichever thread schedules or by the
 * idle loop. The test switches no stack and touches no FPU state. */
static int ready_as(struct uk_thread *t)
{
	struct uk_cpu *c = uk_cpu();
	struct uk_thread *running = c->current;
	c->current = t;
	int r = t->ready(t->arg);
	c->current = running;
	return r;
}

/* The outcome of t's wait if it is over: 0 ready, -EINTR for a signal it
 * does not block, -ETIMEDOUT; 1 while it goes on. */
static long wait_over(struct uk_thread *t, uint64_t now)
{
	if (t->ready && ready_as(t))
		return 0;
	if (uk_sig_deliverable && uk_sig_deliverable(&t->sig))
		return -EINTR;
	return now >= t->deadline ? -ETIMEDOUT : 1;
}

extern uint64_t uk_syscall_kstack, uk_syscall_user_rsp;

void uk_sched_ready(struct uk_thread *t)
{
	struct uk_cpu *c = uk_cpu();
	t->state = UK_THREAD_RUNNABLE;
	t->next = 0;
	if (c->run_tail)
		c->run_tail->next = t;
	else
		c->run_head = t;
	c->run_tail = t;
}

static struct uk_thread *dequeue(struct uk_cpu *c)
{
	struct uk_thread *t = c->run_head;
	if (t && !(c->run_head = t->next))
		c->run_tail = 0;
	return t;
}

/* Waiting threads whose test now passes or whose deadline has come become
 * runnable. */
static void wake_waiters(struct uk_cpu *c, uint64_t now)
{
	for (struct uk_thread **pp = &c->waiting; *pp;) {
		struct uk_thread *t = *pp;
		long r = wait_over(t, now);
		if (r != 1) {
			t->wait_result = r;
			*pp = t->next;
			uk_sched_ready(t);
			continue;
		}
		pp = &t->next;
	}
}

/* The idle CPU's test (uk_wait_cpu): can a waiting thread go on? */
static int waiter_due(void *arg)
{
	struct uk_cpu *c = arg;
	uint64_t now = uk_monotonic_ns();
	for (struct uk_thread *t = c->waiting; t; t = t->next)
		if (wait_over(t, now) != 1)
			return 1;
	return 0;
}

static uint64_t earliest_deadline(struct uk_cpu *c)
{
	uint64_t d = UK_FOREVER;
	for (struct uk_thread *t = c->waiting; t; t = t->next)
		if (t->deadline < d)
			d = t->deadline;
	return d;
}

/* The next thread to run; with none runnable the CPU waits (timers fire,
 * input is polled, it halts) until a waiting thread can go on. *now: the
 * time it was picked. */
static struct uk_thread *pick(struct uk_cpu *c, uint64_t *now)
{
	for (;;) {
		wake_waiters(c, *now = uk_monotonic_ns());
		struct uk_thread *t = dequeue(c);
		if (t)
			return t;
		uk_wait_cpu(waiter_due, c, earliest_deadline(c));
		c->timer_at = 0; /* a halt armed the timer for its own deadline */
	}
}

/* The slice timer for c->slice_end or the earliest signal timer, unless
 * the one armed comes before it (then uk_sched_timer arms it again for
 * what is left): reprogramming the timer at every switch cost about 1 us
 * of the switch's 2 under TCG. More than 10 us ahead, so that none is
 * lost to rounding; a signal timer due already, 20 us ahead (an interrupt
 * in the runtime's way out of a call would come again at once). */
static void arm_slice(struct uk_cpu *c, uint64_t now)
{
	uint64_t at = c->nthreads < 2 ? UK_FOREVER : c->slice_end;
	if (uk_sig_timer_next && uk_sig_timer_next() < at)
		at = uk_sig_timer_next() > now + 20000 ? uk_sig_timer_next() : now + 20000;
	if (!c->slicing || at == UK_FOREVER || (c->timer_at > now + 10000 && c->timer_at <= at))
		return;
	uk_timer_oneshot(now, at);
	c->timer_at = at;
}

/* sigtimer.c, on the way back to program code: 1 when the slice timer
 * owns the interrupt (then armed here for what comes first) */
int uk_sched_rearm(void)
{
	struct uk_cpu *c = uk_cpu();
	if (!c->slicing)
		return 0;
	arm_slice(c, uk_monotonic_ns());
	return 1;
}

static void new_slice(struct uk_cpu *c, uint64_t now)
{
	c->slice_end = now + UK_SLICE_NS;
	arm_slice(c, now);
}

static void reap(struct uk_cpu *c)
{
	while (c->dead) {
		struct uk_thread *t = c->dead;
		c->dead = t->next;
		uk_thread_free(t);
	}
}

/* The current thread has put itself where it belongs (run queue, wait
 * list, dead list); another runs until this one is picked again. */
static void schedule(void)
{
	struct uk_cpu *c = uk_cpu();
	uint64_t now;
	struct uk_thread *prev = c->current, *next = pick(c, &now);
	if (next != prev) {
		prev->fs_base = rdmsr(MSR_FS_BASE);
		prev->user_rsp = uk_syscall_user_rsp;
		c->current = next;
		uk_syscall_kstack = next->kstack_top;
		uk_syscall_user_rsp = next->user_rsp;
		wrmsr(MSR_FS_BASE, next->fs_base);
		uk_fpu_switch_to(next);
		new_slice(c, now);
		uk_sched_switch(&prev->ksp, next->ksp);
	}
	reap(c); /* on this thread's stack: no dead one is running */
}

void uk_sched_yield(void)
{
	struct uk_thread *self = uk_thread_self();
	uk_sched_ready(self);
	schedule();
}

void uk_sched_exit(void)
{
	struct uk_cpu *c = uk_cpu();
	struct uk_thread *self = c->current;
	self->state = UK_THREAD_DEAD;
	c->nthreads--;
	uk_fpu_drop(self);
	/* freed by the next thread to run, once off this stack */
	self->next = c->dead;
	c->dead = self;
	schedule();
	__builtin_unreachable();
}

long uk_sched_wait(int (*ready)(void *arg), void *arg, uint64_t deadline)
{
	struct uk_cpu *c = uk_cpu();
	if (!c->current || c->nthreads < 2) {
		c->timer_at = 0; /* it may halt */
		long r = uk_wait_cpu(ready, arg, deadline);
		c->timer_at = 0; /* a halt armed the timer for its own deadline */
		return r;
	}
	long r = uk_wait_cpu(ready, arg, 0); /* timers, pollers, one test */
	if (r != -ETIMEDOUT || (deadline != UK_FOREVER && uk_monotonic_ns() >= deadline))
		return r;
	struct uk_thread *self = c->current;
	self->state = UK_THREAD_WAITING;
	self->ready = ready;
	self->arg = arg;
	self->deadline = deadline;
	self->next = c->waiting;
	c->waiting = self;
	schedule();
	return self->wait_result;
}

void uk_sched_start_slicing(void)
{
	struct uk_cpu *c = uk_cpu();
	if (c->slicing)
		return;
	uk_halt_until(0); /* sets up the local APIC */
	uk_idt_set(VEC_TIMER, uk_sched_timer_stub);
	uk_idt_set(VEC_NM, uk_sched_fpu_stub);
	c->slicing = 1;
	new_slice(c, uk_monotonic_ns());
}

/* The slice timer's interrupt (switch.S), frame = the CPU's interrupt
 * frame (rip, cs, rflags, rsp, ss). 1: the interrupted program code is to
 * be preempted or to take a signal (uk_sched_preempt and uk_sig_deliver
 * follow, on the thread's kernel stack). */
int uk_sched_timer(const uint64_t *frame)
{
	uk_timer_irq(); /* end of interrupt */
	struct uk_cpu *c = uk_cpu();
	c->timer_at = 0; /* it came (perhaps early: the APIC timer's calibration) */
	struct uk_thread *self = c->current;
	uint64_t rsp = frame[3], now = uk_monotonic_ns();
	if (rsp > self->kstack_bottom && rsp <= self->kstack_top) {
		/* the runtime: halted, or on its way out of a system call */
		if (now >= c->slice_end)
			c->slice_end = now + UK_SLICE_NS;
		arm_slice(c, now);
		return 0;
	}
	uk_wait_cpu(0, 0, 0); /* timers, pollers: no runtime code was interrupted */
	int sig = uk_sig_deliverable && uk_sig_deliverable(&self->sig);
	if (now < c->slice_end) { /* a signal timer, or an earlier thread's slice */
		arm_slice(c, now);
		return sig;
	}
	wake_waiters(c, now);
	if (c->run_head)
		return c->preempt = 1;
	new_slice(c, now);
	return sig;
}

void uk_sched_preempt(void)
{
	struct uk_cpu *c = uk_cpu();
	if (c->preempt) {
		c->preempt = 0;
		uk_sched_yield();
	}
}
