/* Internal interfaces of the runtime core. Not installed. */
#ifndef UK_KERNEL_H
#define UK_KERNEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <uk/pvh.h>

/* Boot-once, crash-report and tracing code: optimized for size (GCC's
 * `cold`), so the runtime stays small while hot paths keep -O2. */
#define __uk_cold __attribute__((cold))

#define PAGE_SIZE 4096ul
#define ALIGN_UP(x, a)   (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))

/* string.c: the runtime's own, so it never depends on libc's */
void *uk_memset(void *d, int c, size_t n);
void *uk_memcpy(void *d, const void *s, size_t n);
size_t uk_strlen(const char *s);
int uk_strncmp(const char *a, const char *b, size_t n);

/* printk.c: formatted output straight to the console.
 * Supports %s %c %d %u %x %lu %ld %lx %p %%, width and 0 padding. */
void uk_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void uk_vprintk(const char *fmt, va_list ap);

/* platform (plat/<name>/): console, power, legacy timers */
void uk_plat_console_write(const char *s, size_t n);
/* The next input byte, or -1 when none is waiting. */
int uk_plat_console_getc(void);
/* Called once before input is read: 1 when waiting input will raise an
 * interrupt (a halted CPU wakes), 0 when it must be polled. resync: the
 * sender starts with a marker (uk.relay), so the receive FIFO may be
 * reset, which can drop a byte, to make input faster. */
int uk_plat_console_input(int resync);
__attribute__((noreturn)) void uk_plat_exit(int status);
/* TSC frequency from a platform timer (the PIT on kvm), 0 if none. */
uint64_t uk_plat_tsc_hz(void);
/* Seconds since the Epoch from a wall clock, 0 if none. */
uint64_t uk_plat_wallclock(void);
/* Silences interrupt controllers other than the local APIC. */
void uk_plat_mask_legacy_irqs(void);
/* RAM when start_info has no memory map (version 0): add() per range.
 * Weak default in memory.c: none (the xen platform asks Xen). */
void uk_plat_memmap(void (*add)(uint64_t start, uint64_t end));


/* memory.c: boot memory map */
struct uk_mem_region {
	uint64_t start, end;
};
extern struct uk_mem_region uk_ram[16];
extern unsigned uk_ram_count;
extern uint64_t uk_ram_top;
void uk_mem_init(const struct uk_pvh_start_info *si);

/* pmem.c: physical page allocator; memory is identity-mapped */
void uk_pmem_add(uint64_t start, uint64_t end);
void uk_pmem_reserve(uint64_t start, uint64_t end);
/* Highest free run of size bytes below limit, aligned; 0 if none. */
uint64_t uk_pmem_alloc(uint64_t size, uint64_t limit);
int uk_pmem_claim(uint64_t start, uint64_t size); /* 0 if it was all free */
int uk_pmem_is_free(uint64_t start, uint64_t end);
void uk_pmem_free(uint64_t start, uint64_t size);
void uk_pmem_neighbours(uint64_t start, uint64_t end, uint64_t *lo, uint64_t *hi);
uint64_t uk_pmem_free_bytes(void);

/* paging.c */
#define PT_LOW_LIMIT (4ull << 30) /* mapped by the boot page tables */
void uk_paging_init(void);
void uk_paging_map_ram_high(void);
/* [va, va + size) unmapped, as a guard (uk_paging_is_guard): 8 at most,
 * each under 16 MiB */
void uk_paging_unmap(uint64_t va, uint64_t size);
void uk_paging_map_mmio(uint64_t pa);
int uk_paging_is_guard(uint64_t va);
/* Rights of [start, end), pages of RAM, as PROT_READ 1 | PROT_WRITE 2 |
 * PROT_EXEC 4 (0: no access); the TLB is flushed. -1 when out of memory
 * for a page table. Read-write (3) needs no table. */
int uk_paging_protect(uint64_t start, uint64_t end, unsigned prot);
unsigned uk_paging_prot(uint64_t va); /* what the page at va allows */
/* Outside RAM only (vmap.c's window): page va shows physical page pa with
 * prot (pa 0 or prot 0: no access); -1 when out of memory for a table. */
int uk_paging_map_page(uint64_t va, uint64_t pa, unsigned prot);
/* The physical page behind va when it is present, else 0. */
uint64_t uk_paging_present(uint64_t va);

/* usermem.c: which pages of RAM are the program's (mmap, brk), a bit
 * each. Only those may have rights other than read-write. */
int uk_umem_init(void); /* 0, or -1 when out of memory; once */
/* From start, the run of pages that are all (*owned = 1) or all not the
 * program's: returns where it ends, at most end. */
uint64_t uk_umem_run(uint64_t start, uint64_t end, int *owned);
void uk_umem_mark(uint64_t start, uint64_t end, int owned); /* after init */

/* image.c: the loaded ELF image, through __ehdr_start */
struct uk_segment {
	uint64_t start, end;
	unsigned flags; /* PF_X 1, PF_W 2, PF_R 4 */
};
unsigned uk_image_segments(struct uk_segment *seg, unsigned max);
uint64_t uk_image_end(void); /* the boot page tables included */
/* arch/x86_64/pvh.S: the boot page tables, three pages in free RAM (the
 * PML4, the PDPT, the PD), which stay the live ones */
extern uint64_t uk_boot_tables;
#define UK_BOOT_TABLES_SIZE (6 * PAGE_SIZE) /* PML4, PDPT, 4 PDs (pvh.S) */
uint64_t uk_image_phdr(void);
unsigned uk_image_phnum(void);

/* cmdline.c: options and the words of the command line */
struct uk_options {
	const char *name;
	int strace;
	int bootstats;
	int verbose;
	uint64_t stack_size;
	uint8_t tty_given;     /* uk.tty= was given */
	uint8_t tty;           /* bit n: descriptor n is a terminal */
	uint8_t relay;         /* uk.relay */
	uint8_t quiet_enosys;  /* uk.enosys=quiet */
	uint16_t rows, cols;   /* uk.winsize= */
};
extern struct uk_options uk_opt;
void uk_cmdline_parse(const char *raw);
/* Words of one kind ('a' argument, 'e' environment): pass 0, then the last. */
const char *uk_cmdline_next(const char *prev, char kind);

/* process.c */
struct uk_stack {
	uint64_t bottom, top;
};
extern struct uk_stack uk_main_stack, uk_kernel_stack;
extern uint64_t uk_ist_tops[3];
void uk_stacks_init(void);
__attribute__((noreturn)) void uk_process_start(void);

/* syscall_random.c */
void uk_random_fill(void *buf, size_t n);

/* arch/x86_64/cpu.c */
void uk_cpu_init(const uint64_t ist_tops[3]);
void uk_syscall_init(uint64_t kstack_top);

/* arch/x86_64/time.c */
uint64_t uk_tsc_hz(void);
uint64_t uk_monotonic_ns(void);
uint64_t uk_realtime_ns(void);
void uk_sleep_until_ns(uint64_t deadline);
/* Halts until an interrupt or the deadline, whichever comes first. */
void uk_halt_until(uint64_t deadline);
void uk_bootstats_print(uint64_t tsc_main);

/* symbolize.c */
/* name: UK_SYMTAB_NAME_MAX + 1 bytes (uk/symtab.h), which it returns */
const char *uk_symbolize(uint64_t addr, uint64_t *off, char *name);

/* arch/x86_64/trap.c: crash report, then exit with 128 + sig */
__attribute__((noreturn)) void uk_die_signal(int sig, const char *why);

/* syscall.c */
long uk_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5);

#endif
