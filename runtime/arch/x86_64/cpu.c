/* CPU state the runtime sets up once: FPU/SSE/AVX for user code, the TSS
 * with its IST stacks, the IDT, and the syscall MSRs. */
#include <uk/exit.h>

#include "cpu.h"
#include "irq.h"
#include "kernel.h"

#define CR0_MP (1ul << 1)
#define CR0_EM (1ul << 2)
#define CR0_TS (1ul << 3)
#define CR0_NE (1ul << 5)
#define CR4_OSFXSR     (1ul << 9)
#define CR4_OSXMMEXCPT (1ul << 10)
#define CR4_OSXSAVE    (1ul << 18)

#define IST_EXCEPTION 1
#define IST_DOUBLE    2
#define IST_IRQ       3
#define VEC_TIMER     32
/* exceptions, timer (32), spurious (33), device interrupts (irq.h) */
#define IDT_ENTRIES   (UK_IRQ_VEC_BASE + UK_IRQ_SLOTS)

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS layout");

struct idt_gate {
	uint16_t off0;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off1;
	uint32_t off2;
	uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

struct __attribute__((packed)) dtr {
	uint16_t limit;
	uint64_t base;
};

extern uint64_t uk_gdt[5];
extern const char uk_trap_stubs[]; /* 6 bytes a vector (entry.S) */
extern char uk_timer_stub[], uk_spurious_stub[], uk_syscall_entry[];
extern uint64_t uk_syscall_kstack;

/* In a page of free RAM taken at boot, as the page tables are: 712 bytes
 * of bss fewer in every image. */
struct cpu_tables {
	struct idt_gate idt[IDT_ENTRIES];
	struct tss tss;
};
static struct cpu_tables *cpu;

__uk_cold static void set_gate(unsigned vec, uint64_t handler, unsigned ist)
{
	struct idt_gate *g = &cpu->idt[vec];
	g->off0 = handler & 0xffff;
	g->sel = SEL_CODE;
	g->ist = ist;
	g->type = 0x8e; /* present, ring 0, 64-bit interrupt gate (IF cleared) */
	g->off1 = (handler >> 16) & 0xffff;
	g->off2 = handler >> 32;
	g->reserved = 0;
}

__uk_cold void uk_idt_set(unsigned vec, const void *stub)
{
	set_gate(vec, (uint64_t)stub, IST_IRQ);
}

__uk_cold static void enable_fpu(void)
{
	uint64_t cr0, cr4;
	uint32_t r[4];

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 = (cr0 & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE;
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	cpuid(1, 0, r);
	int xsave = (r[2] >> 26) & 1, avx = (r[2] >> 28) & 1;
	if (xsave)
		cr4 |= CR4_OSXSAVE;
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
	__asm__ volatile("fninit");
	if (xsave) {
		uint32_t s[4];
		cpuid(0xd, 0, s); /* eax: XCR0 bits the CPU supports */
		uint64_t xcr0 = 3; /* x87 | SSE */
		if (avx && (s[0] & 4))
			xcr0 |= 4;
		if ((xcr0 & 4) && (s[0] & 0xe0) == 0xe0)
			xcr0 |= 0xe0; /* AVX-512: opmask, ZMM_Hi256, Hi16_ZMM together */
		__asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)xcr0), "d"(0));
	}
	/* MXCSR keeps its reset value 0x1f80: all exceptions masked */
}

/* ist_tops: exception, double fault, interrupt stacks (16-byte aligned). */
__uk_cold void uk_cpu_init(const uint64_t ist_tops[3])
{
	enable_fpu();
	uint64_t page = uk_pmem_alloc(PAGE_SIZE, ~0ull);
	if (!page) {
		uk_printk("uk: out of memory for the IDT\n");
		uk_plat_exit(UK_EXIT_PANIC);
	}
	cpu = (struct cpu_tables *)page;
	uk_memset(cpu, 0, sizeof(*cpu));
	struct tss *tss = &cpu->tss;

	tss->ist[IST_EXCEPTION - 1] = ist_tops[0];
	tss->ist[IST_DOUBLE - 1] = ist_tops[1];
	tss->ist[IST_IRQ - 1] = ist_tops[2];
	tss->iomap_base = sizeof(*tss); /* no I/O bitmap */
	uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;
	uk_gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
		    (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	uk_gdt[4] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"(SEL_TSS));

	for (unsigned v = 0; v < 32; v++)
		set_gate(v, (uint64_t)uk_trap_stubs + 6 * v + (v < 16 ? 0 : 2),
			 v == 8 ? IST_DOUBLE : IST_EXCEPTION);
	for (unsigned v = 32; v < IDT_ENTRIES; v++)
		set_gate(v, (uint64_t)uk_spurious_stub, IST_IRQ);
	set_gate(VEC_TIMER, (uint64_t)uk_timer_stub, IST_IRQ);
	struct dtr d = {sizeof(cpu->idt) - 1, (uint64_t)cpu->idt};
	__asm__ volatile("lidt %0" : : "m"(d));
}

__uk_cold void uk_syscall_init(uint64_t kstack_top)
{
	uk_syscall_kstack = kstack_top;
	/* syscall loads CS from STAR[47:32] and SS from that + 8 */
	wrmsr(MSR_STAR, (uint64_t)SEL_CODE << 32);
	wrmsr(MSR_LSTAR, (uint64_t)uk_syscall_entry);
	/* clear TF, IF, DF, AC on entry */
	wrmsr(MSR_FMASK, (1u << 8) | (1u << 9) | (1u << 10) | (1u << 18));
}
