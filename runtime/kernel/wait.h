/* The one way to wait. A blocking call states what it waits for as a
 * ready() test and waits in uk_wait, which halts the CPU until something
 * can have changed (an interrupt, a timer, a polled device) and asks
 * again. Timers fire from here, never from interrupt context. With threads
 * (sched/, linked when the program makes one) uk_wait parks the calling
 * thread instead and the scheduler's idle loop halts in uk_wait_cpu. */
#ifndef UK_WAIT_H
#define UK_WAIT_H

#include "file.h"

#define UK_FOREVER (~0ull)

/* 0 once ready(arg) is true, -ETIMEDOUT at the deadline (monotonic ns,
 * UK_FOREVER for none), -EINTR once a signal the caller does not block is
 * pending (only with the signal group). ready may be 0: a plain sleep. */
long uk_wait(int (*ready)(void *arg), void *arg, uint64_t deadline);
/* uk_wait that a signal does not end, for the runtime's own waits (a
 * device's request, DHCP, TCP's drain at exit): the caller's signals are
 * all blocked meanwhile, so they stay pending and it halts as before. */
long uk_wait_nointr(int (*ready)(void *arg), void *arg, uint64_t deadline);
/* uk_wait of the CPU itself, no thread switch. Deadline 0: fire what is
 * due, poll, and test ready once. */
long uk_wait_cpu(int (*ready)(void *arg), void *arg, uint64_t deadline);
/* Until f polls ready for any of events (UK_POLLERR and HUP always count). */
long uk_wait_file(struct uk_file *f, unsigned events, uint64_t deadline);

/* One-shot timers on the monotonic clock; fire(t) runs from uk_wait once
 * the time has come. Arming an armed timer moves it. */
struct uk_timer {
	uint64_t when;
	void (*fire)(struct uk_timer *t);
	struct uk_timer *next;
	int armed;
};
void uk_timer_arm(struct uk_timer *t, uint64_t when);
void uk_timer_cancel(struct uk_timer *t);
/* Fires the timers that are due, outside uk_wait: the signal group does
 * on the way out of every call, so that a program that makes calls but
 * never waits still gets its alarms. */
void uk_timers_run_due(void);
/* The armed timers, earliest first (read them only; the signal group arms
 * the CPU's timer for the first, sched/sigtimer.c). */
extern struct uk_timer *uk_timers;

/* Input that raises no interrupt: poll() runs on every wake-up, and
 * while a poller is registered the CPU wakes at least every millisecond,
 * unless it says irq: its source interrupts, so that waking on the
 * interrupt is enough (poll() then only takes the work in). */
struct uk_poller {
	void (*poll)(void);
	struct uk_poller *next;
	int added;
	int irq;
};
void uk_poller_add(struct uk_poller *p);
void uk_poller_remove(struct uk_poller *p);

#endif
