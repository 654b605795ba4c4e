/* From a linked kernel ELF to the image a target boots:
 *   kvm  the kernel itself (a PVH ELF): nothing to add
 *   xen  the kernel linked with the xen platform (its Xen notes are
 *        checked) plus <kernel>.xl.cfg for `xl create`
 *   raw  a BIOS disk (MBR, uk's boot loader, the kernel) at out; with gce,
 *        also <out without .img>.tar.gz holding disk.raw for Google Compute
 *        Engine
 * The kernel command line is baked into xl.cfg and the raw disk. */
#ifndef UK_IMAGEFMT_IMAGE_H
#define UK_IMAGEFMT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "manifest/manifest.h"
#include "util/error.h"

struct uk_image_params {
	const char *name;    /* the image name (xl's domain name) */
	uint64_t memory;     /* guest RAM, bytes */
	const char *cmdline; /* kernel command line, see uk_image_cmdline */
	int gce;             /* raw: also the GCE tarball */
};

int uk_image_write(enum uk_target t, const char *kernel, const struct uk_image_params *p,
		   const char *out, struct uk_error *err);

/* The kernel command line for a program (man/uk-runtime.7):
 * uk.name=NAME [uk.env=K=V]... -- ARGS..., words quoted as the runtime
 * splits them. malloc'd. */
char *uk_image_cmdline(const char *name, char *const *env, size_t nenv,
		       char *const *args, size_t nargs);

/* Writes a raw disk (rawdisk.h) or the GCE tarball of one; atomic. */
int uk_rawdisk_write(const char *kernel, const char *name, const char *cmdline,
		     const char *out, struct uk_error *err);
int uk_gce_write(const char *disk, const char *out, struct uk_error *err);

/* xen: checks the Xen notes of kernel; writes the xl configuration. */
int uk_xen_notes_check(const char *kernel, struct uk_error *err);
int uk_xlcfg_write(const char *kernel, const struct uk_image_params *p, const char *out,
		   struct uk_error *err);
/* The xl configuration's text (for tests); malloc'd. */
char *uk_xlcfg_text(const char *kernel, const struct uk_image_params *p);

#endif
