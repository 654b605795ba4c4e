/* The parts of Xen's guest interface the xen platform uses, written from
 * Xen's public interface documentation (hypercall numbers, structure
 * layouts). All integers little-endian; layouts checked below. */
#ifndef UK_XEN_H
#define UK_XEN_H

#include <stdint.h>

/* CPUID: Xen's leaves start at a multiple of 0x100 from 0x40000000 (after
 * another hypervisor's when Xen emulates it); base+0 gives the signature in
 * ebx, ecx, edx and the highest leaf in eax; base+2 gives in ebx the MSR
 * that takes the hypercall page's physical address; base+3 sub-leaf 0
 * gives in ecx the guest TSC frequency in kHz. */
#define UK_XEN_CPUID_FIRST   0x40000000u
#define UK_XEN_CPUID_LAST    0x40010000u
#define UK_XEN_CPUID_STEP    0x100u
#define UK_XEN_SIGNATURE_EBX 0x566e6558u /* "XenV" */
#define UK_XEN_SIGNATURE_ECX 0x65584d4du /* "MMXe" */
#define UK_XEN_SIGNATURE_EDX 0x4d4d566eu /* "nVMM" */

/* The hypercall page holds one 32-byte stub per hypercall number. */
#define UK_XEN_HYPERCALL_STRIDE 32
#define UK_XEN_HC_MEMORY_OP     12
#define UK_XEN_HC_CONSOLE_IO    18
#define UK_XEN_HC_SCHED_OP      29
#define UK_XEN_HC_EVENT_CHANNEL 32
#define UK_XEN_HC_HVM_OP        34

/* sched_op */
#define UK_XEN_SCHEDOP_YIELD    0
#define UK_XEN_SCHEDOP_SHUTDOWN 2
#define UK_XEN_SHUTDOWN_POWEROFF 0
#define UK_XEN_SHUTDOWN_CRASH    3
struct uk_xen_sched_shutdown {
	uint32_t reason;
};

/* event_channel_op */
#define UK_XEN_EVTCHNOP_SEND 4
struct uk_xen_evtchn_send {
	uint32_t port;
};

/* hvm_op */
#define UK_XEN_HVMOP_GET_PARAM        1
#define UK_XEN_DOMID_SELF             0x7ff0
#define UK_XEN_HVM_PARAM_CONSOLE_PFN    17
#define UK_XEN_HVM_PARAM_CONSOLE_EVTCHN 18
struct uk_xen_hvm_param {
	uint16_t domid;
	uint16_t pad;
	uint32_t index;
	uint64_t value;
};

/* memory_op: the guest's E820-style map (20-byte entries, packed) */
#define UK_XEN_XENMEM_MEMORY_MAP 9
struct uk_xen_memory_map {
	uint32_t nr_entries; /* in: room in buffer; out: entries written */
	uint32_t pad;
	uint64_t buffer;     /* guest address of the entries */
};
struct uk_xen_e820 {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));

/* The PV console page: two rings and their indexes, free-running
 * (an index is reduced modulo the ring size to address a byte). */
#define UK_XENCONS_IN_SIZE  1024
#define UK_XENCONS_OUT_SIZE 2048
struct uk_xencons_interface {
	char in[UK_XENCONS_IN_SIZE];
	char out[UK_XENCONS_OUT_SIZE];
	uint32_t in_cons, in_prod;
	uint32_t out_cons, out_prod;
};

/* ELF notes (name "Xen") a Xen loader reads */
#define UK_XEN_ELFNOTE_XEN_VERSION   5
#define UK_XEN_ELFNOTE_GUEST_OS      6
#define UK_XEN_ELFNOTE_GUEST_VERSION 7
#define UK_XEN_ELFNOTE_LOADER        8
#define UK_XEN_ELFNOTE_PHYS32_ENTRY  18

_Static_assert(sizeof(struct uk_xen_hvm_param) == 16, "xen_hvm_param layout");
_Static_assert(sizeof(struct uk_xen_memory_map) == 16, "xen_memory_map layout");
_Static_assert(sizeof(struct uk_xen_e820) == 20, "e820 entry layout");
_Static_assert(__builtin_offsetof(struct uk_xencons_interface, in_cons) == 3072,
	       "xencons_interface layout");
_Static_assert(sizeof(struct uk_xencons_interface) == 3088, "xencons_interface size");

#endif
