/* Small helpers of the linker: allocation that cannot fail quietly, string
 * building, relocation names, putting a finished output in its place. */
#include <elf.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linker/internal.h"
#include "util/path.h"

/* Over an old plain file, the new one and it swap (one atomic step, as a
 * rename over it is) and the old one, now at tmp, is removed: ext4
 * (auto_da_alloc) starts writing back at once a file renamed over another,
 * not one swapped in, and that was a sixth of a small link's time. Else (no
 * old file, a symlink or device written through, a file system that cannot
 * swap) uk_path_publish. */
int lk_publish(const char *tmp, const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) == 0) {
		unlink(tmp);
		return 0;
	}
	return uk_path_publish(tmp, path);
}

void *lk_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		abort(); /* out of memory: nothing sensible to report */
	return p;
}

char *lk_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		abort();
	return p;
}

char *lk_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		abort();
	va_end(ap);
	return p;
}

void lk_append(char **buf, const char *fmt, ...)
{
	va_list ap;
	char *add, *n;
	size_t old = *buf ? strlen(*buf) : 0;

	va_start(ap, fmt);
	if (vasprintf(&add, fmt, ap) < 0)
		abort();
	va_end(ap);
	n = realloc(*buf, old + strlen(add) + 1);
	if (!n)
		abort();
	memcpy(n + old, add, strlen(add) + 1);
	free(add);
	*buf = n;
}

void lk_push(void *arrp, size_t *n, size_t *cap, size_t elem, const void *v)
{
	char **arr = arrp;

	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		char *p = realloc(*arr, nc * elem);

		if (!p)
			abort();
		*arr = p;
		*cap = nc;
	}
	memcpy(*arr + *n * elem, v, elem);
	(*n)++;
}

int lk_is_c_ident(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

uint64_t lk_align_up(uint64_t v, uint64_t a)
{
	if (a <= 1)
		return v;
	return (v + a - 1) & ~(a - 1);
}

const char *lk_reloc_name(uint32_t type)
{
	static const char *const names[] = {
		[R_X86_64_NONE] = "R_X86_64_NONE",
		[R_X86_64_64] = "R_X86_64_64",
		[R_X86_64_PC32] = "R_X86_64_PC32",
		[R_X86_64_GOT32] = "R_X86_64_GOT32",
		[R_X86_64_PLT32] = "R_X86_64_PLT32",
		[R_X86_64_COPY] = "R_X86_64_COPY",
		[R_X86_64_GLOB_DAT] = "R_X86_64_GLOB_DAT",
		[R_X86_64_JUMP_SLOT] = "R_X86_64_JUMP_SLOT",
		[R_X86_64_RELATIVE] = "R_X86_64_RELATIVE",
		[R_X86_64_GOTPCREL] = "R_X86_64_GOTPCREL",
		[R_X86_64_32] = "R_X86_64_32",
		[R_X86_64_32S] = "R_X86_64_32S",
		[R_X86_64_16] = "R_X86_64_16",
		[R_X86_64_PC16] = "R_X86_64_PC16",
		[R_X86_64_8] = "R_X86_64_8",
		[R_X86_64_PC8] = "R_X86_64_PC8",
		[R_X86_64_DTPMOD64] = "R_X86_64_DTPMOD64",
		[R_X86_64_DTPOFF64] = "R_X86_64_DTPOFF64",
		[R_X86_64_TPOFF64] = "R_X86_64_TPOFF64",
		[R_X86_64_TLSGD] = "R_X86_64_TLSGD",
		[R_X86_64_TLSLD] = "R_X86_64_TLSLD",
		[R_X86_64_DTPOFF32] = "R_X86_64_DTPOFF32",
		[R_X86_64_GOTTPOFF] = "R_X86_64_GOTTPOFF",
		[R_X86_64_TPOFF32] = "R_X86_64_TPOFF32",
		[R_X86_64_PC64] = "R_X86_64_PC64",
		[R_X86_64_GOTOFF64] = "R_X86_64_GOTOFF64",
		[R_X86_64_GOTPC32] = "R_X86_64_GOTPC32",
		[R_X86_64_GOT64] = "R_X86_64_GOT64",
		[R_X86_64_GOTPCREL64] = "R_X86_64_GOTPCREL64",
		[R_X86_64_GOTPC64] = "R_X86_64_GOTPC64",
		[R_X86_64_GOTPLT64] = "R_X86_64_GOTPLT64",
		[R_X86_64_PLTOFF64] = "R_X86_64_PLTOFF64",
		[R_X86_64_SIZE32] = "R_X86_64_SIZE32",
		[R_X86_64_SIZE64] = "R_X86_64_SIZE64",
		[R_X86_64_GOTPC32_TLSDESC] = "R_X86_64_GOTPC32_TLSDESC",
		[R_X86_64_TLSDESC_CALL] = "R_X86_64_TLSDESC_CALL",
		[R_X86_64_TLSDESC] = "R_X86_64_TLSDESC",
		[R_X86_64_IRELATIVE] = "R_X86_64_IRELATIVE",
		[R_X86_64_RELATIVE64] = "R_X86_64_RELATIVE64",
		[R_X86_64_GOTPCRELX] = "R_X86_64_GOTPCRELX",
		[R_X86_64_REX_GOTPCRELX] = "R_X86_64_REX_GOTPCRELX",
	};
	static char buf[32];

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	snprintf(buf, sizeof(buf), "relocation type %u", type);
	return buf;
}

uint64_t lk_piece_addr(const struct lk_sec *s, uint64_t off)
{
	const uint32_t *p = s->pieces;
	size_t lo = 0, hi = s->npieces;

	while (hi - lo > 1) { /* the last piece starting at or before off */
		size_t mid = lo + (hi - lo) / 2;
		if (p[2 * mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return s->into->addr + p[2 * lo + 1] + (off - p[2 * lo]);
}

void lk_radix_sort(struct lk_keyed *v, size_t n)
{
	struct lk_keyed *t, *a = v, *b, *x;
	size_t cnt[256], i, j, sh;

	if (n < 2)
		return;
	t = b = lk_xcalloc(n, sizeof(*t));
	for (sh = 0; sh < 64; sh += 8) {
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[a[i].key >> sh & 0xff]++;
		if (cnt[a[0].key >> sh & 0xff] == n)
			continue;
		for (i = 0, j = 0; i < 256; i++) {
			size_t k = cnt[i];
			cnt[i] = j;
			j += k;
		}
		for (i = 0; i < n; i++)
			b[cnt[a[i].key >> sh & 0xff]++] = a[i];
		x = a, a = b, b = x;
	}
	if (a != v)
		memcpy(v, a, n * sizeof(*v));
	free(t);
}

void lk_sort_secs(struct lk_sec **v, size_t n)
{
	struct lk_keyed *k = lk_xcalloc(n, sizeof(*k));
	size_t i;

	for (i = 0; i < n; i++) {
		k[i].key = (uint64_t)v[i]->obj->id << 32 | v[i]->idx;
		k[i].p = v[i];
	}
	lk_radix_sort(k, n);
	for (i = 0; i < n; i++)
		v[i] = k[i].p;
	free(k);
}
