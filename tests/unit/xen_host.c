/* Host-side test of the xen platform's console ring and shutdown logic:
 * runtime/plat/xen/{ring,console,exit}.c and the runtime's printk, built
 * for the host (tests/integration/targets.sh) against a simulated
 * hypercall layer and console backend defined here. Prints PASS/FAIL. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "xen.h"

static struct uk_xencons_interface *page;
static char backend[16384];   /* what the console backend consumed */
static size_t nbackend;
static int drain_on_notify, drain_on_yield, notifies, yields, mapped_ok;
static unsigned last_port, shutdown_reason;
static jmp_buf after_exit;
static uint32_t map_claim;
static uint64_t ranges[64][2];
static unsigned nranges;

static void add_range(uint64_t start, uint64_t end)
{
	if (nranges < 64) {
		ranges[nranges][0] = start;
		ranges[nranges][1] = end;
	}
	nranges++;
}
static int failures;

static void drain(void)
{
	while (page->out_cons != page->out_prod && nbackend < sizeof(backend))
		backend[nbackend++] = page->out[page->out_cons++ % UK_XENCONS_OUT_SIZE];
}

int uk_xen_detect(void) { return 1; }
uint32_t uk_xen_cpuid_base(void) { return 0x40000000; }

long uk_xen_hypercall(unsigned nr, unsigned long a1, void *a2)
{
	switch (nr) {
	case UK_XEN_HC_HVM_OP: {
		struct uk_xen_hvm_param *p = a2;

		if (a1 != UK_XEN_HVMOP_GET_PARAM || p->domid != UK_XEN_DOMID_SELF)
			return -22;
		if (p->index == UK_XEN_HVM_PARAM_CONSOLE_PFN)
			p->value = (uint64_t)page >> 12;
		else if (p->index == UK_XEN_HVM_PARAM_CONSOLE_EVTCHN)
			p->value = 7;
		else
			return -22;
		return 0;
	}
	case UK_XEN_HC_MEMORY_OP: {
		struct uk_xen_memory_map *mm = a2;
		struct uk_xen_e820 *e = (struct uk_xen_e820 *)mm->buffer;

		if (a1 != UK_XEN_XENMEM_MEMORY_MAP || mm->nr_entries < 3)
			return -22;
		e[0] = (struct uk_xen_e820){ 0, 0x9f000, 1 };
		e[1] = (struct uk_xen_e820){ 0xf0000, 0x10000, 2 };
		e[2] = (struct uk_xen_e820){ 0x100000, 0x7f00000, 1 };
		/* a hypervisor claiming more entries than the buffer holds */
		mm->nr_entries = map_claim ? map_claim : 3;
		return 0;
	}
	case UK_XEN_HC_EVENT_CHANNEL:
		if (a1 == UK_XEN_EVTCHNOP_SEND) {
			last_port = ((struct uk_xen_evtchn_send *)a2)->port;
			notifies++;
			if (drain_on_notify)
				drain();
		}
		return 0;
	case UK_XEN_HC_SCHED_OP:
		if (a1 == UK_XEN_SCHEDOP_YIELD) {
			yields++;
			if (drain_on_yield)
				drain();
			return 0;
		}
		if (a1 == UK_XEN_SCHEDOP_SHUTDOWN) {
			shutdown_reason = ((struct uk_xen_sched_shutdown *)a2)->reason;
			longjmp(after_exit, 1);
		}
		return -38;
	}
	return -38;
}

void uk_paging_map_mmio(uint64_t pa) { mapped_ok = pa == (uint64_t)page; }
void uk_kvm_console_write(const char *s, size_t n) { (void)s; (void)n; abort(); }
int uk_kvm_console_getc(void) { abort(); }
int uk_kvm_console_input(int resync) { (void)resync; abort(); }
void uk_kvm_exit(int status) { (void)status; abort(); }
uint64_t uk_kvm_tsc_hz(void) { abort(); }
uint64_t uk_kvm_wallclock(void) { abort(); }
void uk_kvm_mask_legacy_irqs(void) { abort(); }

#define EXPECT(name, cond)                                                     \
	do {                                                                   \
		if (cond) {                                                    \
			printf("PASS %s\n", name);                             \
		} else {                                                       \
			printf("FAIL %s: %s\n", name, #cond);                  \
			failures++;                                            \
		}                                                              \
	} while (0)

static void reset(void)
{
	memset(page, 0, sizeof(*page));
	nbackend = 0;
	notifies = yields = 0;
	drain_on_notify = drain_on_yield = 0;
}

static int exit_with(int status)
{
	shutdown_reason = 99;
	if (!setjmp(after_exit))
		uk_plat_exit(status);
	return (int)shutdown_reason;
}

int main(void)
{
	static char big[5000], got[5000];

	page = aligned_alloc(4096, 4096);
	reset();

	uk_plat_console_write("hello\n", 6); /* "\n" as "\r\n", like a tty */
	EXPECT("xen-ring-write", page->out_prod == 7 && memcmp(page->out, "hello\r\n", 7) == 0);
	EXPECT("xen-ring-notify", notifies >= 1 && last_port == 7);
	EXPECT("xen-ring-mapped", mapped_ok);

	/* more than the ring holds: the backend drains only when we yield */
	reset();
	drain_on_yield = 1;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	uk_plat_console_write(big, sizeof(big));
	/* no newline in big: every byte goes out as it is */
	EXPECT("xen-ring-full-waits", yields >= 2 && nbackend + (page->out_prod - page->out_cons) ==
							   sizeof(big));
	drain();
	EXPECT("xen-ring-order", nbackend == sizeof(big) && memcmp(backend, big, sizeof(big)) == 0);

	/* indexes about to wrap at 2^32 */
	reset();
	page->out_cons = page->out_prod = 0xfffffff0u;
	drain_on_notify = 1;
	uk_plat_console_write(big, 100);
	EXPECT("xen-ring-wrap", page->out_prod == 0x54u && nbackend == 100 &&
					memcmp(backend, big, 100) == 0);

	/* a backend that left nonsense indexes: output dropped, no hang */
	reset();
	page->out_prod = 5000;
	page->out_cons = 0;
	uk_plat_console_write("x", 1);
	EXPECT("xen-ring-bad-indexes", page->out_prod == 5000 && yields > 1000);

	/* input */
	reset();
	memcpy(page->in, "ab", 2);
	page->in_prod = 2;
	got[0] = (char)uk_plat_console_getc();
	got[1] = (char)uk_plat_console_getc();
	EXPECT("xen-ring-read", got[0] == 'a' && got[1] == 'b' && uk_plat_console_getc() == -1 &&
					page->in_cons == 2 && notifies == 2);
	reset();
	page->in_prod = 3000; /* more than the input ring */
	EXPECT("xen-ring-read-bad-indexes", uk_plat_console_getc() == -1 && page->in_cons == 0);
	reset();
	page->in_cons = page->in_prod = 0xffffffffu;
	page->in[0xffffffffu % UK_XENCONS_IN_SIZE] = 'z';
	page->in_prod = 0;
	EXPECT("xen-ring-read-wrap", uk_plat_console_getc() == 'z' && page->in_cons == 0);

	/* shutdown: poweroff prints the status first; crashes crash */
	reset();
	drain_on_notify = 1;
	EXPECT("xen-exit-poweroff", exit_with(3) == UK_XEN_SHUTDOWN_POWEROFF && nbackend == 19 &&
					    memcmp(backend, "uk: exit status 3\r\n", 19) == 0);
	reset();
	drain_on_notify = 1;
	EXPECT("xen-exit-crash", exit_with(139) == UK_XEN_SHUTDOWN_CRASH && nbackend == 0);
	EXPECT("xen-exit-reasons", exit_with(0) == UK_XEN_SHUTDOWN_POWEROFF &&
					   exit_with(126) == UK_XEN_SHUTDOWN_CRASH &&
					   exit_with(134) == UK_XEN_SHUTDOWN_CRASH &&
					   exit_with(200) == UK_XEN_SHUTDOWN_POWEROFF &&
					   exit_with(255) == UK_XEN_SHUTDOWN_POWEROFF);

	/* start_info v0: the memory map from XENMEM_memory_map, RAM only */
	uk_plat_memmap(add_range);
	EXPECT("xen-memmap", nranges == 2 && ranges[0][0] == 0 && ranges[0][1] == 0x9f000 &&
				     ranges[1][0] == 0x100000 && ranges[1][1] == 0x8000000);
	nranges = 0;
	map_claim = 1000; /* no more than the buffer's 32 entries are read */
	uk_plat_memmap(add_range);
	EXPECT("xen-memmap-bounded", nranges <= 32);
	free(page);
	return failures ? 1 : 0;
}
