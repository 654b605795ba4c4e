/* PVH boot ABI: what a loader hands the runtime at its 32-bit entry point.
 * Written from the Xen public interface description (start_info v0/v1).
 * The entry point is announced with an ELF note: name "Xen", type
 * UK_PVH_NOTE_TYPE, descriptor = entry address as 8 bytes, zero-padded. */
#ifndef UK_PVH_H
#define UK_PVH_H

#include <stdint.h>

#define UK_PVH_NOTE_TYPE   18          /* XEN_ELFNOTE_PHYS32_ENTRY */
#define UK_PVH_MAGIC       0x336ec578u /* hvm_start_info.magic */
#define UK_PVH_MEMMAP_RAM  1           /* E820 type of usable RAM */

/* Entered in 32-bit protected mode, paging off, ebx = physical address of
 * this structure. version 0 ends at rsdp_paddr; version 1 adds the map. */
struct uk_pvh_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;   /* NUL-terminated, 0 if none */
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;    /* version >= 1 */
	uint32_t memmap_entries;  /* version >= 1 */
	uint32_t reserved;
};

struct uk_pvh_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

_Static_assert(sizeof(struct uk_pvh_start_info) == 56, "start_info layout");
_Static_assert(sizeof(struct uk_pvh_memmap_entry) == 24, "memmap layout");

#endif
