/* Address -> function name, from the image's own `uk_symtab` section
 * (format in uk/symtab.h): a walk over the entries, rebuilding each name
 * from the one before. Every read is checked: a truncated or absent table
 * gives raw addresses, never a second fault. The name is built in the
 * caller's buffer (on the crash report's stack: none in the image's bss). */
#include <uk/symtab.h>

#include "kernel.h"

extern const char __start_uk_symtab[] __attribute__((weak));
extern const char __stop_uk_symtab[] __attribute__((weak));

__uk_cold static int uleb(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	*v = 0;
	for (unsigned shift = 0; *p < end && shift < 64; shift += 7) {
		uint8_t b = *(*p)++;
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return 0;
	}
	return -1;
}

__uk_cold const char *uk_symbolize(uint64_t addr, uint64_t *off,
				   char *name)
{
	uint64_t start = (uint64_t)__start_uk_symtab, stop = (uint64_t)__stop_uk_symtab;
	if (!__start_uk_symtab || stop < start ||
	    stop - start < sizeof(struct uk_symtab_header))
		return 0;
	const struct uk_symtab_header *h = (const void *)__start_uk_symtab;
	if (h->magic != UK_SYMTAB_MAGIC || h->version != UK_SYMTAB_VERSION ||
	    h->size > stop - start - sizeof(*h))
		return 0;
	const uint8_t *p = (const uint8_t *)(h + 1), *end = p + h->size;
	uint64_t at = 0, fn = 0;
	unsigned len = 0;
	int named = 0; /* the last entry at or below addr has a name */

	for (uint32_t i = 0; i < h->count; i++) {
		uint64_t d;
		if (uleb(&p, end, &d) < 0 || p >= end || d > UINT64_MAX - at)
			return 0;
		if (at + d > addr)
			break;
		at += d;
		uint8_t keep = *p++;
		if (keep == UK_SYMTAB_GAP) {
			named = 0;
			continue;
		}
		if (keep > len)
			return 0;
		len = keep;
		while (p < end && *p && len < UK_SYMTAB_NAME_MAX)
			name[len++] = (char)*p++;
		if (p >= end || *p)
			return 0; /* runs off the table, or too long */
		p++;
		name[len] = 0;
		named = len > 0;
		fn = at;
	}
	if (!named)
		return 0;
	*off = addr - fn;
	return name;
}
