/* The undefined symbols of each program object (its ELF symbol table),
 * looked up in the runtime's table of functions that make calls it lacks. */
#include "builder/unsupported.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/path.h"

/* the table's line for name, or NULL; lines are "FUNC CALL...\n" */
static const char *find(const char *table, const char *name)
{
	size_t n = strlen(name);
	for (const char *l = table; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, name, n) && l[n] == ' ')
			return l + n + 1;
	return NULL;
}

static void warn(struct uk_diags *out, const char *src, const char *fn, const char *calls)
{
	size_t len = strcspn(calls, "\n"), mlen = 0;
	char *list = strndup(calls, len), *msg = NULL;
	FILE *m = open_memstream(&msg, &mlen);
	struct uk_diag *d;

	if (!list || !m)
		abort();
	if (!strcmp(list, fn)) {
		fprintf(m, "%s uses %s(), which uk-runtime does not provide", src, fn);
	} else {
		fprintf(m, "%s uses %s(), whose system call%s ", src, fn,
			strchr(list, ' ') ? "s" : "");
		for (char *c = strtok(list, " "), *sep = ""; c; c = strtok(NULL, " "), sep = ", ")
			fprintf(m, "%s%s()", sep, c);
		fprintf(m, " uk-runtime does not provide");
	}
	fclose(m);
	free(list);
	out->v = realloc(out->v, (out->n + 1) * sizeof(*out->v));
	if (!out->v)
		abort();
	d = &out->v[out->n++];
	memset(d, 0, sizeof(*d));
	d->file = strdup(src);
	d->msg = msg;
	d->severity = UK_SEV_WARNING;
}

/* Warns for each undefined global of the ELF64 object in d that the table
 * names; returns how many. */
static int each_undefined(const char *table, const unsigned char *d, size_t size,
			  struct uk_diags *out, const char *src)
{
	const Elf64_Ehdr *e = (const void *)d;
	int lines = 0;
	if (size < sizeof(*e) || memcmp(e->e_ident, ELFMAG, SELFMAG) ||
	    e->e_ident[EI_CLASS] != ELFCLASS64 || e->e_shoff > size ||
	    e->e_shnum > (size - e->e_shoff) / sizeof(Elf64_Shdr))
		return 0;
	const Elf64_Shdr *sh = (const void *)(d + e->e_shoff);
	for (unsigned i = 0; i < e->e_shnum; i++) {
		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= e->e_shnum)
			continue;
		const Elf64_Shdr *st = &sh[sh[i].sh_link];
		if (sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset ||
		    st->sh_offset > size || st->sh_size > size - st->sh_offset || !st->sh_size)
			continue;
		const Elf64_Sym *y = (const void *)(d + sh[i].sh_offset);
		const char *names = (const char *)d + st->sh_offset;
		for (size_t k = 0; k < sh[i].sh_size / sizeof(*y); k++) {
			const char *calls;
			if (y[k].st_shndx != SHN_UNDEF || ELF64_ST_BIND(y[k].st_info) != STB_GLOBAL ||
			    y[k].st_name >= st->sh_size || names[st->sh_size - 1])
				continue;
			if ((calls = find(table, names + y[k].st_name))) {
				warn(out, src, names + y[k].st_name, calls);
				lines++;
			}
		}
	}
	return lines;
}

int uk_unsupported_warn(const struct uk_plan *p, const struct uk_strv *objects,
			struct uk_diags *out)
{
	char *table = NULL;
	int lines = 0;
	for (size_t i = 0; i < p->ncomps && !table; i++) {
		if (strcmp(p->comps[i].desc.name, "uk-runtime"))
			continue;
		char *path = uk_path_join(p->comps[i].found.dir, "lib/unsupported.txt");
		if (uk_read_file(path, &table, NULL, NULL) != 0)
			table = NULL; /* an older runtime ships none */
		free(path);
	}
	if (!table)
		return 0;
	for (size_t i = 0; i < objects->n && i < p->sources.n; i++) {
		char *data = NULL;
		size_t len = 0;
		if (uk_read_file(objects->v[i], &data, &len, NULL) == 0)
			lines += each_undefined(table, (const unsigned char *)data, len, out,
						p->sources.v[i]);
		free(data);
	}
	free(table);
	return lines;
}
