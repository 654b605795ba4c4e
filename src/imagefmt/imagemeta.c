#include "imagefmt/imagemeta.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/path.h"

#define DEFAULT_MEMORY (64ull << 20)

static char *meta_path(const char *image)
{
	char *p;

	if (asprintf(&p, "%s.json", image) < 0)
		abort();
	return p;
}

static int has_mbr_signature(const char *image)
{
	unsigned char sec[512];
	FILE *f = fopen(image, "rb");
	size_t n;

	if (!f)
		return 0;
	n = fread(sec, 1, sizeof(sec), f);
	fclose(f);
	return n == sizeof(sec) && sec[510] == 0x55 && sec[511] == 0xaa;
}

static char **strings_from(json_t *arr, size_t *n)
{
	char **v;
	size_t i, k = 0;
	json_t *x;

	*n = 0;
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return NULL;
	v = calloc(json_array_size(arr), sizeof(*v));
	json_array_foreach(arr, i, x)
		if (json_is_string(x))
			v[k++] = strdup(json_string_value(x));
	*n = k;
	return v;
}

static char *str_or_null(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

int uk_image_meta_load(const char *image, struct uk_image_meta *m, struct uk_error *err)
{
	char *path = meta_path(image);
	json_error_t jerr;
	json_t *root, *comps, *c;
	size_t i;

	memset(m, 0, sizeof(*m));
	m->memory = DEFAULT_MEMORY;
	if (!uk_file_exists(path)) {
		const char *base = strrchr(image, '/');

		m->name = strdup(base ? base + 1 : image);
		m->is_disk = has_mbr_signature(image);
		free(path);
		return 0;
	}
	root = json_load_file(path, 0, &jerr);
	if (!json_is_object(root)) {
		uk_errorf(err, "%s:%d:%d: %s", path, jerr.line, jerr.column,
			  root ? "not a JSON object" : jerr.text);
		uk_hintf(err, "rebuild the image with 'uk build'");
		json_decref(root);
		free(path);
		return -1;
	}
	free(path);
	m->name = str_or_null(root, "name");
	m->target = str_or_null(root, "target");
	m->is_disk = json_is_true(json_object_get(root, "disk"));
	if (json_is_integer(json_object_get(root, "memory")))
		m->memory = (uint64_t)json_integer_value(json_object_get(root, "memory"));
	m->args = strings_from(json_object_get(root, "args"), &m->nargs);
	m->env = strings_from(json_object_get(root, "env"), &m->nenv);
	m->has_9p = json_is_true(json_object_get(root, "9p"));
	m->volumes = strings_from(json_object_get(root, "volumes"), &m->nvolumes);
	m->ports = strings_from(json_object_get(root, "ports"), &m->nports);
	comps = json_object_get(root, "components");
	if (json_is_array(comps) && json_array_size(comps)) {
		m->components = calloc(json_array_size(comps), sizeof(*m->components));
		json_array_foreach(comps, i, c) {
			struct uk_image_component *ic = &m->components[m->ncomponents++];

			ic->name = str_or_null(c, "name");
			ic->version = str_or_null(c, "version");
			ic->digest = str_or_null(c, "digest");
		}
	}
	json_decref(root);
	if (!m->name)
		m->name = strdup("uk");
	return 0;
}

static json_t *strings_to(char **v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

int uk_image_meta_write(const char *image, const struct uk_image_meta *m,
			struct uk_error *err)
{
	json_t *root = json_object(), *comps = json_array();
	char *text, *path, *old = NULL;
	int rc = 0;

	json_object_set_new(root, "name", json_string(m->name));
	json_object_set_new(root, "target", json_string(m->target ? m->target : "kvm"));
	json_object_set_new(root, "disk", json_boolean(m->is_disk));
	json_object_set_new(root, "memory", json_integer((json_int_t)m->memory));
	json_object_set_new(root, "args", strings_to(m->args, m->nargs));
	json_object_set_new(root, "env", strings_to(m->env, m->nenv));
	if (m->has_9p) {
		json_object_set_new(root, "9p", json_true());
		json_object_set_new(root, "volumes", strings_to(m->volumes, m->nvolumes));
	}
	if (m->nports)
		json_object_set_new(root, "ports", strings_to(m->ports, m->nports));
	for (size_t i = 0; i < m->ncomponents; i++) {
		const struct uk_image_component *c = &m->components[i];

		json_array_append_new(comps, json_pack("{s:s, s:s, s:s}", "name", c->name,
						       "version", c->version, "digest",
						       c->digest));
	}
	json_object_set_new(root, "components", comps);
	text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(root);
	path = meta_path(image);
	/* a no-op build leaves an equal file alone (no write, no fsync) */
	if (uk_read_file(path, &old, NULL, NULL) != 0 || strcmp(old, text))
		rc = uk_write_file_atomic(path, text, strlen(text), 0644, err);
	free(old);
	free(path);
	free(text);
	return rc;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void uk_image_meta_free(struct uk_image_meta *m)
{
	free(m->name);
	free(m->target);
	free_strings(m->args, m->nargs);
	free_strings(m->env, m->nenv);
	free_strings(m->volumes, m->nvolumes);
	free_strings(m->ports, m->nports);
	for (size_t i = 0; i < m->ncomponents; i++) {
		free(m->components[i].name);
		free(m->components[i].version);
		free(m->components[i].digest);
	}
	free(m->components);
	memset(m, 0, sizeof(*m));
}
