/* uk.yaml: a project. One function per field; the table at the bottom says
 * which keys exist and which are required. */
#include "manifest/internal.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define MEM_MIN ((uint64_t)2 << 20)
#define MEM_MAX ((uint64_t)64 << 30)
#define MEM_DEFAULT ((uint64_t)64 << 20)

#define M(obj) ((struct uk_manifest *)(obj))

/* A component reference: NAME, NAME:VERSION or HOST/REPO:TAG@DIGEST. Only
 * the characters are checked here; the store and registry parse it. */
static bool check_ref(struct mctx *c, const struct ynode *key,
		      const struct ynode *val)
{
	char q[MF_QBUF];

	(void)key;
	if (val->s[strspn(val->s, "abcdefghijklmnopqrstuvwxyz"
				  "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "0123456789._-/:@+")] == '\0')
		return true;
	mf_hint(mf_diag_at(c, val, "invalid component reference '%s'",
			   mf_q(val->s, q, sizeof(q))),
		"a reference is NAME, NAME:VERSION or HOST/REPO:TAG");
	return false;
}

static void set_runtime(struct mctx *c, const struct ynode *key,
			const struct ynode *val, void *obj)
{
	if (mf_get_str(c, key, val, &M(obj)->runtime, false) == 0 &&
	    !check_ref(c, key, val)) {
		free(M(obj)->runtime);
		M(obj)->runtime = NULL;
	}
}

static void set_sources(struct mctx *c, const struct ynode *key,
			const struct ynode *val, void *obj)
{
	if (mf_is_null(val) || (val->kind == YN_SEQ && val->n == 0)) {
		mf_hint(mf_diag_at(c, mf_blame(key, val),
				   "'sources' must not be empty"),
			"list the C files to build, like 'sources: "
			"[src/*.c]'");
		return;
	}
	mf_get_strv(c, key, val, &M(obj)->sources, false, mf_check_glob);
}

static bool check_define(struct mctx *c, const struct ynode *key,
			 const struct ynode *item)
{
	const char *s = item->s;
	size_t name = strcspn(s, "=");
	struct uk_diag *d;
	char q[MF_QBUF];

	(void)key;
	if (mf_is_ident(s, name))
		return true;
	d = mf_diag_at(c, item, "invalid define '%s'", mf_q(s, q, sizeof(q)));
	if (strncmp(s, "-D", 2) == 0 && mf_is_ident(s + 2, strcspn(s + 2, "=")))
		mf_hint(d, "write it without '-D': '%s'",
			mf_q(s + 2, q, sizeof(q)));
	else
		mf_hint(d, "a define is NAME or NAME=VALUE, where NAME is a C "
			   "identifier");
	return false;
}

static void add_target(struct mctx *c, struct uk_manifest *m,
		       const struct ynode *item, const struct ynode **seen)
{
	static const char *const names[] = { "kvm", "xen", "raw" };
	enum uk_target t;
	const char *near;
	struct uk_diag *d;
	char q[MF_QBUF];
	int bit;

	if (uk_target_parse(item->s, &t) < 0) {
		d = mf_diag_at(c, item, "unknown target '%s'",
			       mf_q(item->s, q, sizeof(q)));
		near = mf_closest(item->s, names, 3);
		if (near)
			mf_hint(d, "did you mean '%s'?", near);
		else
			mf_hint(d, "targets are kvm, xen and raw");
		return;
	}
	bit = t == UK_TARGET_KVM ? 0 : t == UK_TARGET_XEN ? 1 : 2;
	if (seen[bit]) {
		mf_hint(mf_diag_at(c, item, "duplicate target '%s'", item->s),
			"'%s' is first listed at line %u, column %u", item->s,
			seen[bit]->line, seen[bit]->col);
		return;
	}
	seen[bit] = item;
	m->targets |= t;
	m->target_order[m->ntargets++] = t;
}

static void set_targets(struct mctx *c, const struct ynode *key,
			const struct ynode *val, void *obj)
{
	const struct ynode *seen[3] = { 0 };
	struct uk_manifest *m = obj;
	struct uk_strv dummy = { 0 };
	size_t i;

	if (val->kind != YN_SEQ) {
		/* Let the list reader say what is wrong with it. */
		mf_get_strv(c, key, val, &dummy, false, NULL);
		uk_strv_free(&dummy);
		return;
	}
	if (val->n == 0) {
		mf_hint(mf_diag_at(c, val, "'targets' must not be empty"),
			"list one or more of kvm, xen and raw, or leave "
			"'targets' out for [kvm]");
		return;
	}
	for (i = 0; i < val->n; i++)
		if (mf_item_str(c, key, val->kid[i], false))
			add_target(c, m, val->kid[i], seen);
}

static void set_memory(struct mctx *c, const struct ynode *key,
		       const struct ynode *val, void *obj)
{
	struct uk_manifest *m = obj;
	char q[MF_QBUF];
	uint64_t v;

	(void)key;
	if (val->kind != YN_SCALAR) {
		mf_diag_at(c, val, "'memory' must be a size like 64M, not %s",
			   mf_kind(val));
		return;
	}
	mf_q(val->s, q, sizeof(q));
	if (val->has_nul || uk_parse_size(val->s, &v) < 0)
		mf_hint(mf_diag_at(c, val,
				   "'memory' must be a size like 64M, not '%s'",
				   q),
			"a size is a number of bytes, optionally followed by "
			"K, M or G");
	else if (v < MEM_MIN)
		mf_diag_at(c, val, "'memory' must be at least 2M, not '%s'", q);
	else if (v > MEM_MAX)
		mf_diag_at(c, val, "'memory' must be at most 64G, not '%s'", q);
	else
		m->memory = v;
}

/* allow_wx: true or false, unquoted (a quoted "true" is a string), as
 * network: */
static void set_allow_wx(struct mctx *c, const struct ynode *key,
			 const struct ynode *val, void *obj)
{
	struct uk_manifest *m = obj;
	char q[MF_QBUF];

	(void)key;
	if (val->kind == YN_SCALAR && val->plain &&
	    (!strcmp(val->s, "true") || !strcmp(val->s, "false"))) {
		m->allow_wx = !strcmp(val->s, "true");
		return;
	}
	if (val->kind != YN_SCALAR) {
		mf_diag_at(c, val, "'allow_wx' must be true or false, not %s", mf_kind(val));
		return;
	}
	mf_q(val->s, q, sizeof(q));
	mf_hint(mf_diag_at(c, val, "'allow_wx' must be true or false, not '%s'", q),
		"write it without quotes; true lets the program have memory that is "
		"writable and executable at once (a JIT)");
}

struct keyref {
	const struct ynode *k;
	size_t idx; /* pair number in the mapping */
};

static int cmp_key(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	int r = strcmp(x->k->s, y->k->s);

	if (r)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Duplicate names, found by sorting so a huge mapping stays cheap. Marks
 * every later duplicate in dup[] (indexed by pair number). */
static void find_dup_keys(struct mctx *c, const struct ynode *map,
			  bool *dup)
{
	struct keyref *keys = mf_alloc(map->n / 2 * sizeof(*keys));
	size_t i, run, n = 0;
	char q[MF_QBUF];

	for (i = 0; i + 1 < map->n; i += 2) {
		if (map->kid[i]->kind != YN_SCALAR)
			continue;
		keys[n].k = map->kid[i];
		keys[n++].idx = i / 2;
	}
	if (n)
		qsort(keys, n, sizeof(*keys), cmp_key);
	for (i = 1, run = 0; i < n; i++) {
		if (strcmp(keys[i].k->s, keys[run].k->s) != 0) {
			run = i;
			continue;
		}
		dup[keys[i].idx] = true;
		mf_hint(mf_diag_at(c, keys[i].k, "duplicate key '%s'",
				   mf_q(keys[i].k->s, q, sizeof(q))),
			"'%s' is first set at line %u", q, keys[run].k->line);
	}
	free(keys);
}

static void set_env(struct mctx *c, const struct ynode *key,
		    const struct ynode *val, void *obj)
{
	struct uk_manifest *m = obj;
	char q[MF_QBUF];
	bool *dup;
	size_t i;

	(void)key;
	if (val->kind != YN_MAP) {
		mf_hint(mf_diag_at(c, val,
				   "'env' must be a mapping of NAME: value, "
				   "not %s",
				   mf_kind(val)),
			"write one 'NAME: value' per line under 'env:'");
		return;
	}
	dup = mf_alloc(val->n / 2 + 1);
	find_dup_keys(c, val, dup);
	m->env = mf_alloc((val->n / 2 + 1) * sizeof(*m->env));
	for (i = 0; i + 1 < val->n; i += 2) {
		const struct ynode *k = val->kid[i], *v = val->kid[i + 1];

		if (k->kind == YN_ALIAS || v->kind == YN_ALIAS || dup[i / 2])
			continue;
		if (k->kind != YN_SCALAR || mf_is_null(k)) {
			mf_diag_at(c, k, "a key must be a string, not %s",
				   mf_kind(k));
			continue;
		}
		if (k->has_nul || !mf_is_ident(k->s, strlen(k->s))) {
			mf_hint(mf_diag_at(c, k,
					   "invalid environment variable "
					   "name '%s'",
					   mf_q(k->s, q, sizeof(q))),
				"a name is letters, digits and '_', not "
				"starting with a digit");
			continue;
		}
		if (v->kind != YN_SCALAR) {
			mf_diag_at(c, v,
				   "the value of '%s' in 'env' must be a "
				   "string, not %s",
				   k->s, mf_kind(v));
			continue;
		}
		if (v->has_nul) {
			mf_diag_at(c, v,
				   "the value of '%s' in 'env' must not "
				   "contain NUL characters",
				   k->s);
			continue;
		}
		m->env[m->nenv].key = mf_strdup(k->s);
		m->env[m->nenv].value = mf_strdup(mf_is_null(v) ? "" : v->s);
		m->nenv++;
	}
	free(dup);
}

#define FIELD(k, req, knd, m) .key = k, .required = req, .kind = knd, .off = offsetof(struct uk_manifest, m)
static const struct mf_field fields[] = {
	{ FIELD("spec", true, MF_SPEC, spec), .missing_hint = "add 'spec: 1' at the top of the file" },
	{ FIELD("name", true, MF_NAME, name), .missing_hint = "add a line such as 'name: hello'" },
	{ FIELD("version", false, MF_STR, version) },
	{ .key = "runtime", .required = false, .kind = MF_CUSTOM, .set = set_runtime },
	{ FIELD("libraries", false, MF_STRV, libraries), .check = check_ref },
	{ .key = "sources", .required = true, .kind = MF_CUSTOM, .set = set_sources,
	  .missing_hint = "list the C files to build, like 'sources: [src/*.c]'" },
	{ FIELD("include", false, MF_STRV, include), .check = mf_check_dir },
	{ FIELD("cflags", false, MF_STRV, cflags) },
	{ FIELD("defines", false, MF_STRV, defines), .check = check_define },
	{ .key = "targets", .required = false, .kind = MF_CUSTOM, .set = set_targets },
	{ .key = "memory", .required = false, .kind = MF_CUSTOM, .set = set_memory },
	{ FIELD("cmdline", false, MF_STRV, cmdline), .allow_empty = true },
	{ .key = "env", .required = false, .kind = MF_CUSTOM, .set = set_env },
	{ .key = "files", .required = false, .kind = MF_CUSTOM, .set = mf_set_files },
	{ .key = "zoneinfo", .required = false, .kind = MF_CUSTOM, .set = mf_set_zoneinfo },
	{ .key = "volumes", .required = false, .kind = MF_CUSTOM, .set = mf_set_volumes },
	{ FIELD("cache", false, MF_STR, cache) },
	{ .key = "network", .required = false, .kind = MF_CUSTOM, .set = mf_set_network },
	{ .key = "ports", .required = false, .kind = MF_CUSTOM, .set = mf_set_ports },
	{ .key = "allow_wx", .required = false, .kind = MF_CUSTOM, .set = set_allow_wx },
};

const char *uk_manifest_key(size_t i, int *required)
{
	if (i >= sizeof(fields) / sizeof(fields[0]))
		return NULL;
	if (required)
		*required = fields[i].required;
	return fields[i].key;
}

static const struct mf_synonym synonyms[] = {
	{ "src", "sources" },	    { "srcs", "sources" },
	{ "libs", "libraries" },
	{ "deps", "libraries" },    { "dependencies", "libraries" },
	{ "components", "libraries" }, { "flags", "cflags" },
	{ "ccflags", "cflags" },    { "defs", "defines" },
	{ "macros", "defines" },    { "platform", "targets" },
	{ "platforms", "targets" }, { "mem", "memory" },
	{ "ram", "memory" },	    { "args", "cmdline" },
	{ "argv", "cmdline" },	    { "arguments", "cmdline" },
	{ "command", "cmdline" },   { "environment", "env" },
	{ "environ", "env" },	    { "includes", "include" },
	{ "include_dirs", "include" }, { "project", "name" },
	{ "assets", "files" },	    { "rootfs", "files" },
	{ "zones", "zoneinfo" },    { "timezones", "zoneinfo" },
	{ "tzdata", "zoneinfo" },   { "net", "network" },
	{ "networking", "network" }, { "expose", "ports" },
	{ "publish", "ports" },
	{ "wx", "allow_wx" },	    { "allow_rwx", "allow_wx" },
	{ "jit", "allow_wx" },	    { "execmem", "allow_wx" },
};

int uk_manifest_load(const char *path, struct uk_manifest *m,
		     struct uk_diags *diags, struct uk_error *err)
{
	struct uk_diags own = { 0 };
	struct mctx c = { path, NULL, diags ? diags : &own, 0 };
	size_t before = c.diags->n;
	bool io;

	memset(m, 0, sizeof(*m));
	m->path = mf_strdup(path);
	m->dir = mf_dirname(path);
	m->version = mf_strdup("0.0.0");
	m->runtime = mf_strdup("uk-runtime");
	m->memory = MEM_DEFAULT;
	m->network = -1;
	c.dir = m->dir;

	mf_read(&c, fields, sizeof(fields) / sizeof(fields[0]), synonyms,
		sizeof(synonyms) / sizeof(synonyms[0]), m, &io);
	mf_check_guest_paths(&c, m);
	if (c.diags->n == before)
		mf_check_network(&c, m);
	if (c.diags->n == before && m->ntargets == 0) {
		m->targets = UK_TARGET_KVM;
		m->target_order[0] = UK_TARGET_KVM;
		m->ntargets = 1;
	}
	if (c.diags->n == before)
		return 0;
	uk_manifest_free(m);
	return mf_failed(&c, io, &own, err);
}

void uk_manifest_free(struct uk_manifest *m)
{
	size_t i;

	if (!m)
		return;
	free(m->path);
	free(m->dir);
	free(m->name);
	free(m->version);
	free(m->runtime);
	free(m->cache);
	uk_strv_free(&m->libraries);
	uk_strv_free(&m->sources);
	uk_strv_free(&m->include);
	uk_strv_free(&m->cflags);
	uk_strv_free(&m->defines);
	uk_strv_free(&m->cmdline);
	for (i = 0; i < m->nenv; i++) {
		free(m->env[i].key);
		free(m->env[i].value);
	}
	free(m->env);
	for (i = 0; i < m->nfiles; i++) {
		free(m->files[i].guest);
		free(m->files[i].host);
		free(m->files[i].zone);
	}
	free(m->files);
	uk_strv_free(&m->zoneinfo);
	uk_strv_free(&m->volumes);
	uk_strv_free(&m->ports);
	memset(m, 0, sizeof(*m));
}
