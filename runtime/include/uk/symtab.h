/* The runtime's own symbol table, used to symbolize crash reports.
 *
 * The loaded ELF image carries a read-only section named `uk_symtab` (its own
 * PT_LOAD, placed after everything else so that adding it moves no other
 * address). The runtime finds it through the linker-defined
 * __start_uk_symtab / __stop_uk_symtab (weak: without it, crash reports show
 * raw addresses). The linker (uk's, or tests/runtime/link.sh after GNU ld)
 * fills it with the image's function symbols, compactly (version 2):
 *
 *   struct uk_symtab_header                  (16 bytes)
 *   count entries, sorted by address, size bytes in all, each:
 *     uleb128 delta   its address minus the previous entry's (the first's
 *                     minus 0)
 *     uint8_t keep    UK_SYMTAB_GAP: the entry has no name and ends the
 *                     previous function (a gap, or the end of the text);
 *                     else the number of leading bytes its name shares with
 *                     the previous named entry's name,
 *     char rest[]     only after a name: the name's other bytes, ending in
 *                     NUL (a name is at most UK_SYMTAB_NAME_MAX bytes; the
 *                     linker cuts longer ones)
 *
 * A function extends to the next entry's address. Reading it is a walk from
 * the start (crash reports only: a few thousand entries). Integers are
 * little-endian. */
#ifndef UK_SYMTAB_H
#define UK_SYMTAB_H

#include <stdint.h>

#define UK_SYMTAB_MAGIC    0x54534b55u /* "UKST" */
#define UK_SYMTAB_VERSION  2u
#define UK_SYMTAB_GAP      0xffu
#define UK_SYMTAB_NAME_MAX 254u

struct uk_symtab_header {
	uint32_t magic;
	uint32_t version;
	uint32_t count;
	uint32_t size;     /* bytes of entries after the header */
};

_Static_assert(sizeof(struct uk_symtab_header) == 16, "symtab header");

#endif
