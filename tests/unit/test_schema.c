/* share/uk.schema.json (the JSON Schema editors validate uk.yaml with)
 * against the manifest reader's field table: the same keys, the same
 * required ones, so that a field added to one and not the other fails. */
#include "check.h"

#include <jansson.h>
#include <stdlib.h>

#include "manifest/manifest.h"

static json_t *schema;

static void t_schema_loads(void)
{
	CHECK(schema != NULL);
	CHECK(json_is_object(json_object_get(schema, "properties")));
	CHECK(json_is_false(json_object_get(schema, "additionalProperties")));
}

static void t_every_reader_key_in_schema(void)
{
	json_t *props = json_object_get(schema, "properties"), *p;
	const char *key;

	for (size_t i = 0; (key = uk_manifest_key(i, NULL)); i++) {
		p = json_object_get(props, key);
		if (!p)
			check_fail(__FILE__, __LINE__, "'%s' is read but not in the schema", key);
		if (!json_is_string(json_object_get(p, "description")))
			check_fail(__FILE__, __LINE__, "'%s' has no description", key);
	}
}

static void t_every_schema_key_read(void)
{
	json_t *props = json_object_get(schema, "properties"), *v;
	const char *name, *key;

	json_object_foreach(props, name, v) {
		size_t i;

		for (i = 0; (key = uk_manifest_key(i, NULL)) && strcmp(key, name); i++)
			;
		if (!key)
			check_fail(__FILE__, __LINE__, "the schema has '%s', the reader does not",
				   name);
	}
}

static void t_required_agree(void)
{
	json_t *req = json_object_get(schema, "required");
	const char *key;
	int required;
	size_t n = 0;

	CHECK(json_is_array(req));
	for (size_t i = 0; (key = uk_manifest_key(i, &required)); i++) {
		int listed = 0;
		size_t k;
		json_t *v;

		json_array_foreach(req, k, v)
			listed |= json_is_string(v) && !strcmp(json_string_value(v), key);
		if (listed != required)
			check_fail(__FILE__, __LINE__, "'%s' is %srequired by the reader, %sby the schema",
				   key, required ? "" : "not ", listed ? "" : "not ");
		n += (size_t)required;
	}
	CHECK_EQ_INT(json_array_size(req), n);
}

int main(void)
{
	const char *root = getenv("UK_ROOT");
	char path[4096];
	json_error_t e;

	snprintf(path, sizeof(path), "%s/share/uk.schema.json", root ? root : ".");
	schema = json_load_file(path, 0, &e);
	if (!schema)
		printf("FAIL schema_load: %s: %s\n", path, e.text);
	RUN(t_schema_loads);
	RUN(t_every_reader_key_in_schema);
	RUN(t_every_schema_key_read);
	RUN(t_required_agree);
	json_decref(schema);
	return check_done();
}
