#include "builder/lock.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/path.h"

static char *dup_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

int uk_lock_load(const char *path, struct uk_lock *l, struct uk_error *err)
{
	json_error_t jerr;
	json_t *root, *comps, *e;
	const char *ref;

	memset(l, 0, sizeof(*l));
	if (!uk_file_exists(path))
		return 0;
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	comps = json_object_get(root, "components");
	if (!json_is_object(root) || !json_is_object(comps)) {
		uk_errorf(err, "%s:%d:%d: %s", path, jerr.line, jerr.column,
			  root ? "not a uk lock file (no 'components' object)" : jerr.text);
		uk_hintf(err, "delete '%s' to resolve components afresh", path);
		json_decref(root);
		return -1;
	}
	json_object_foreach(comps, ref, e) {
		char *name = dup_str(e, "name"), *version = dup_str(e, "version"),
		     *digest = dup_str(e, "digest");

		if (!name || !version || !digest || strncmp(digest, "sha256:", 7) != 0 ||
		    strlen(digest) != 71) {
			free(name);
			free(version);
			free(digest);
			uk_lock_free(l);
			uk_errorf(err, "%s: entry '%s' lacks a name, version or sha256 digest",
				  path, ref);
			uk_hintf(err, "delete '%s' to resolve components afresh", path);
			json_decref(root); /* ref points into it */
			return -1;
		}
		uk_lock_set(l, ref, name, version, digest);
		free(name);
		free(version);
		free(digest);
	}
	json_decref(root);
	return 0;
}

int uk_lock_save(const char *path, const struct uk_lock *l, struct uk_error *err)
{
	json_t *root = json_object(), *comps = json_object();
	char *text;
	int rc;

	json_object_set_new(root, "lockVersion", json_integer(1));
	for (size_t i = 0; i < l->n; i++)
		json_object_set_new(comps, l->v[i].ref,
				    json_pack("{s:s, s:s, s:s}", "name", l->v[i].name,
					      "version", l->v[i].version, "digest",
					      l->v[i].digest));
	json_object_set_new(root, "components", comps);
	text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(root);
	/* json_dumps leaves no final newline; text files want one. */
	text = realloc(text, strlen(text) + 2);
	strcat(text, "\n");
	rc = uk_write_file_atomic(path, text, strlen(text), 0644, err);
	free(text);
	return rc;
}

const struct uk_lock_entry *uk_lock_find(const struct uk_lock *l, const char *ref)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].ref, ref) == 0)
			return &l->v[i];
	return NULL;
}

void uk_lock_set(struct uk_lock *l, const char *ref, const char *name,
		 const char *version, const char *digest)
{
	struct uk_lock_entry *e = (struct uk_lock_entry *)uk_lock_find(l, ref);

	if (!e) {
		l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
		if (!l->v)
			abort();
		e = &l->v[l->n++];
		e->ref = strdup(ref);
	} else {
		free(e->name);
		free(e->version);
		free(e->digest);
	}
	e->name = strdup(name);
	e->version = strdup(version);
	e->digest = strdup(digest);
}

void uk_lock_free(struct uk_lock *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].ref);
		free(l->v[i].name);
		free(l->v[i].version);
		free(l->v[i].digest);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
