/* Delivery: a handler is entered through the frame of the program code
 * interrupted (trapframe.h) by building Linux's x86_64 struct rt_sigframe
 * on the program's stack (or the alternate one): the restorer as return
 * address, a ucontext_t with the registers in mcontext order and the FPU
 * area, the siginfo_t. rt_sigreturn puts all of it back. Also the way out
 * of every system call (uk_sig_syscall_exit: EINTR, SA_RESTART) and of
 * faults the program has a handler for (uk_sig_fault). */
#include "cpu.h"
#include "signal.h"
#include "sys_signal.h"
#include "syscall.h"
#include "wait.h"

enum { R8, R9, R10, R11, R12, R13, R14, R15, RDI, RSI, RBP, RBX, RDX, RAX, RCX, RSP, RIP,
       EFL, CSGSFS, ERR, TRAPNO, OLDMASK, CR2, NGREG };

struct ucontext {
	uint64_t flags, link;
	struct uk_stack_t stack;
	uint64_t gregs[NGREG];
	uint64_t fpstate;
	uint64_t reserved1[8];
	uint64_t sigmask;
};
struct rt_sigframe {
	uint64_t pretcode;
	struct ucontext uc;
	struct uk_siginfo info;
};
_Static_assert(sizeof(struct ucontext) == 304, "struct ucontext, x86_64 kernel");

#define UC_FP_XSTATE         1
#define UC_SIGCONTEXT_SS     2
#define UC_STRICT_RESTORE_SS 4
#define FP_XSTATE_MAGIC1 0x46505853u
#define FP_XSTATE_MAGIC2 0x46505845u
#define CR4_OSXSAVE (1ul << 18)
/* the flags a handler may change by rewriting uc_mcontext (Linux's) */
#define FIX_EFLAGS 0x50dd5ul
#define MINSIGSTKSZ 2048

/* The FPU/SSE(/AVX) state: xsave when the CPU has it on (cpu.c), with the
 * software bytes Linux puts in the FXSAVE area's reserved tail, else
 * fxsave. The runtime uses no FPU registers, so what they hold is the
 * program's. */
static uint32_t fp_size;
static uint64_t fp_mask;

static void fp_init(void)
{
	uint64_t cr4;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	fp_size = 512;
	if (cr4 & CR4_OSXSAVE) {
		uint32_t lo, hi, r[4];
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		fp_mask = ((uint64_t)hi << 32) | lo;
		cpuid(0xd, 0, r);
		fp_size = r[1]; /* for the features XCR0 enables */
	}
}

/* thread.c's, with threads: the registers to hold this thread's state
 * (they may hold another's, CR0.TS set) */
void uk_fpu_own(void) __attribute__((weak));

static void fp_save(uint8_t *p)
{
	if (uk_fpu_own)
		uk_fpu_own();
	if (!fp_mask) {
		__asm__ volatile("fxsave64 (%0)" : : "r"(p) : "memory");
		return;
	}
	uk_memset(p + 512, 0, 64); /* the XSAVE header */
	__asm__ volatile("xsave64 (%0)" : : "r"(p), "a"((uint32_t)fp_mask),
			 "d"((uint32_t)(fp_mask >> 32)) : "memory");
	uint32_t *sw = (uint32_t *)(p + 464);
	sw[0] = FP_XSTATE_MAGIC1;
	sw[1] = fp_size + 4; /* extended_size: with magic2 */
	*(uint64_t *)(sw + 2) = fp_mask;
	sw[4] = fp_size;
	*(uint32_t *)(p + fp_size) = FP_XSTATE_MAGIC2;
}

/* a handler starts with the FPU as Linux gives it: initial control
 * words (x87 0x37f, MXCSR 0x1f80) */
static void fp_reset(void)
{
	static const uint32_t mxcsr = 0x1f80;
	__asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
}

static void fp_restore(const uint8_t *p)
{
	if (uk_fpu_own)
		uk_fpu_own();
	if (!fp_mask)
		__asm__ volatile("fxrstor64 (%0)" : : "r"(p) : "memory");
	else
		__asm__ volatile("xrstor64 (%0)" : : "r"(p), "a"((uint32_t)fp_mask),
				 "d"((uint32_t)(fp_mask >> 32)) : "memory");
}

static int alt_enabled(const struct uk_stack_t *s)
{
	return !(s->flags & UK_SS_DISABLE) && s->size;
}

static int on_alt(const struct uk_stack_t *s, uint64_t sp)
{
	return alt_enabled(s) && !(s->flags & UK_SS_AUTODISARM) && sp > s->sp &&
	       sp - s->sp <= s->size;
}

static int32_t alt_flags(const struct uk_stack_t *s, uint64_t sp)
{
	if (!alt_enabled(s))
		return UK_SS_DISABLE;
	return (on_alt(s, sp) ? UK_SS_ONSTACK : 0) | (s->flags & (int32_t)UK_SS_AUTODISARM);
}

__uk_cold static void die_segv(void)
{
	uk_printk("uk: cannot enter a signal handler: no usable stack or restorer\n");
	uk_sig_default(UK_SIGSEGV);
	__builtin_unreachable();
}

/* p on a stack of the runtime's: the exception stacks and the kernel
 * stack, one block below the main stack and its guard gap
 * (kernel/process.c; the exception stack is as big as the kernel stack),
 * or the one the system call in progress runs on (a thread's, once there
 * are) */
static int runtime_stack(uint64_t p)
{
	uint64_t size = uk_kernel_stack.top - uk_kernel_stack.bottom;
	return (p >= uk_ist_tops[0] - PAGE_SIZE - size && p < uk_main_stack.bottom) ||
	       (p <= uk_syscall_kstack && uk_syscall_kstack - p < size);
}

/* The runtime's own fault, unless it is the program's stack overflow: a
 * big frame can take rsp into the guard gap below the main stack. */
static int in_runtime(const struct uk_trapframe *f, uint64_t cr2)
{
	if (f->vector == 14 && cr2 < uk_main_stack.bottom && cr2 >= uk_kernel_stack.top)
		return 0;
	return runtime_stack(f->rsp);
}

static int building; /* a fault while writing a frame is the runtime's */

/* fault: vector, error, cr2 of an exception; 0 for others. 0 when no
 * frame can be built: no restorer, or no stack to put it on. */
static int enter(struct uk_trapframe *f, int sig, const struct uk_siginfo *info,
		 const uint64_t *fault)
{
	struct uk_sigthread *t = uk_sig_self();
	struct uk_sigaction *a = &uk_sig_actions[sig];
	if (!fp_size)
		fp_init();
	uint64_t sp = f->rsp - 128; /* the red zone */
	int switched = 0;
	if ((a->flags & UK_SA_ONSTACK) && alt_enabled(&t->altstack) &&
	    !on_alt(&t->altstack, f->rsp)) {
		sp = t->altstack.sp + t->altstack.size;
		switched = 1;
	}
	uint64_t fp = (sp - fp_size - 4) & ~63ul;
	struct rt_sigframe *sf = (struct rt_sigframe *)(((fp - sizeof(*sf)) & ~15ul) - 8);
	uint64_t lo = (uint64_t)sf;
	if (!(a->flags & UK_SA_RESTORER) || uk_bad_user((long)lo, sp - lo) ||
	    uk_paging_is_guard(lo) || uk_paging_is_guard(sp - 1) || runtime_stack(lo) ||
	    runtime_stack(sp - 1) || (switched && lo < t->altstack.sp))
		return 0;
	building = 1;
	fp_save((uint8_t *)fp);
	fp_reset();
	struct ucontext *uc = &sf->uc;
	uk_memset(sf, 0, sizeof(*sf));
	sf->pretcode = a->restorer;
	uc->flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS | (fp_mask ? UC_FP_XSTATE : 0);
	uc->stack = (struct uk_stack_t){t->altstack.sp, alt_flags(&t->altstack, f->rsp), 0,
					t->altstack.size};
	uint64_t *g = uc->gregs;
	g[R8] = f->r8, g[R9] = f->r9, g[R10] = f->r10, g[R11] = f->r11;
	g[R12] = f->r12, g[R13] = f->r13, g[R14] = f->r14, g[R15] = f->r15;
	g[RDI] = f->rdi, g[RSI] = f->rsi, g[RBP] = f->rbp, g[RBX] = f->rbx;
	g[RDX] = f->rdx, g[RAX] = f->rax, g[RCX] = f->rcx, g[RSP] = f->rsp;
	g[RIP] = f->rip, g[EFL] = f->rflags, g[CSGSFS] = (f->cs & 0xffff) | (f->ss & 0xffff) << 48;
	if (fault)
		g[TRAPNO] = fault[0], g[ERR] = fault[1], g[CR2] = fault[2];
	uint64_t mask = t->restore_saved ? t->saved : t->blocked;
	t->restore_saved = 0;
	g[OLDMASK] = mask;
	uc->sigmask = mask;
	uc->fpstate = fp;
	sf->info = *info;
	building = 0;
	if (switched && (t->altstack.flags & UK_SS_AUTODISARM))
		t->altstack = (struct uk_stack_t){0, UK_SS_DISABLE, 0, 0};

	t->blocked |= a->mask;
	if (!(a->flags & UK_SA_NODEFER))
		t->blocked |= UK_SIGBIT(sig);
	t->blocked &= ~UK_UNBLOCKABLE;
	uint64_t handler = a->handler;
	if (a->flags & UK_SA_RESETHAND)
		a->handler = UK_SIG_DFL;

	f->rdi = (uint64_t)sig;
	f->rsi = (uint64_t)&sf->info;
	f->rdx = (uint64_t)uc;
	f->rax = 0;
	f->rsp = (uint64_t)sf;
	f->rip = handler;
	f->rflags &= ~(0x400ul | 0x100ul | 0x10000ul); /* DF, TF, RF */
	f->error = UK_FRAME_IRET;
	return 1;
}

void uk_sig_enter(struct uk_trapframe *f, int sig, const struct uk_siginfo *info)
{
	if (!enter(f, sig, info, 0))
		die_segv(); /* as Linux: SIGSEGV, forced */
}

/* nr: the system call that returned -EINTR when it restarts under
 * SA_RESTART (or when no handler runs), else -1 */
static int deliver(struct uk_trapframe *f, long nr)
{
	struct uk_sigthread *t = uk_sig_self();
	int entered = 0;
	struct uk_siginfo info;
	for (int sig; (sig = uk_sig_dequeue(t, ~t->blocked, &info));) {
		const struct uk_sigaction *a = &uk_sig_actions[sig];
		if (a->handler == UK_SIG_IGN)
			continue;
		if (a->handler == UK_SIG_DFL) {
			uk_sig_default(sig); /* returns only for the ignored */
			continue;
		}
		if (nr >= 0 && !entered && (a->flags & UK_SA_RESTART)) {
			f->rax = (uint64_t)nr;
			f->rip -= 2; /* the syscall instruction again */
			nr = -1;
		}
		uk_sig_enter(f, sig, &info);
		entered = 1;
	}
	if (nr >= 0 && !entered) {
		f->rax = (uint64_t)nr;
		f->rip -= 2;
		f->error = UK_FRAME_IRET;
	}
	if (t->restore_saved) {
		t->blocked = t->saved;
		t->restore_saved = 0;
	}
	return entered;
}

int uk_sig_deliver(struct uk_trapframe *f)
{
	return deliver(f, -1);
}

/* The calls Linux restarts under SA_RESTART (-ERESTARTSYS, man 7 signal):
 * read, write, open, ioctl, pread64, pwrite64, readv, writev, sendfile,
 * connect, accept, sendto, recvfrom, sendmsg, recvmsg, wait4, fcntl,
 * flock, futex, waitid, openat, splice, tee, accept4, preadv, pwritev,
 * recvmmsg, getrandom. */
static int restartable(uint64_t nr)
{
	static const uint16_t calls[] = {0,   1,   2,   16,  17,  18,  19,  20,  40,  42,
					 43,  44,  45,  46,  47,  61,  72,  73,  202, 247,
					 257, 275, 276, 288, 295, 296, 299, 318};
	for (unsigned i = 0; i < ARRAY_SIZE(calls); i++)
		if (calls[i] == nr)
			return 1;
	return 0;
}

/* entry.S, after every system call */
void uk_sig_syscall_exit(struct uk_trapframe *f)
{
	struct uk_sigthread *t = uk_sig_self();
	uk_timers_run_due(); /* an alarm is due even if the program never waits */
	uk_sig_timer_rearm(); /* and when it makes no call (sigtimer.c) */
	if (t->restore_saved && (long)f->rax != -EINTR) {
		/* the call's own mask ends before any delivery, unless it was
		 * a signal that ended the call (Linux's restore_saved_sigmask_unless) */
		t->blocked = t->saved;
		t->restore_saved = 0;
	}
	if (!uk_sig_deliverable(t) && !t->restore_saved)
		return;
	long nr = (long)f->rax == -EINTR && restartable(f->vector) ? (long)f->vector : -1;
	deliver(f, nr);
}

/* Exceptions the program caused: signal, si_code, si_addr as Linux. */
static int fault_signal(const struct uk_trapframe *f, uint64_t cr2, int *code, uint64_t *addr)
{
	*code = UK_SI_KERNEL;
	*addr = 0;
	switch (f->vector) {
	case 0: *code = 1, *addr = f->rip; return UK_SIGFPE;      /* FPE_INTDIV */
	case 1: *code = 2; return UK_SIGTRAP;                      /* TRAP_TRACE */
	case 3: return UK_SIGTRAP;
	case 4: case 5: case 13: return UK_SIGSEGV;
	case 6: *code = 2, *addr = f->rip; return UK_SIGILL;       /* ILL_ILLOPN */
	case 11: case 12: return UK_SIGBUS;
	case 14: *code = f->error & 1 ? 2 : 1, *addr = cr2; return UK_SIGSEGV; /* ACC/MAPERR */
	case 16: case 19: *code = 0, *addr = f->rip; return UK_SIGFPE;
	case 17: *code = 1, *addr = cr2; return UK_SIGBUS;         /* BUS_ADRALN */
	default: return 0;
	}
}

/* entry.S, for every exception before uk_trap's crash report: 1 when f
 * now enters the program's handler */
int uk_sig_fault(struct uk_trapframe *f)
{
	uint64_t cr2 = read_cr2();
	if (building || in_runtime(f, cr2))
		return 0; /* the runtime's own: the crash report */
	int code;
	uint64_t addr;
	int sig = fault_signal(f, cr2, &code, &addr);
	struct uk_sigthread *t = uk_sig_self();
	if (!sig || uk_sig_actions[sig].handler <= UK_SIG_IGN || (t->blocked & UK_SIGBIT(sig)))
		return 0;
	struct uk_siginfo info = {.signo = sig, .code = code, .fault = {addr}};
	/* page faults: the error code as user mode's (ring 3 on Linux: bit 2) */
	const uint64_t fault[3] = {f->vector, f->vector == 14 ? f->error | 4 : f->error, cr2};
	return enter(f, sig, &info, fault); /* else the crash report (a stack overflow) */
}

static long set_altstack(struct uk_sigthread *t, const struct uk_stack_t *ss, uint64_t sp)
{
	if (on_alt(&t->altstack, sp))
		return -EPERM;
	int32_t mode = ss->flags & ~(int32_t)UK_SS_AUTODISARM;
	if (mode != UK_SS_DISABLE && mode != UK_SS_ONSTACK && mode != 0)
		return -EINVAL;
	if (mode == UK_SS_DISABLE) {
		t->altstack = (struct uk_stack_t){0, UK_SS_DISABLE, 0, 0};
		return 0;
	}
	if (ss->size < MINSIGSTKSZ)
		return -ENOMEM;
	t->altstack = (struct uk_stack_t){ss->sp, ss->flags & (int32_t)UK_SS_AUTODISARM, 0, ss->size};
	return 0;
}

UK_SIG_SYSCALL(sigaltstack)
{
	struct uk_sigthread *t = uk_sig_self();
	uint64_t sp = uk_syscall_frame()->rsp;
	if ((a[0] && uk_bad_user(a[0], sizeof(struct uk_stack_t))) ||
	    (a[1] && uk_bad_user(a[1], sizeof(struct uk_stack_t))))
		return -EFAULT;
	struct uk_stack_t old = {t->altstack.sp, alt_flags(&t->altstack, sp), 0, t->altstack.size};
	if (a[0]) {
		long e = set_altstack(t, (const struct uk_stack_t *)a[0], sp);
		if (e)
			return e;
	}
	if (a[1])
		*(struct uk_stack_t *)a[1] = old;
	return 0;
}

UK_SIG_SYSCALL(rt_sigreturn)
{
	(void)a;
	struct uk_trapframe *f = uk_syscall_frame();
	struct uk_sigthread *t = uk_sig_self();
	const struct rt_sigframe *sf = (const struct rt_sigframe *)(f->rsp - 8);
	if (uk_bad_user((long)sf, sizeof(*sf)))
		die_segv();
	const struct ucontext *uc = &sf->uc;
	const uint64_t *g = uc->gregs;
	f->r8 = g[R8], f->r9 = g[R9], f->r10 = g[R10], f->r11 = g[R11];
	f->r12 = g[R12], f->r13 = g[R13], f->r14 = g[R14], f->r15 = g[R15];
	f->rdi = g[RDI], f->rsi = g[RSI], f->rbp = g[RBP], f->rbx = g[RBX];
	f->rdx = g[RDX], f->rcx = g[RCX], f->rsp = g[RSP], f->rip = g[RIP];
	f->rflags = (f->rflags & ~FIX_EFLAGS) | (g[EFL] & FIX_EFLAGS);
	t->blocked = uc->sigmask & ~UK_UNBLOCKABLE;
	if (uc->fpstate && !(uc->fpstate & 63) && !uk_bad_user((long)uc->fpstate, fp_size + 4))
		fp_restore((const uint8_t *)uc->fpstate);
	set_altstack(t, &uc->stack, f->rsp); /* errors ignored, as Linux does */
	f->error = UK_FRAME_IRET;
	return (long)g[RAX];
}
