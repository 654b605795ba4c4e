/* The runtime's own symbol table, used to symbolize crash reports.
 *
 * The loaded ELF image carries a read-only section named `uk_symtab` (its own
 * PT_LOAD, placed after everything else so that adding it moves no other
 * address). The runtime finds it through the linker-defined
 * __start_uk_symtab / __stop_uk_symtab (weak: without it, crash reports show
 * raw addresses). The linker (uk's, or tests/runtime/link.sh after GNU ld)
 * fills it with the image's function symbols, compactly (version 3):
 *
 *   struct uk_symtab_header                  (16 bytes)
 *   uint8_t alpha[UK_SYMTAB_ALPHA]           the names' most frequent bytes
 *   then, up to the end of size, a stream of 4-bit nibbles (each byte's
 *   low nibble first) holding count entries, sorted by address, each:
 *     var delta   its address minus the previous entry's (the first's minus 0)
 *     var keep    the number of leading bytes its name shares with the
 *                 previous entry's name
 *     the name's other bytes, each one nibble c: 1..13 is alpha[c - 1];
 *                 14 then x is alpha[13 + x]; 15 then lo, hi is the byte
 *                 lo | hi << 4 (any other); 0 ends the name. A name is at
 *                 most UK_SYMTAB_NAME_MAX bytes (the linker cuts longer ones)
 *   A var is 3 bits a nibble, low bits first, while the nibble's bit 3 is
 *   set. An empty name (keep 0, nothing else) is a gap: no function there
 *   (after the end of the text, or a hole of 16 bytes or more; the padding
 *   that aligns the next function is left to the one before it).
 *
 * Identifiers mostly use a few letters and '_': a name's byte takes about
 * 4.6 bits, front coding shares prefixes (uk_..., __...), and the reader
 * stays a few dozen instructions. A function extends to the next entry's
 * address. Reading it is a walk from the start (crash reports only: a few
 * thousand entries). Integers are little-endian. */
#ifndef UK_SYMTAB_H
#define UK_SYMTAB_H

#include <stdint.h>

#define UK_SYMTAB_MAGIC    0x54534b55u /* "UKST" */
#define UK_SYMTAB_VERSION  3u
#define UK_SYMTAB_SINGLES  13u /* alpha[] bytes of one nibble */
#define UK_SYMTAB_ALPHA    29u /* and 16 of two */
#define UK_SYMTAB_NAME_MAX 254u

struct uk_symtab_header {
	uint32_t magic;
	uint32_t version;
	uint32_t count;
	uint32_t size;     /* bytes after the header: alpha, then the nibbles */
};

_Static_assert(sizeof(struct uk_symtab_header) == 16, "symtab header");

#endif
