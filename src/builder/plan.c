/* From uk.yaml to a plan: resolve the components (through uk.lock and the
 * store), expand the source globs, and assemble the compiler flags. */
#include "builder/plan.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder/lock.h"
#include "builder/toolchain.h"
#include "util/path.h"

static int has_component(const struct uk_plan *p, const char *name)
{
	for (size_t i = 0; i < p->ncomps; i++)
		if (strcmp(p->comps[i].desc.name, name) == 0)
			return 1;
	return 0;
}

/* Resolves ref and appends it, then what it requires (depth first). */
static int add_component(struct uk_plan *p, struct uk_store *store, struct uk_lock *lock,
			 const char *ref, struct uk_diags *diags, struct uk_error *err)
{
	const struct uk_lock_entry *pin = uk_lock_find(lock, ref);
	struct uk_plan_component c = { 0 };
	char *yaml;
	int rc;

	if (uk_store_find_component(store, ref, pin ? pin->digest : NULL, &c.found, err) != 0)
		return -1;
	if (has_component(p, c.found.name)) {
		uk_store_component_free(&c.found);
		return 0;
	}
	yaml = uk_path_join(c.found.dir, "component.yaml");
	size_t before = diags ? diags->n : 0;
	rc = uk_component_load_cached(yaml, &c.desc, diags, err);
	free(yaml);
	/* the file is in the store under a digest: say whose it is */
	for (size_t i = before; diags && i < diags->n; i++) {
		char *m;

		if (asprintf(&m, "component '%s': %s", ref, diags->v[i].msg) < 0)
			abort();
		free(diags->v[i].msg);
		diags->v[i].msg = m;
	}
	if (rc != 0) {
		uk_store_component_free(&c.found);
		return uk_error_wrap(err, "component '%s'", ref);
	}
	if (!pin || strcmp(pin->digest, c.found.digest) != 0) {
		uk_lock_set(lock, ref, c.found.name, c.found.version, c.found.digest);
		p->lock_changed = 1;
	}
	c.ref = strdup(ref);
	p->comps = realloc(p->comps, (p->ncomps + 1) * sizeof(*p->comps));
	if (!p->comps)
		abort();
	p->comps[p->ncomps++] = c;
	/* p->comps may move while requirements are added: copy the list. */
	struct uk_strv req = { 0 };

	for (size_t i = 0; i < c.desc.requires.n; i++)
		uk_strv_push(&req, c.desc.requires.v[i]);
	rc = 0;
	for (size_t i = 0; i < req.n && rc == 0; i++)
		rc = add_component(p, store, lock, req.v[i], diags, err);
	uk_strv_free(&req);
	return rc;
}

/* Sources relative to the project folder, where the compiler runs, so that
 * objects do not depend on where the project lives. */
static int expand_sources(struct uk_plan *p, struct uk_error *err)
{
	struct uk_strv files = { 0 };
	size_t skip = strlen(p->man.dir);

	if (uk_manifest_sources(&p->man, &files, err) != 0)
		return -1;
	for (size_t i = 0; i < files.n; i++) {
		const char *f = files.v[i];

		if (!strncmp(f, p->man.dir, skip) && f[skip] == '/')
			f += skip + 1;
		while (!strncmp(f, "./", 2))
			f += 2;
		uk_strv_push(&p->sources, f);
	}
	uk_strv_free(&files);
	return 0;
}

static void pushf(struct uk_strv *v, const char *fmt, const char *a, const char *b)
{
	char *s;

	if (asprintf(&s, fmt, a, b) < 0)
		abort();
	uk_strv_push(v, s);
	free(s);
}

static int assemble_cflags(struct uk_plan *p, struct uk_error *err)
{
	struct uk_strv *f = &p->cflags;
	const char *gcc_inc;

	uk_strv_push(f, "-O2");
	/* DWARF for build/<target>/<name>.debug (it never changes the code);
	 * frame information in .debug_frame, since the image keeps no
	 * .eh_frame. The manifest's cflags come later: -g0 turns it off. */
	uk_strv_push(f, "-g");
	uk_strv_push(f, "-fno-asynchronous-unwind-tables");
	for (size_t i = 0; i < p->ncomps; i++) {
		const struct uk_plan_component *c = &p->comps[i];

		for (size_t k = 0; k < c->desc.cflags.n; k++)
			uk_strv_push(f, c->desc.cflags.v[k]);
	}
	for (size_t i = 0; i < p->ncomps; i++) {
		const struct uk_plan_component *c = &p->comps[i];

		for (size_t k = 0; k < c->desc.include.n; k++)
			pushf(f, "-isystem%s/%s", c->found.dir, c->desc.include.v[k]);
		/* Paths into the store must not make objects differ by machine. */
		pushf(f, "-ffile-prefix-map=%s=/uk/%s", c->found.dir, c->desc.name);
	}
	if (uk_toolchain_probe(p->cache_root, &p->tc, err) != 0)
		return -1;
	gcc_inc = p->tc.include_dir;
	pushf(f, "-isystem%s%s", gcc_inc, "");
	p->libgcc = strdup(p->tc.libgcc);
	for (size_t i = 0; i < p->man.include.n; i++)
		pushf(f, "-I%s%s", p->man.include.v[i], "");
	for (size_t i = 0; i < p->man.defines.n; i++)
		pushf(f, "-D%s%s", p->man.defines.v[i], "");
	for (size_t i = 0; i < p->man.cflags.n; i++)
		uk_strv_push(f, p->man.cflags.v[i]);
	return 0;
}

int uk_plan_make(const char *dir, struct uk_store *store, struct uk_plan *p,
		 struct uk_diags *diags, struct uk_error *err)
{
	/* Messages name "uk.yaml" as the user sees it from where uk runs. */
	int here = strcmp(dir, ".") == 0;
	char *yaml = here ? strdup("uk.yaml") : uk_path_join(dir, "uk.yaml");
	char *lockpath = here ? strdup("uk.lock") : uk_path_join(dir, "uk.lock");
	struct uk_lock lock = { 0 };
	int rc = -1;

	memset(p, 0, sizeof(*p));
	p->cache_root = uk_path_join(store->user_root, "cache");
	if (!uk_file_exists(yaml)) {
		uk_errorf(err, "no uk.yaml in '%s'", dir);
		uk_hintf(err, "run 'uk init' to create a project, or -C DIR to name its folder");
		err->status = 2;
		goto out;
	}
	if (uk_manifest_load(yaml, &p->man, diags, err) != 0)
		goto out;
	if (uk_lock_load(lockpath, &lock, err) != 0)
		goto out;
	if (add_component(p, store, &lock, p->man.runtime, diags, err) != 0)
		goto out;
	for (size_t i = 0; i < p->man.libraries.n; i++)
		if (add_component(p, store, &lock, p->man.libraries.v[i], diags, err) != 0)
			goto out;
	for (size_t i = 0; i < p->ncomps && !p->entry; i++)
		if (p->comps[i].desc.entry)
			p->entry = strdup(p->comps[i].desc.entry);
	if (!p->entry) {
		uk_errorf(err, "no component names an entry symbol");
		uk_hintf(err, "the runtime's component.yaml should say 'entry: SYMBOL'");
		goto out;
	}
	if (expand_sources(p, err) != 0 || assemble_cflags(p, err) != 0)
		goto out;
	if (p->lock_changed && uk_lock_save(lockpath, &lock, err) != 0)
		goto out;
	rc = 0;
out:
	uk_lock_free(&lock);
	free(yaml);
	free(lockpath);
	return rc;
}

static void push_all(struct uk_strv *out, const char *dir, const struct uk_strv *files)
{
	for (size_t i = 0; i < files->n; i++) {
		char *p = uk_path_join(dir, files->v[i]);

		uk_strv_push(out, p);
		free(p);
	}
}

void uk_plan_link_inputs(const struct uk_plan *p, enum uk_target t,
			 const struct uk_strv *objects, struct uk_strv *inputs)
{
	for (size_t i = 0; i < p->ncomps; i++)
		push_all(inputs, p->comps[i].found.dir, &p->comps[i].desc.objects);
	for (size_t i = 0; i < objects->n; i++)
		uk_strv_push(inputs, objects->v[i]);
	for (size_t i = 0; i < p->ncomps; i++) {
		const struct uk_component *d = &p->comps[i].desc;

		push_all(inputs, p->comps[i].found.dir, &d->archives);
		if (t == UK_TARGET_XEN)
			push_all(inputs, p->comps[i].found.dir, &d->archives_xen);
		else
			push_all(inputs, p->comps[i].found.dir, &d->archives_kvm);
	}
	if (p->libgcc)
		uk_strv_push(inputs, p->libgcc);
}

/* Every component's list at off in struct uk_component, borrowed. */
static const char **borrow(const struct uk_plan *p, size_t off, size_t room, size_t *n)
{
	const char **v;
	size_t total = room + 1;

	for (size_t i = 0; i < p->ncomps; i++)
		total += ((const struct uk_strv *)((const char *)&p->comps[i].desc + off))->n;
	v = malloc(total * sizeof(*v));
	if (!v)
		abort();
	*n = 0;
	for (size_t i = 0; i < p->ncomps; i++) {
		const struct uk_strv *l = (const void *)((const char *)&p->comps[i].desc + off);

		for (size_t k = 0; k < l->n; k++)
			v[(*n)++] = l->v[k];
	}
	v[*n] = NULL;
	return v;
}

const char **uk_plan_keep(const struct uk_plan *p, size_t room, size_t *n)
{
	return borrow(p, offsetof(struct uk_component, keep), room, n);
}

const char **uk_plan_link_if(const struct uk_plan *p, size_t *n)
{
	return borrow(p, offsetof(struct uk_component, link_if), 0, n);
}

void uk_plan_free(struct uk_plan *p)
{
	free(p->libgcc);
	free(p->cache_root);
	uk_toolchain_free(&p->tc);
	for (size_t i = 0; i < p->ncomps; i++) {
		uk_store_component_free(&p->comps[i].found);
		uk_component_free(&p->comps[i].desc);
		free(p->comps[i].ref);
	}
	free(p->comps);
	uk_manifest_free(&p->man);
	uk_strv_free(&p->sources);
	uk_strv_free(&p->cflags);
	free(p->entry);
	memset(p, 0, sizeof(*p));
}
