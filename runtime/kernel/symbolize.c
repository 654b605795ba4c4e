/* Address -> function name, from the image's own `uk_symtab` section
 * (format in uk/symtab.h): a walk over the entries' nibbles, rebuilding
 * each name from the one before. Every read is checked: a truncated or
 * absent table gives raw addresses, never a second fault. The name is built
 * in the caller's buffer (on the crash report's stack: none in the image's
 * bss). */
#include <uk/symtab.h>

#include "kernel.h"

extern const char __start_uk_symtab[] __attribute__((weak));
extern const char __stop_uk_symtab[] __attribute__((weak));

struct nibbles {
	const uint8_t *p;
	uint64_t at, n; /* in nibbles */
};

/* the next nibble, -1 past the end */
__uk_cold static int nib(struct nibbles *s)
{
	if (s->at >= s->n)
		return -1;
	unsigned b = s->p[s->at / 2] >> (s->at & 1) * 4;
	s->at++;
	return b & 15;
}

__uk_cold static int var(struct nibbles *s, uint64_t *v)
{
	*v = 0;
	for (unsigned shift = 0; shift < 64; shift += 3) {
		int x = nib(s);
		if (x < 0)
			return -1;
		*v |= (uint64_t)(x & 7) << shift;
		if (!(x & 8))
			return 0;
	}
	return -1;
}

/* a name's next byte: 0 at its end, -1 when the table is bad */
__uk_cold static int byte(struct nibbles *s, const uint8_t *alpha)
{
	int c = nib(s), x = c < 14 ? 0 : nib(s);
	if (c <= 0 || x < 0)
		return c ? -1 : 0;
	if (c < 14)
		c = alpha[c - 1];
	else if (c == 14)
		c = alpha[UK_SYMTAB_SINGLES + x];
	else {
		int hi = nib(s);
		c = hi < 0 ? -1 : x | hi << 4;
	}
	return c ? c : -1; /* an unused alpha[] byte or a raw NUL */
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
	    h->size > stop - start - sizeof(*h) || h->size < UK_SYMTAB_ALPHA)
		return 0;
	const uint8_t *alpha = (const uint8_t *)(h + 1);
	struct nibbles s = {alpha + UK_SYMTAB_ALPHA, 0, 2 * (uint64_t)(h->size - UK_SYMTAB_ALPHA)};
	uint64_t at = 0, fn = 0;
	unsigned len = 0;

	for (uint32_t i = 0; i < h->count; i++) {
		uint64_t d, keep;
		if (var(&s, &d) < 0 || d > UINT64_MAX - at)
			return 0;
		if (at + d > addr)
			break;
		at += d;
		if (var(&s, &keep) < 0 || keep > len)
			return 0;
		len = (unsigned)keep;
		int c;
		while ((c = byte(&s, alpha)) > 0 && len < UK_SYMTAB_NAME_MAX)
			name[len++] = (char)c;
		if (c)
			return 0; /* a bad byte, off the table, or too long */
		name[len] = 0;
		fn = at;
	}
	if (!len)
		return 0; /* before the first entry, or in a gap */
	*off = addr - fn;
	return name;
}
