#include "builder/headerhint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/path.h"

static const char missing[] = ": No such file or directory";

/* The header a diagnostic says is missing (malloc'd), or NULL. */
static char *missing_header(const struct uk_diag *d)
{
	size_t n = strlen(d->msg), m = sizeof(missing) - 1;

	if (d->severity != UK_SEV_ERROR || !d->file || !d->line || n <= m ||
	    strcmp(d->msg + n - m, missing) || d->hint)
		return NULL;
	return strndup(d->msg, n - m);
}

static int in_plan(const struct uk_plan *p, const char *name)
{
	for (size_t i = 0; i < p->ncomps; i++)
		if (!strcmp(p->comps[i].found.name, name))
			return 1;
	return 0;
}

/* Whether the component at dir has header in one of its include folders. */
static int component_has(const char *dir, const char *header)
{
	struct uk_component c = { 0 };
	char *yaml = uk_path_join(dir, "component.yaml");
	int has = 0;

	if (uk_component_load(yaml, &c, NULL, NULL) == 0) {
		for (size_t i = 0; i < c.include.n && !has; i++) {
			char *inc = uk_path_join(c.dir, c.include.v[i]), *f = uk_path_join(inc, header);

			has = uk_file_exists(f);
			free(f);
			free(inc);
		}
		uk_component_free(&c);
	}
	free(yaml);
	return has;
}

/* The name of a component of the store, not in the plan, that has header
 * (malloc'd), or NULL. */
static char *provider(struct uk_store *s, const struct uk_plan *p, const char *header)
{
	struct uk_store_entry *e = NULL;
	size_t n = 0;
	char *name = NULL;

	if (uk_store_list(s, &e, &n, NULL) != 0)
		return NULL;
	for (size_t i = 0; i < n && !name; i++) {
		struct uk_store_component c = { 0 };
		size_t len = strcspn(e[i].ref, ":");
		char *ref_name = strndup(e[i].ref, len);

		if (!ref_name)
			abort();
		if (!strcmp(e[i].kind, "component") && !in_plan(p, ref_name) &&
		    uk_store_find_component(s, e[i].ref, NULL, &c, NULL) == 0) {
			if (component_has(c.dir, header))
				name = strdup(c.name);
			uk_store_component_free(&c);
		}
		free(ref_name);
	}
	uk_store_entries_free(e, n);
	return name;
}

void uk_header_hints(struct uk_store *s, const struct uk_plan *p, struct uk_diags *ds,
		     struct uk_error *err)
{
	for (size_t i = 0; i < ds->n; i++) {
		struct uk_diag *d = &ds->v[i];
		char *header = missing_header(d), *name = header ? provider(s, p, header) : NULL;

		if (name && asprintf(&d->hint,
				     "'%s' is in the component %s: add %s to 'libraries:' in uk.yaml",
				     header, name, name) < 0)
			abort();
		if (name && err && strstr(err->msg, d->msg))
			uk_hintf(err, "%s", d->hint);
		free(header);
		free(name);
	}
}
