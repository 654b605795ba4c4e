/* The undefined symbols of each program object (its ELF symbol table),
 * looked up in the runtime's table of functions that make calls it lacks. */
#include "builder/unsupported.h"

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/path.h"

/* The table's lines ("FUNC CALL...\n"), sorted by FUNC for bsearch: a
 * scan of the table for each undefined symbol was 2.7M instructions of
 * SQLite's relink. */
struct index {
	const char **v;
	size_t n;
};

static int cmp_name(const char *name, const char *line)
{
	size_t i = 0;

	while (name[i] && name[i] == line[i])
		i++;
	if (!name[i] && line[i] == ' ')
		return 0;
	return (unsigned char)(name[i] ? name[i] : ' ') -
	       (unsigned char)(line[i] && line[i] != '\n' ? line[i] : ' ');
}

static int cmp_lines(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t n = strcspn(x, " \n"), m = strcspn(y, " \n");
	int c = memcmp(x, y, n < m ? n : m);

	return c ? c : (n > m) - (n < m);
}

static void index_make(struct index *ix, const char *table)
{
	size_t cap = 0;

	for (const char *l = table; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
		if (!strchr(l, ' ') || (strchr(l, '\n') && strchr(l, ' ') > strchr(l, '\n')))
			continue; /* no calls: not a line of the table */
		if (ix->n == cap) {
			cap = cap ? cap * 2 : 256;
			ix->v = realloc(ix->v, cap * sizeof(*ix->v));
			if (!ix->v)
				abort();
		}
		ix->v[ix->n++] = l;
	}
	/* the runtime ships it sorted (sorting it anyway was most of this
	 * check's instructions); another order still works */
	for (size_t i = 1; i < ix->n; i++)
		if (cmp_lines(&ix->v[i - 1], &ix->v[i]) > 0) {
			qsort(ix->v, ix->n, sizeof(*ix->v), cmp_lines);
			break;
		}
}

/* the table's calls for name, or NULL */
static const char *find(const struct index *ix, const char *name)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_name(name, ix->v[mid]);

		if (!c)
			return ix->v[mid] + strlen(name) + 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
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
static int each_undefined(const struct index *table, const unsigned char *d, size_t size,
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
	struct index ix = { 0 };
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
	index_make(&ix, table);
	/* mapped, not read: only the headers and symbol table are looked at
	 * (reading SQLite's 6.8 MB of objects was a fifth of its relink) */
	for (size_t i = 0; i < objects->n && i < p->sources.n; i++) {
		int fd = open(objects->v[i], O_RDONLY | O_CLOEXEC);
		struct stat st;
		void *data;

		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && st.st_size > 0 &&
		    (data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) !=
			    MAP_FAILED) {
			lines += each_undefined(&ix, data, (size_t)st.st_size, out,
						p->sources.v[i]);
			munmap(data, (size_t)st.st_size);
		}
		close(fd);
	}
	free(ix.v);
	free(table);
	return lines;
}
