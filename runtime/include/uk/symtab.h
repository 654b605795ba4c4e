/* The runtime's own symbol table, used to symbolize crash reports.
 *
 * The loaded ELF image carries a read-only section named `uk_symtab` (its own
 * PT_LOAD, placed after everything else so that adding it moves no other
 * address). The runtime finds it through the linker-defined
 * __start_uk_symtab / __stop_uk_symtab (weak: without it, crash reports show
 * raw addresses). The linker (uk's, or tests/runtime/link.sh after GNU ld)
 * fills it with the image's function symbols:
 *
 *   struct uk_symtab_header                  (16 bytes)
 *   struct uk_symtab_entry[count]            sorted by addr, ascending
 *   char strings[]                           NUL-terminated names
 *
 * All integers little-endian. name is an offset from the start of strings.
 * A function extends to the next entry's address; an entry whose name is
 * the empty string marks the end of the previous function (a gap, or the
 * end of the text). Addresses are 32-bit: images live below 4 GiB. */
#ifndef UK_SYMTAB_H
#define UK_SYMTAB_H

#include <stdint.h>

#define UK_SYMTAB_MAGIC   0x54534b55u /* "UKST" */
#define UK_SYMTAB_VERSION 1u

struct uk_symtab_header {
	uint32_t magic;
	uint32_t version;
	uint32_t count;
	uint32_t reserved;
};

struct uk_symtab_entry {
	uint32_t addr;
	uint32_t name;
};

_Static_assert(sizeof(struct uk_symtab_header) == 16, "symtab header");
_Static_assert(sizeof(struct uk_symtab_entry) == 8, "symtab entry");

#endif
