/* Link problems located in the program's sources (builder/linkwhere.h)
 * through libbfd: the object's relocations for a reference, its symbol
 * for a definition, then bfd_find_nearest_line over its DWARF. */
#include "builder/linkwhere.h"

#include <bfd.h>
#include <stdlib.h>
#include <string.h>

struct obj {
	bfd *abfd;
	asymbol **syms;
};

static int obj_open(const char *path, struct obj *o)
{
	long n;

	bfd_init();
	o->syms = NULL;
	o->abfd = bfd_openr(path, NULL);
	if (!o->abfd || !bfd_check_format(o->abfd, bfd_object) ||
	    (n = bfd_get_symtab_upper_bound(o->abfd)) <= 0)
		goto fail;
	o->syms = malloc((size_t)n);
	if (!o->syms)
		abort();
	if (bfd_canonicalize_symtab(o->abfd, o->syms) < 0)
		goto fail;
	return 0;
fail:
	if (o->abfd)
		bfd_close(o->abfd);
	free(o->syms);
	return -1;
}

static void obj_close(struct obj *o)
{
	bfd_close(o->abfd); /* libbfd 2.40 keeps 24 bytes of a DWARF 5 range list */
	free(o->syms);
}

static int line_at(struct obj *o, asection *s, bfd_vma off, struct uk_linkwhere *w)
{
	const char *file = NULL, *func = NULL;
	unsigned line = 0;

	if (!bfd_find_nearest_line(o->abfd, s, o->syms, off, &file, &func, &line) || !file ||
	    !line)
		return -1;
	while (file[0] == '.' && file[1] == '/')
		file += 2;
	w->file = strdup(file);
	w->line = line;
	w->func = func ? strdup(func) : NULL;
	if (!w->file || (func && !w->func))
		abort();
	return 0;
}

int uk_linkwhere_ref(const char *obj, const char *section, const char *sym,
		     struct uk_linkwhere *w)
{
	struct obj o;
	asection *s;
	arelent **rel = NULL;
	long n;
	int rc = -1;

	memset(w, 0, sizeof(*w));
	if (obj_open(obj, &o) != 0)
		return -1;
	s = bfd_get_section_by_name(o.abfd, section);
	if (s && (n = bfd_get_reloc_upper_bound(o.abfd, s)) > 0) {
		rel = malloc((size_t)n);
		if (!rel)
			abort();
		n = bfd_canonicalize_reloc(o.abfd, s, rel, o.syms);
		for (long i = 0; i < n && rc != 0; i++) {
			const asymbol *y = rel[i]->sym_ptr_ptr ? *rel[i]->sym_ptr_ptr : NULL;

			if (y && y->name && !strcmp(y->name, sym))
				rc = line_at(&o, s, rel[i]->address, w);
		}
	}
	free(rel);
	obj_close(&o);
	return rc;
}

int uk_linkwhere_def(const char *obj, const char *sym, struct uk_linkwhere *w)
{
	struct obj o;
	int rc = -1;

	memset(w, 0, sizeof(*w));
	if (obj_open(obj, &o) != 0)
		return -1;
	for (asymbol **y = o.syms; *y && rc != 0; y++)
		if ((*y)->name && !strcmp((*y)->name, sym) && !bfd_is_und_section((*y)->section) &&
		    ((*y)->flags & (BSF_GLOBAL | BSF_WEAK)))
			rc = line_at(&o, (*y)->section, (*y)->value, w);
	obj_close(&o);
	return rc;
}
