/* CPU exceptions and fatal signals: print a crash report (what happened,
 * RIP as symbol+offset, registers, frame-pointer backtrace symbolized from
 * the image's own table) and end the VM with 128 + the Linux signal. */
#include <uk/exit.h>
#include <uk/symtab.h>

#include "cpu.h"
#include "kernel.h"
#include "trapframe.h"


#define SIGSEGV 11

/* The names of vectors 0-21 in one string (a table of pointers to them
 * was 256 bytes of hello's image). */
static const char exc_names[] =
	"divide error\0debug\0non-maskable interrupt\0breakpoint\0overflow\0"
	"bound range exceeded\0invalid opcode\0device not available\0double fault\0"
	"coprocessor segment overrun\0invalid TSS\0segment not present\0stack fault\0"
	"general protection fault\0page fault\0reserved\0x87 floating-point error\0"
	"alignment check\0machine check\0SIMD floating-point exception\0"
	"virtualization exception\0control protection exception";

__uk_cold static const char *exc_name(uint64_t vector)
{
	if (vector >= 22)
		return "reserved exception";
	const char *p = exc_names;
	while (vector--)
		p += uk_strlen(p) + 1;
	return p;
}

static int crashing;

__uk_cold static void print_addr(const char *label, uint64_t a)
{
	uint64_t off;
	char name[UK_SYMTAB_NAME_MAX + 1];
	const char *s = uk_symbolize(a, &off, name);
	if (s)
		uk_printk("%s0x%lx <%s+0x%lx>\n", label, a, s, off);
	else
		uk_printk("%s0x%lx\n", label, a);
}

__uk_cold static int in_text(uint64_t v)
{
	struct uk_segment seg[8];
	unsigned n = uk_image_segments(seg, ARRAY_SIZE(seg));
	for (unsigned i = 0; i < n; i++)
		if ((seg[i].flags & 1) && v >= seg[i].start && v < seg[i].end)
			return 1;
	return 0;
}

__uk_cold static int on_stack(uint64_t p, const struct uk_stack *s)
{
	return p >= s->bottom && p + 16 <= s->top && !(p & 7);
}

__uk_cold static const struct uk_stack *stack_of(uint64_t p)
{
	if (on_stack(p, &uk_main_stack))
		return &uk_main_stack;
	if (on_stack(p, &uk_kernel_stack))
		return &uk_kernel_stack;
	return 0;
}

/* Follows saved rbp links while they stay inside a known stack. */
__uk_cold static void backtrace(uint64_t rbp, int user_only)
{
	uk_printk("backtrace:\n");
	const struct uk_stack *prev = 0;
	uint64_t last = 0;
	for (int depth = 0; depth < 16; depth++) {
		const struct uk_stack *s = stack_of(rbp);
		if (!s || (s == prev && rbp <= last))
			return;
		uint64_t ret = ((uint64_t *)rbp)[1];
		if (!in_text(ret))
			return;
		if (!user_only || s == &uk_main_stack)
			print_addr("  ", ret);
		prev = s;
		last = rbp;
		rbp = ((uint64_t *)rbp)[0];
	}
	uk_printk("  ...\n");
}

/* With threads (the sched group), which one crashed; unlinked, no line. */
extern int uk_sched_crash_tid(void) __attribute__((weak));

__uk_cold static void print_thread(void)
{
	if (uk_sched_crash_tid)
		uk_printk("uk: in thread %d\n", uk_sched_crash_tid());
}

__uk_cold void uk_trap(struct uk_trapframe *f)
{
	if (crashing++)
		uk_plat_exit(128 + SIGSEGV); /* a fault while reporting one */
	uint64_t cr2 = read_cr2();
	int sig = SIGSEGV; /* every CPU exception: status 139 (uk/exit.h) */

	uk_printk("\nuk: crash: %s (vector %lu, error 0x%lx)\n",
		  exc_name(f->vector),
		  (unsigned long)f->vector, (unsigned long)f->error);
	print_thread();
	if (f->vector == 14 || f->vector == 8) {
		if (uk_paging_is_guard(cr2) || (f->vector == 8 && uk_paging_is_guard(f->rsp - 8)))
			uk_printk("uk: stack overflow: guard page hit at 0x%lx\n", (unsigned long)cr2);
		else if (f->vector == 14 && cr2 < PAGE_SIZE)
			uk_printk("uk: NULL pointer dereference: %s at 0x%lx\n",
				  f->error & 2 ? "write" : "read", (unsigned long)cr2);
		else if (f->vector == 14)
			uk_printk("uk: bad %s at 0x%lx%s\n", f->error & 16 ? "instruction fetch"
							      : f->error & 2 ? "write" : "read",
				  (unsigned long)cr2, f->error & 1 ? " (protection)" : " (not mapped)");
	}
	print_addr("rip: ", f->rip);
	uk_printk("rax %016lx rbx %016lx rcx %016lx rdx %016lx\n"
		  "rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n"
		  "r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n"
		  "r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n"
		  "rflags %08lx cr2 %016lx\n",
		  f->rax, f->rbx, f->rcx, f->rdx, f->rsi, f->rdi, f->rbp, f->rsp, f->r8, f->r9,
		  f->r10, f->r11, f->r12, f->r13, f->r14, f->r15, f->rflags, cr2);
	/* a function that keeps no frame (a leaf) left its caller at rsp */
	const struct uk_stack *st = stack_of(f->rsp);
	if (st && in_text(*(uint64_t *)f->rsp)) {
		uk_printk("caller, if the function has no frame:\n");
		print_addr("  ? ", *(uint64_t *)f->rsp);
	}
	backtrace(f->rbp, 0);
	uk_printk("uk: exit status %d\n", 128 + sig);
	uk_plat_exit(128 + sig);
}

__uk_cold static const char *sig_name(int sig)
{
	switch (sig) {
	case 6: return "SIGABRT";
	case 9: return "SIGKILL";
	case 15: return "SIGTERM";
	default: return "signal";
	}
}

extern uint64_t uk_syscall_user_rsp;

/* The C library is built without frame pointers, so a call made from
 * inside it (abort -> raise -> tkill) has no frame chain to follow: list
 * the words near the top of the stack that point into functions instead,
 * most of which are return addresses. */
__uk_cold static void scan_stack(uint64_t sp)
{
	uk_printk("stack scan (return addresses, probably):\n");
	int found = 0;
	for (uint64_t p = ALIGN_UP(sp, 8); p + 8 <= uk_main_stack.top && p < sp + 1024 &&
					     found < 8;
	     p += 8) {
		uint64_t v = *(uint64_t *)p, off;
		char name[UK_SYMTAB_NAME_MAX + 1];
		if (in_text(v) && uk_symbolize(v, &off, name) && off) {
			print_addr("  ", v);
			found++;
		}
	}
}

/* A signal the program sent itself (abort() -> tkill(SIGABRT)): no handler
 * ever runs, the default action of every such signal here is to die. */
__uk_cold void uk_die_signal(int sig, const char *why)
{
	if (crashing++)
		uk_plat_exit(128 + sig);
	uk_printk("\nuk: crash: %s (%s %d)\n", why, sig_name(sig), sig);
	print_thread();
	print_addr("called from: ", uk_syscall_frame()->rip);
	backtrace((uint64_t)__builtin_frame_address(0), 1);
	scan_stack(uk_syscall_user_rsp);
	uk_printk("uk: exit status %d\n", 128 + sig);
	uk_plat_exit(128 + sig);
}
