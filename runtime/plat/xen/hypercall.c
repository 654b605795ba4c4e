/* Finding Xen (CPUID hypervisor leaves) and calling it: Xen writes its
 * hypercall stubs into a page whose address the guest gives it through
 * the MSR that Xen's CPUID leaf base+2 names. The page is in the image's
 * text (executable; Xen writes it through guest-physical memory). */
#include "cpu.h"
#include "kernel.h"
#include "xen.h"

__asm__(".pushsection .text.uk_xen_hypercall_page, \"ax\", @progbits\n"
	".balign 4096\n"
	".globl uk_xen_hypercall_page\n"
	"uk_xen_hypercall_page:\n"
	".fill 4096, 1, 0xcc\n"
	".popsection");
extern char uk_xen_hypercall_page[];

static int xen_state; /* 0 not probed yet, 1 Xen, -1 not Xen */
static uint32_t xen_base;

__uk_cold static int probe(void)
{
	uint32_t r[4];

	for (uint32_t leaf = UK_XEN_CPUID_FIRST; leaf < UK_XEN_CPUID_LAST;
	     leaf += UK_XEN_CPUID_STEP) {
		cpuid(leaf, 0, r);
		if (r[1] == UK_XEN_SIGNATURE_EBX && r[2] == UK_XEN_SIGNATURE_ECX &&
		    r[3] == UK_XEN_SIGNATURE_EDX && r[0] >= leaf + 2) {
			xen_base = leaf;
			break;
		}
	}
	if (!xen_base)
		return -1;
	cpuid(xen_base + 2, 0, r); /* eax: hypercall pages, ebx: the MSR */
	if (r[0] < 1)
		return -1;
	wrmsr(r[1], (uint64_t)uk_xen_hypercall_page);
	return 1;
}

int uk_xen_detect(void)
{
	if (!xen_state)
		xen_state = probe();
	return xen_state > 0;
}

uint32_t uk_xen_cpuid_base(void)
{
	return uk_xen_detect() ? xen_base : 0;
}

long uk_xen_hypercall(unsigned nr, unsigned long a1, void *a2)
{
	register unsigned long rdi __asm__("rdi") = a1;
	register unsigned long rsi __asm__("rsi") = (unsigned long)a2;
	void *stub = uk_xen_hypercall_page + nr * UK_XEN_HYPERCALL_STRIDE;
	long ret;

	__asm__ volatile("call *%[stub]"
			 : "=a"(ret), "+r"(rdi), "+r"(rsi)
			 : [stub] "r"(stub)
			 : "memory", "rcx", "rdx", "r8", "r9", "r10", "r11");
	return ret;
}
