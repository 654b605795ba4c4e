/* component.yaml: how to compile against and link a library-OS component.
 * Every listed file must exist next to it, so a broken package is caught
 * when it is created or unpacked, not at link time. */
#include "manifest/internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define C(obj) ((struct uk_component *)(obj))

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

/* link_if: {ANCHOR: [SYMBOL, ...]}: link ANCHOR (a symbol of the
 * component) when the program links any of the SYMBOLs. Kept as
 * "ANCHOR=SYMBOL" pairs, in file order. */
static void set_link_if(struct mctx *c, const struct ynode *key,
			const struct ynode *val, void *obj)
{
	char q[MF_QBUF];
	size_t i, j;

	(void)key;
	if (val->kind != YN_MAP) {
		mf_hint(mf_diag_at(c, val,
				   "'link_if' must be a mapping of SYMBOL: "
				   "[SYMBOL, ...], not %s",
				   mf_kind(val)),
			"write one 'anchor: [symbol, ...]' per line");
		return;
	}
	for (i = 0; i + 1 < val->n; i += 2) {
		const struct ynode *k = val->kid[i], *v = val->kid[i + 1];

		if (k->kind != YN_SCALAR || k->has_nul || !valid_symbol(k->s)) {
			mf_diag_at(c, k, "invalid link_if symbol '%s'",
				   k->kind == YN_SCALAR ? mf_q(k->s, q, sizeof(q)) : "?");
			continue;
		}
		if (v->kind != YN_SEQ) {
			mf_diag_at(c, v, "'%s' must list symbols, not %s", k->s,
				   mf_kind(v));
			continue;
		}
		for (j = 0; j < v->n; j++) {
			const struct ynode *t = v->kid[j];
			char *pair;

			if (t->kind != YN_SCALAR || t->has_nul || !valid_symbol(t->s)) {
				mf_diag_at(c, t, "invalid link_if symbol '%s'",
					   t->kind == YN_SCALAR ? mf_q(t->s, q, sizeof(q)) : "?");
				continue;
			}
			pair = mf_alloc(strlen(k->s) + strlen(t->s) + 2);
			strcpy(pair, k->s);
			strcat(pair, "=");
			strcat(pair, t->s);
			uk_strv_push(&C(obj)->link_if, pair);
			free(pair);
		}
	}
}

/* A component comes from a registry: its paths must stay inside its own
 * folder (no absolute path, no "..", no symlink out). */
static bool inside_component(struct mctx *c, const struct ynode *item)
{
	char q[MF_QBUF];
	const char *s = item->s, *p;
	bool dotdot = false;

	for (p = s; *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : p + strlen(p))
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || !p[2]))
			dotdot = true;
	if (s[0] != '/' && !dotdot) {
		char *full = mf_join(c->dir, s), *rdir = realpath(c->dir, NULL);
		char *rfull = realpath(full, NULL);
		size_t n = rdir ? strlen(rdir) : 0;
		bool ok = !rfull || (rdir && !strncmp(rfull, rdir, n) &&
				     (rfull[n] == '/' || !rfull[n]));

		free(full);
		free(rdir);
		free(rfull);
		if (ok)
			return true;
	}
	mf_hint(mf_diag_at(c, item, "path '%s' leads outside the component's folder",
			   mf_q(s, q, sizeof(q))),
		"a component names its own files by relative paths inside its folder");
	return false;
}

static bool check_comp_dir(struct mctx *c, const struct ynode *key, const struct ynode *item)
{
	return inside_component(c, item) && mf_check_dir(c, key, item);
}

static bool check_comp_file(struct mctx *c, const struct ynode *key, const struct ynode *item)
{
	return inside_component(c, item) && mf_check_file(c, key, item);
}

/* A component's cflags reach the compiler of every project that uses it,
 * so only flags that change how code is compiled are allowed; anything that
 * runs a program, loads code, reads a file from elsewhere or writes one is
 * refused (uk.yaml's own cflags are the user's and pass as they are). */
static const char *const flag_prefixes_ok[] = {
	"-D", "-U", "-W", "-std=", "-O", "-g", "-f", "-m",
};
static const char *const flag_prefixes_bad[] = {
	"-Wa,", "-Wp,", "-Wl,", "-fplugin", "-fdump", "-fprofile", "-fauto-profile",
	"-fcallgraph-info", "-fsave-optimization-record", "-fopt-info", "-fstack-usage",
	"-fcreate-profile", "-fdebug-prefix-map", "-ffile-prefix-map", "-fmacro-prefix-map",
};

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static bool check_cflag(struct mctx *c, const struct ynode *key, const struct ynode *item)
{
	char q[MF_QBUF];
	const char *f = item->s, *why = NULL;
	size_t i;

	(void)key;
	if (!strcmp(f, "-nostdinc") || !strcmp(f, "-pthread"))
		return true;
	if (starts_with(f, "-I") && f[2]) {
		struct ynode sub = *item;

		sub.s = (char *)f + 2;
		return inside_component(c, &sub);
	}
	for (i = 0; i < sizeof(flag_prefixes_bad) / sizeof(*flag_prefixes_bad); i++)
		if (starts_with(f, flag_prefixes_bad[i]))
			why = "it passes options to other programs, loads code or writes "
			      "files";
	if (!why) {
		for (i = 0; i < sizeof(flag_prefixes_ok) / sizeof(*flag_prefixes_ok); i++)
			if (starts_with(f, flag_prefixes_ok[i]) && f[strlen(flag_prefixes_ok[i])])
				return true;
		why = f[0] == '@' ? "it reads more options from a file"
		      : starts_with(f, "-wrapper") || starts_with(f, "-B") ||
				      starts_with(f, "-specs")
			      ? "it makes the compiler run other programs"
			      : "only -D, -U, -I inside the component, -f and -m code-generation "
				"flags, -W, -std=, -O and -g are allowed";
	}
	mf_hint(mf_diag_at(c, item, "cflag '%s' is not allowed in a component: %s",
			   mf_q(f, q, sizeof(q)), why),
		"a component may not change how the compiler runs; a project can pass it in "
		"its own uk.yaml cflags");
	return false;
}

#define FIELD(k, req, knd, m) .key = k, .required = req, .kind = knd, .off = offsetof(struct uk_component, m)
static const struct mf_field fields[] = {
	{ FIELD("spec", true, MF_SPEC, spec), .missing_hint = "add 'spec: 1' at the top of the file" },
	{ FIELD("name", true, MF_NAME, name), .missing_hint = "add a line such as 'name: musl'" },
	{ FIELD("version", true, MF_STR, version),
	  .missing_hint = "add a line such as 'version: 1.0.0'" },
	{ FIELD("description", false, MF_STR, description), .allow_empty = true },
	{ .key = "entry", .required = false, .kind = MF_CUSTOM, .set = set_entry },
	{ FIELD("include", false, MF_STRV, include), .check = check_comp_dir },
	{ FIELD("cflags", false, MF_STRV, cflags), .check = check_cflag },
	{ FIELD("objects", false, MF_STRV, objects), .check = check_comp_file },
	{ FIELD("archives", false, MF_STRV, archives), .check = check_comp_file },
	{ FIELD("archives_kvm", false, MF_STRV, archives_kvm), .check = check_comp_file },
	{ FIELD("archives_xen", false, MF_STRV, archives_xen), .check = check_comp_file },
	{ FIELD("keep", false, MF_STRV, keep) },
	{ FIELD("requires", false, MF_STRV, requires), .check = check_require },
	{ .key = "link_if", .required = false, .kind = MF_CUSTOM, .set = set_link_if },
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
	bool io;

	memset(comp, 0, sizeof(*comp));
	comp->path = mf_strdup(path);
	comp->dir = mf_dirname(path);
	c.dir = comp->dir;
	mf_read(&c, fields, sizeof(fields) / sizeof(fields[0]), synonyms,
		sizeof(synonyms) / sizeof(synonyms[0]), comp, &io);
	if (c.diags->n == before)
		return 0;
	uk_component_free(comp);
	return mf_failed(&c, io, &own, err);
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
	uk_strv_free(&c->link_if);
	memset(c, 0, sizeof(*c));
}
