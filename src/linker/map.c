/* --map FILE: every output section, the input sections in it and the
 * symbols they define, by address. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/path.h"
#include "linker/internal.h"

struct msym {
	uint64_t addr;
	const char *name;
	const struct lk_sec *sec;
};

static int cmp_msym(const void *a, const void *b)
{
	const struct msym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

static struct msym *collect(struct lk_ctx *c, size_t *n)
{
	struct msym *v = NULL, m;
	size_t cap = 0;
	struct lk_obj *o;
	uint32_t i;

	*n = 0;
	for (o = c->objs; o; o = o->next)
		for (i = 1; i < o->nsyms; i++) {
			const Elf64_Sym *y = &o->syms[i];
			const struct lk_sym *g = o->gsyms[i];
			int t = ELF64_ST_TYPE(y->st_info);

			if (y->st_shndx == SHN_UNDEF ||
			    y->st_shndx >= SHN_LORESERVE || t == STT_SECTION ||
			    t == STT_FILE || !y->st_name)
				continue;
			m.sec = &o->secs[y->st_shndx];
			if (!m.sec->live || (g && g->obj != o))
				continue;
			m.name = lk_sym_name(o, y);
			if (!strncmp(m.name, ".L", 2))
				continue;
			m.addr = lk_sec_addr(m.sec, y->st_value);
			lk_push(&v, n, &cap, sizeof(m), &m);
		}
	if (*n > 1)
		qsort(v, *n, sizeof(*v), cmp_msym);
	return v;
}

int lk_write_map(struct lk_ctx *c)
{
	const char *path = c->opts->map_path;
	char *tmp = lk_xasprintf("%s.tmp%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	struct msym *syms;
	size_t nsyms, i, j = 0;
	int rc = 0;

	if (!f) {
		rc = uk_errorf(c->err, "cannot create map '%s': %s", tmp,
			       strerror(errno));
		free(tmp);
		return rc;
	}
	syms = collect(c, &nsyms);
	fprintf(f, "%-18s %-10s %5s %-20s %s\n", "Address", "Size", "Align",
		"Out", "In / Symbol");
	for (i = 0; i < c->nosecs; i++) {
		const struct lk_osec *o = c->osecs[i];
		const struct lk_sec *s;

		fprintf(f, "0x%016llx 0x%08llx %5llu %s\n",
			(unsigned long long)o->addr,
			(unsigned long long)o->size,
			(unsigned long long)o->align, o->name);
		for (s = o->first; s; s = s->next) {
			if (s->merged) /* merge.c's: named after its first input */
				fprintf(f, "0x%016llx 0x%08llx %5llu %-20s "
					   "(%s merged from %u sections, "
					   "%llu bytes)\n",
					(unsigned long long)s->addr,
					(unsigned long long)s->size,
					(unsigned long long)s->align, "",
					s->sh->sh_flags & SHF_STRINGS
						? "strings"
						: "constants",
					s->merged,
					(unsigned long long)s->merged_in);
			else
				fprintf(f, "0x%016llx 0x%08llx %5llu %-20s "
					   "%s:(%s)\n",
					(unsigned long long)s->addr,
					(unsigned long long)s->size,
					(unsigned long long)s->align, "",
					s->obj->display, s->name);
			while (j < nsyms && syms[j].addr < s->addr)
				j++;
			for (size_t k = j; k < nsyms &&
					   syms[k].addr <= s->addr + s->size;
			     k++)
				if (syms[k].sec == s)
					fprintf(f, "0x%016llx %-10s %5s %-20s "
						   "        %s\n",
						(unsigned long long)syms[k].addr,
						"", "", "", syms[k].name);
		}
	}
	free(syms);
	if (ferror(f) | fclose(f))
		rc = uk_errorf(c->err, "cannot write map '%s'", tmp);
	else if (lk_publish(tmp, path) < 0)
		rc = uk_errorf(c->err, "cannot rename '%s' to '%s': %s", tmp,
			       path, strerror(errno));
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}
