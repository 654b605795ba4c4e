/* The scheduler of one vCPU (sched.c): round robin over the runnable
 * threads, time slices from the local APIC timer while more than one can
 * run, waiting threads parked in uk_wait (wait.h). */
#ifndef UK_SCHED_SCHED_H
#define UK_SCHED_SCHED_H

#include <stdint.h>

#include "thread.h"

#define UK_SLICE_NS 10000000ull /* 10 ms */

/* t becomes runnable, at the end of the run queue. */
void uk_sched_ready(struct uk_thread *t);
/* The caller goes to the end of the run queue and the next one runs. */
void uk_sched_yield(void);
/* The caller has exited (state DEAD): runs the next; never returns. */
__attribute__((noreturn)) void uk_sched_exit(void);
/* uk_wait with threads: parks the caller until ready(arg) or deadline. */
long uk_sched_wait(int (*ready)(void *arg), void *arg, uint64_t deadline);
/* The slice timer's stub (switch.S) is installed: preemption from now on. */
void uk_sched_start_slicing(void);

/* switch.S */
void uk_sched_switch(uint64_t *save_ksp, uint64_t ksp);
extern char uk_sched_timer_stub[];
extern char uk_sched_fpu_stub[]; /* #NM: uk_fpu_own, then back */
extern char uk_frame_return[]; /* arch/x86_64/entry.S */

/* arch/x86_64/time.c */
void uk_timer_oneshot(uint64_t now, uint64_t deadline);
void uk_timer_irq(void);

#endif
