/* Threads of the one process (sched/): each has its own kernel stack
 * (with an unmapped guard page below it), FS base and FPU/SSE/AVX state.
 * Program code runs on the stack the C library gave the thread; the
 * kernel stack holds its system call or interrupt frame while it is in
 * the runtime or switched out. */
#ifndef UK_SCHED_THREAD_H
#define UK_SCHED_THREAD_H

#include <stdint.h>

#include "signal.h"

enum uk_thread_state { UK_THREAD_RUNNABLE, UK_THREAD_WAITING, UK_THREAD_DEAD };

struct uk_thread {
	int tid;
	enum uk_thread_state state;
	uint64_t ksp;                 /* saved kernel rsp while switched out */
	uint64_t kstack_bottom, kstack_top;
	uint64_t user_rsp;            /* entry.S's uk_syscall_user_rsp */
	uint64_t fs_base;
	void *fpu;                    /* fxsave/xsave area, 64-byte aligned */
	int *clear_child_tid;         /* set_tid_address, CLONE_CHILD_CLEARTID */
	uint64_t robust_list;         /* set_robust_list: kept, never walked */
	/* while waiting (sched.c): what for, until when, and the outcome */
	int (*ready)(void *arg);
	void *arg;
	uint64_t deadline;
	long wait_result;
	struct uk_thread *next;       /* run queue, wait list or dead list */
	struct uk_thread *all_next;   /* every live thread, for uk_thread_by_tid */
	uint64_t block;               /* its block of pages (0: the main thread) */
	struct uk_sigthread sig;      /* signal.c's state of this thread */
};

/* The calling thread; the main thread (tid 1) is made on first use. */
struct uk_thread *uk_thread_self(void);
/* The live thread with that id, or 0 (for tkill/tgkill). */
struct uk_thread *uk_thread_by_tid(int tid);
/* A new thread with a kernel stack and FPU area, not yet runnable; 0 when
 * out of memory. */
struct uk_thread *uk_thread_new(void);
void uk_thread_free(struct uk_thread *t);
unsigned uk_thread_count(void);

/* The FPU/SSE/AVX state of the CPU into or out of an area (thread.c). */
void uk_fpu_save(void *area);
void uk_fpu_restore(const void *area);
/* Lazy switching: a switch to a thread whose state the registers do not
 * hold sets CR0.TS, and its first FPU/SSE instruction traps (#NM) to
 * uk_fpu_own, which saves the owner's state and loads the caller's. The
 * runtime calls it before it touches the program's FPU state itself. */
void uk_fpu_own(void);
/* Before a switch to t: CR0.TS set unless the registers hold t's state. */
void uk_fpu_switch_to(struct uk_thread *t);
/* t exits: its state in the registers is nobody's now. */
void uk_fpu_drop(struct uk_thread *t);

#endif
