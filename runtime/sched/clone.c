/* clone for threads, thread exit and the thread-id calls. A new thread
 * starts as its parent returns from clone: a copy of the parent's system
 * call frame on its own kernel stack, with rax 0 and the new stack, left
 * through entry.S's uk_frame_return (iretq) the first time it runs. */
#include "cpu.h"
#include "percpu.h"
#include "sched.h"
#include "syscall.h"
#include "trapframe.h"

#define CLONE_VM             0x00000100
#define CLONE_FS             0x00000200
#define CLONE_FILES          0x00000400
#define CLONE_SIGHAND        0x00000800
#define CLONE_THREAD         0x00010000
#define CLONE_SYSVSEM        0x00040000
#define CLONE_SETTLS         0x00080000
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED       0x00400000
#define CLONE_CHILD_SETTID   0x01000000
#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)
#define OPTIONAL_FLAGS (CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED | \
			CLONE_CHILD_SETTID)
#define RFLAGS_IF (1ul << 9)

long uk_futex_wake(int *addr, int n); /* futex.c */

/* The frame the new thread's first switch returns through: the
 * callee-saved registers uk_sched_switch pops, then uk_frame_return. */
struct first_switch {
	uint64_t r15, r14, r13, r12, rbx, rbp, ret;
};

long uk_sched_clone(const long *a)
{
	unsigned long flags = (unsigned long)a[0];
	if ((flags & THREAD_FLAGS) != THREAD_FLAGS || (flags & ~(THREAD_FLAGS | OPTIONAL_FLAGS | 0xff))) {
		if (uk_opt.strace)
			uk_printk("strace: clone flags 0x%lx make a process, not a thread: "
				  "a unikernel has one process (ENOSYS)\n", flags);
		return -ENOSYS;
	}
	if (((flags & CLONE_PARENT_SETTID) && uk_bad_user(a[2], 4)) ||
	    ((flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) && uk_bad_user(a[3], 4)))
		return -EFAULT;
	struct uk_thread *parent = uk_thread_self(), *t = uk_thread_new();
	if (!t)
		return -ENOMEM;
	t->sig.blocked = parent->sig.blocked; /* as Linux: the mask is inherited */
	struct uk_trapframe *pf = uk_syscall_frame();
	pf->rflags |= RFLAGS_IF; /* program code is preemptible from now on */
	struct uk_trapframe *f = (struct uk_trapframe *)t->kstack_top - 1;
	*f = *pf;
	f->rax = 0;
	if (a[1])
		f->rsp = (uint64_t)a[1];
	struct first_switch *s = (struct first_switch *)f - 1;
	uk_memset(s, 0, sizeof(*s));
	s->ret = (uint64_t)uk_frame_return;
	t->ksp = (uint64_t)s;
	t->user_rsp = f->rsp;
	t->fs_base = flags & CLONE_SETTLS ? (uint64_t)a[4] : rdmsr(MSR_FS_BASE);
	uk_fpu_own(); /* the registers hold the parent's state */
	uk_fpu_save(t->fpu); /* the parent's: MXCSR, x87 control word */
	if (flags & CLONE_PARENT_SETTID)
		*(int *)a[2] = t->tid;
	if (flags & CLONE_CHILD_SETTID)
		*(int *)a[3] = t->tid;
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = (int *)a[3];
	uk_sched_ready(t);
	uk_sched_start_slicing();
	return t->tid;
}

/* The thread ends; the last one ends the process with its status. */
long uk_sched_thread_exit(const long *a)
{
	struct uk_thread *self = uk_thread_self();
	if (uk_thread_count() == 1)
		uk_plat_exit((int)(a[0] & 0xff));
	if (self->clear_child_tid && !uk_bad_user((long)self->clear_child_tid, 4)) {
		*self->clear_child_tid = 0;
		uk_futex_wake(self->clear_child_tid, 1);
	}
	uk_sched_exit();
}

long uk_sched_gettid(const long *a)
{
	(void)a;
	return uk_thread_self()->tid;
}

long uk_sched_set_tid_address(const long *a)
{
	struct uk_thread *self = uk_thread_self();
	self->clear_child_tid = (int *)a[0];
	return self->tid;
}

#define ROBUST_LIST_HEAD_SIZE 24

long uk_sched_set_robust_list(const long *a)
{
	if (a[1] != ROBUST_LIST_HEAD_SIZE)
		return -EINVAL;
	uk_thread_self()->robust_list = (uint64_t)a[0];
	return 0;
}

long uk_sched_get_robust_list(const long *a)
{
	struct uk_thread *t = a[0] ? uk_thread_by_tid((int)a[0]) : uk_thread_self();
	if (!t)
		return -ESRCH;
	if (uk_bad_user(a[1], 8) || uk_bad_user(a[2], 8))
		return -EFAULT;
	*(uint64_t *)a[1] = t->robust_list;
	*(uint64_t *)a[2] = ROBUST_LIST_HEAD_SIZE;
	return 0;
}
