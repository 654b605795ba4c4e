/* What belongs to a CPU: the thread it runs and its run queue. Every
 * caller reaches it through uk_cpu(), so that SMP later changes only this
 * accessor (to a GS-relative or APIC-id-indexed lookup). */
#ifndef UK_SCHED_PERCPU_H
#define UK_SCHED_PERCPU_H

#include "thread.h"

struct uk_cpu {
	struct uk_thread *current;
	struct uk_thread *run_head, *run_tail; /* runnable, not current */
	struct uk_thread *waiting;             /* parked in uk_wait */
	struct uk_thread *dead;                /* stacks to free, not current's */
	struct uk_thread *fpu_owner;           /* whose state the FPU registers hold */
	int fpu_ts;                            /* CR0.TS is set */
	unsigned nthreads;                     /* live threads */
	int slicing;                           /* the slice timer stub is in */
	uint64_t slice_end;                    /* when current's slice is over */
	uint64_t timer_at;                     /* the slice timer armed for; 0: none */
	int preempt;                           /* the timer's interrupt switches threads */
};

extern struct uk_cpu uk_cpu0;

static inline struct uk_cpu *uk_cpu(void)
{
	return &uk_cpu0;
}

#endif
