/* A relocatable ELF object holding one section of given bytes: how a
 * build hands data (the image's files) to the linker as an ordinary
 * input, without the linker knowing about it. */
#ifndef UK_IMAGEFMT_SECOBJ_H
#define UK_IMAGEFMT_SECOBJ_H

#include <stddef.h>
#include <stdint.h>

/* An ET_REL x86_64 object: section `name` (SHT_PROGBITS, SHF_ALLOC and
 * SHF_GNU_RETAIN so garbage collection keeps it, read-only, aligned to
 * align) holding data[0..len), a global symbol `name` (STT_OBJECT) over
 * those bytes, and an empty .note.GNU-stack. malloc'd. name must be a C
 * identifier. */
void uk_secobj_make(const char *name, const void *data, size_t len, uint64_t align,
		    unsigned char **out, size_t *outlen);

#endif
