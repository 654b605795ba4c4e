/* component.yaml: how to compile against and link a library-OS component.
 * Every listed file must exist next to it, so a broken package is caught
 * when it is created or unpacked, not at link time. */
#include "manifest/internal.h"

#include <stdlib.h>
#include <string.h>

#define C(obj) ((struct uk_component *)(obj))

static void set_spec(struct mctx *c, const struct ynode *key,
		     const struct ynode *val, void *obj)
{
	mf_set_spec(c, key, val, &C(obj)->spec);
}

static void set_name(struct mctx *c, const struct ynode *key,
		     const struct ynode *val, void *obj)
{
	mf_set_name(c, key, val, &C(obj)->name);
}

static void set_version(struct mctx *c, const struct ynode *key,
			const struct ynode *val, void *obj)
{
	mf_get_str(c, key, val, &C(obj)->version, false);
}

static void set_description(struct mctx *c, const struct ynode *key,
			    const struct ynode *val, void *obj)
{
	mf_get_str(c, key, val, &C(obj)->description, true);
}

/* A linker symbol: C identifiers plus '.' and '$', which assemblers allow. */
static bool valid_symbol(const char *s)
{
	size_t i;

	if (!s[0] || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; s[i]; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
		      ch == '$'))
			return false;
	}
	return true;
}

static void set_entry(struct mctx *c, const struct ynode *key,
		      const struct ynode *val, void *obj)
{
	char q[MF_QBUF];

	if (mf_get_str(c, key, val, &C(obj)->entry, false) < 0 ||
	    valid_symbol(C(obj)->entry))
		return;
	mf_hint(mf_diag_at(c, val, "invalid entry symbol '%s'",
			   mf_q(C(obj)->entry, q, sizeof(q))),
		"an entry is a symbol name such as '_start'");
	free(C(obj)->entry);
	C(obj)->entry = NULL;
}

static void set_include(struct mctx *c, const struct ynode *key,
			const struct ynode *val, void *obj)
{
	mf_get_strv(c, key, val, &C(obj)->include, false, mf_check_dir);
}

static void set_cflags(struct mctx *c, const struct ynode *key,
		       const struct ynode *val, void *obj)
{
	mf_get_strv(c, key, val, &C(obj)->cflags, false, NULL);
}

static void set_objects(struct mctx *c, const struct ynode *key,
			const struct ynode *val, void *obj)
{
	mf_get_strv(c, key, val, &C(obj)->objects, false, mf_check_file);
}

static void set_archives(struct mctx *c, const struct ynode *key,
			 const struct ynode *val, void *obj)
{
	mf_get_strv(c, key, val, &C(obj)->archives, false, mf_check_file);
}

static void set_archives_kvm(struct mctx *c, const struct ynode *key,
			     const struct ynode *val, void *obj)
{
	mf_get_strv(c, key, val, &C(obj)->archives_kvm, false, mf_check_file);
}

static void set_archives_xen(struct mctx *c, const struct ynode *key,
			     const struct ynode *val, void *obj)
{
	mf_get_strv(c, key, val, &C(obj)->archives_xen, false, mf_check_file);
}

static void set_keep(struct mctx *c, const struct ynode *key,
		     const struct ynode *val, void *obj)
{
	mf_get_strv(c, key, val, &C(obj)->keep, false, NULL);
}

static bool check_require(struct mctx *c, const struct ynode *key,
			  const struct ynode *item)
{
	char q[MF_QBUF];

	(void)key;
	if (mf_valid_name(item->s))
		return true;
	mf_hint(mf_diag_at(c, item, "invalid component name '%s'",
			   mf_q(item->s, q, sizeof(q))),
		"use lower-case letters, digits, '.', '_' and '-', starting "
		"with a letter or digit");
	return false;
}

static void set_requires(struct mctx *c, const struct ynode *key,
			 const struct ynode *val, void *obj)
{
	mf_get_strv(c, key, val, &C(obj)->requires, false, check_require);
}

static const struct mf_field fields[] = {
	{ "spec", true, set_spec, "add 'spec: 1' at the top of the file" },
	{ "name", true, set_name, "add a line such as 'name: musl'" },
	{ "version", true, set_version, "add a line such as 'version: 1.0.0'" },
	{ "description", false, set_description, NULL },
	{ "entry", false, set_entry, NULL },
	{ "include", false, set_include, NULL },
	{ "cflags", false, set_cflags, NULL },
	{ "objects", false, set_objects, NULL },
	{ "archives", false, set_archives, NULL },
	{ "archives_kvm", false, set_archives_kvm, NULL },
	{ "archives_xen", false, set_archives_xen, NULL },
	{ "keep", false, set_keep, NULL },
	{ "requires", false, set_requires, NULL },
};

static const struct mf_synonym synonyms[] = {
	{ "depends", "requires" },	 { "dependencies", "requires" },
	{ "deps", "requires" },		 { "libs", "archives" },
	{ "libraries", "archives" },	 { "objs", "objects" },
	{ "desc", "description" },	 { "summary", "description" },
	{ "entrypoint", "entry" },	 { "entry_point", "entry" },
	{ "roots", "keep" },		 { "gc_roots", "keep" },
	{ "includes", "include" },	 { "flags", "cflags" },
};

int uk_component_load(const char *path, struct uk_component *comp,
		      struct uk_diags *diags, struct uk_error *err)
{
	struct uk_diags own = { 0 };
	struct mctx c = { path, NULL, diags ? diags : &own, 0 };
	size_t before = c.diags->n;
	struct ynode *root;
	bool io;

	memset(comp, 0, sizeof(*comp));
	comp->path = mf_strdup(path);
	comp->dir = mf_dirname(path);
	c.dir = comp->dir;
	if (mf_tree_load(&c, &root, &io) == 0) {
		mf_walk(&c, root, fields, sizeof(fields) / sizeof(fields[0]),
			synonyms, sizeof(synonyms) / sizeof(synonyms[0]),
			comp);
		mf_tree_free(root);
	}
	if (c.diags->n == before)
		return 0;
	uk_component_free(comp);
	mf_fail(&c, err);
	if (io && err)
		err->status = 1;
	uk_diags_free(&own);
	return -1;
}

void uk_component_free(struct uk_component *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->dir);
	free(c->name);
	free(c->version);
	free(c->description);
	free(c->entry);
	uk_strv_free(&c->include);
	uk_strv_free(&c->cflags);
	uk_strv_free(&c->objects);
	uk_strv_free(&c->archives);
	uk_strv_free(&c->archives_kvm);
	uk_strv_free(&c->archives_xen);
	uk_strv_free(&c->keep);
	uk_strv_free(&c->requires);
	memset(c, 0, sizeof(*c));
}
