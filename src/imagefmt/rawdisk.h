/* The raw BIOS disk: MBR with uk's boot loader and one partition holding a
 * boot configuration and the kernel's PT_LOAD bytes (layout in
 * boot/rawboot.h). Pure functions over memory, so tests need no files. */
#ifndef UK_IMAGEFMT_RAWDISK_H
#define UK_IMAGEFMT_RAWDISK_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Lays out a disk for the PVH kernel elf (name says which, in errors) with
 * the kernel command line baked in. *disk is malloc'd, *len a whole MiB.
 * Refuses a kernel without a PVH note, segments beyond the loader's reach
 * and a command line longer than the boot configuration holds. */
int uk_rawdisk_make(const unsigned char *elf, size_t elflen, const char *name,
		    const char *cmdline, unsigned char **disk, size_t *len,
		    struct uk_error *err);

/* Replaces the command line in a disk made by uk_rawdisk_make (for uk run
 * on a copy of the disk). Refuses a disk without uk's boot configuration. */
int uk_rawdisk_set_cmdline(unsigned char *disk, size_t len, const char *cmdline,
			   struct uk_error *err);

/* The baked command line of a uk raw disk, or NULL (points into disk). */
const char *uk_rawdisk_cmdline(const unsigned char *disk, size_t len);

#endif
