/* Thread objects: the main thread, made on first use from the boot
 * stacks, and the ones clone makes: [guard page][kernel stack][struct
 * uk_thread, FPU area] in one block of pages, given back to the page
 * allocator once the thread has exited and the CPU is off its stack. */
#include "thread.h"

#include "cpu.h"
#include "file.h"
#include "kernel.h"
#include "percpu.h"

#define KSTACK_SIZE 16384ul

struct uk_cpu uk_cpu0;
static struct uk_thread *all;
static uint64_t fpu_size; /* bytes of the save area; 0: not asked yet */
static int xsave;

/* Saved lazily (thread.h): the runtime's own code never touches the
 * FPU/SSE registers (-mgeneral-regs-only), so the registers keep the state
 * of the last thread that used them until another thread uses them. An
 * eager xsave + xrstor at every switch cost more than the rest of the
 * switch (about 1.3 us of 2 under TCG, bench/threads); threads that use no
 * FPU between switches now pay nothing, those that do one #NM trap. (The
 * LazyFP leak, CVE-2018-3665, needs another process to read: a unikernel
 * has one.) */
static uint64_t fpu_area_size(void)
{
	if (!fpu_size) {
		uint32_t r[4];
		cpuid(1, 0, r);
		xsave = (r[2] >> 27) & 1; /* OSXSAVE: cpu.c enabled XSAVE */
		fpu_size = 512;
		if (xsave) {
			cpuid(0xd, 0, r); /* ebx: size for the features XCR0 enables */
			fpu_size = r[1];
		}
	}
	return fpu_size;
}

void uk_fpu_save(void *area)
{
	if (xsave)
		__asm__ volatile("xsave64 (%0)" : : "r"(area), "a"(~0u), "d"(~0u) : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

void uk_fpu_restore(const void *area)
{
	if (xsave)
		__asm__ volatile("xrstor64 (%0)" : : "r"(area), "a"(~0u), "d"(~0u) : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

#define CR0_TS (1ul << 3)

void uk_fpu_own(void)
{
	struct uk_cpu *c = uk_cpu();
	struct uk_thread *self = uk_thread_self();
	if (c->fpu_ts) {
		__asm__ volatile("clts" ::: "memory");
		c->fpu_ts = 0;
	}
	if (c->fpu_owner == self)
		return;
	if (c->fpu_owner)
		uk_fpu_save(c->fpu_owner->fpu);
	uk_fpu_restore(self->fpu);
	c->fpu_owner = self;
}

/* TS stays set on a switch back to the owner too: a CR0 write at every
 * switch costs more than the owner's one trap when it next uses the FPU */
void uk_fpu_switch_to(struct uk_thread *t)
{
	struct uk_cpu *c = uk_cpu();
	if (c->fpu_ts || c->fpu_owner == t)
		return;
	uint64_t cr0;
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | CR0_TS) : "memory");
	c->fpu_ts = 1;
}

void uk_fpu_drop(struct uk_thread *t)
{
	if (uk_cpu()->fpu_owner == t)
		uk_cpu()->fpu_owner = 0;
}

/* struct uk_thread and its FPU area, above the kernel stack */
static uint64_t top_part_size(void)
{
	return ALIGN_UP(sizeof(struct uk_thread) + 64 + fpu_area_size(), PAGE_SIZE);
}

static void link_thread(struct uk_thread *t)
{
	t->sig.tid = t->tid;
	t->sig.altstack.flags = UK_SS_DISABLE;
	t->all_next = all;
	all = t;
	uk_cpu()->nthreads++;
}

struct uk_thread *uk_thread_self(void)
{
	struct uk_cpu *c = uk_cpu();
	if (c->current)
		return c->current;
	uint64_t size = sizeof(struct uk_thread) + 64 + fpu_area_size();
	struct uk_thread *t = uk_zalloc(size);
	if (!t) {
		uk_printk("uk: no memory for the main thread\n");
		uk_plat_exit(126);
	}
	t->tid = 1;
	t->kstack_bottom = uk_kernel_stack.bottom;
	t->kstack_top = uk_kernel_stack.top;
	t->fpu = (void *)ALIGN_UP((uint64_t)(t + 1), 64);
	link_thread(t);
	c->fpu_owner = t; /* no other thread has run yet */
	return c->current = t;
}

/* trap.c's crash report names the thread (a weak reference there) */
int uk_sched_crash_tid(void)
{
	return uk_thread_self()->tid;
}

struct uk_thread *uk_thread_by_tid(int tid)
{
	uk_thread_self();
	for (struct uk_thread *t = all; t; t = t->all_next)
		if (t->tid == tid && t->state != UK_THREAD_DEAD)
			return t;
	return 0;
}

unsigned uk_thread_count(void)
{
	return uk_thread_self(), uk_cpu()->nthreads;
}

struct uk_thread *uk_thread_new(void)
{
	static int next_tid = 2;
	uint64_t top_part = top_part_size(), size = PAGE_SIZE + KSTACK_SIZE + top_part;
	uint64_t p = uk_pmem_alloc(size, ~0ull);
	if (!p)
		return 0;
	if (uk_paging_protect(p, p + PAGE_SIZE, 0)) { /* the guard */
		uk_pmem_free(p, size);
		return 0;
	}
	struct uk_thread *t = (struct uk_thread *)(p + PAGE_SIZE + KSTACK_SIZE);
	uk_memset(t, 0, top_part); /* XRSTOR wants the XSAVE header's zeros */
	t->tid = next_tid++;
	t->block = p;
	t->kstack_bottom = p + PAGE_SIZE;
	t->kstack_top = (uint64_t)t;
	t->fpu = (void *)ALIGN_UP((uint64_t)(t + 1), 64);
	link_thread(t);
	return t;
}

/* Once it has exited and the CPU runs on another stack. */
void uk_thread_free(struct uk_thread *t)
{
	for (struct uk_thread **pp = &all; *pp; pp = &(*pp)->all_next)
		if (*pp == t) {
			*pp = t->all_next;
			break;
		}
	if (!t->block)
		return; /* the main thread's boot stacks stay */
	uk_paging_protect(t->block, t->block + PAGE_SIZE, 3); /* pmem writes its header there */
	uk_pmem_free(t->block, PAGE_SIZE + KSTACK_SIZE + top_part_size());
}

/* signal.c's (weak there: one thread without sched/) */
struct uk_sigthread *uk_sig_self(void)
{
	return &uk_thread_self()->sig;
}

struct uk_sigthread *uk_sig_thread(int tid)
{
	struct uk_thread *t = uk_thread_by_tid(tid);
	return t ? &t->sig : 0;
}
