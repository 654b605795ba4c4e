/* Address -> function name, from the image's own `uk_symtab` section
 * (format in uk/symtab.h). Every offset is checked: a truncated or absent
 * table gives raw addresses, never a second fault. */
#include <uk/symtab.h>

#include "kernel.h"

extern const char __start_uk_symtab[] __attribute__((weak));
extern const char __stop_uk_symtab[] __attribute__((weak));

__uk_cold const char *uk_symbolize(uint64_t addr, uint64_t *off)
{
	const char *base = __start_uk_symtab;
	uint64_t start = (uint64_t)__start_uk_symtab, stop = (uint64_t)__stop_uk_symtab;
	if (!base || stop < start || stop - start < sizeof(struct uk_symtab_header))
		return 0;
	uint64_t size = stop - start;
	const struct uk_symtab_header *h = (const void *)base;
	if (h->magic != UK_SYMTAB_MAGIC || h->version != UK_SYMTAB_VERSION ||
	    h->count > (size - sizeof(*h)) / sizeof(struct uk_symtab_entry))
		return 0;
	const struct uk_symtab_entry *e = (const void *)(h + 1);
	const char *strs = (const char *)(e + h->count);
	uint64_t strsize = size - (uint64_t)(strs - base);

	uint32_t lo = 0, hi = h->count; /* find the last entry with addr <= addr */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (e[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return 0;
	const struct uk_symtab_entry *s = &e[lo - 1];
	if (s->name >= strsize || !strs[s->name] || addr > 0xffffffffu)
		return 0;
	/* the name must end inside the table */
	for (uint64_t i = s->name; i < strsize; i++) {
		if (!strs[i]) {
			*off = addr - s->addr;
			return strs + s->name;
		}
	}
	return 0;
}
