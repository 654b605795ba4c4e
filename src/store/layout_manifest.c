/* Reading an OCI image manifest from a layout: digest, size and shape
 * checked before anything in it is used. */
#include "store/layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bad(struct uk_error *err, const char *root, const char *digest,
	       const char *why)
{
	uk_errorf(err, "manifest %s in the store '%s' is invalid: %s", digest,
		  root, why);
	return uk_hintf(err, "add the component again (uk pkg create DIR, or "
			     "uk pull REF)");
}

static int parse(struct uk_oci_manifest *m, const char *root,
		 const char *digest, struct uk_error *err)
{
	json_t *j = m->json, *sv, *mt, *at, *layers, *l;
	char why[256], where[300];
	size_t i;

	sv = json_object_get(j, "schemaVersion");
	mt = json_object_get(j, "mediaType");
	at = json_object_get(j, "artifactType");
	layers = json_object_get(j, "layers");
	if (!json_is_object(j))
		return bad(err, root, digest, "not a JSON object");
	if (!json_is_integer(sv) || json_integer_value(sv) != 2)
		return bad(err, root, digest, "schemaVersion is not 2");
	if (mt && (!json_is_string(mt) || strcmp(json_string_value(mt), UK_MT_MANIFEST)))
		return bad(err, root, digest, "mediaType is not an OCI image manifest");
	if (at && !json_is_string(at))
		return bad(err, root, digest, "artifactType is not a string");
	m->artifact_type = at ? json_string_value(at) : NULL;
	if (uk_descriptor_parse(json_object_get(j, "config"), &m->config, why,
				sizeof(why)) < 0) {
		snprintf(where, sizeof(where), "config: %s", why);
		return bad(err, root, digest, where);
	}
	if (!json_is_array(layers))
		return bad(err, root, digest, "layers is not an array");
	m->nlayers = json_array_size(layers);
	m->layers = calloc(m->nlayers + 1, sizeof(*m->layers));
	if (!m->layers)
		return uk_errorf(err, "out of memory");
	json_array_foreach(layers, i, l) {
		if (uk_descriptor_parse(l, &m->layers[i], why, sizeof(why)) < 0) {
			snprintf(where, sizeof(where), "layers[%zu]: %s", i, why);
			return bad(err, root, digest, where);
		}
	}
	return 0;
}

int uk_oci_manifest_read(const char *root, const char *digest,
			 long long size, struct uk_oci_manifest *m,
			 struct uk_error *err)
{
	json_error_t je;
	char *buf;
	size_t len;

	memset(m, 0, sizeof(*m));
	if (uk_layout_read_blob(root, digest, size, UK_LAYOUT_DOC_MAX, &buf,
				&len, err) < 0)
		return -1;
	m->json = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	free(buf);
	if (!m->json) {
		char why[300];

		snprintf(why, sizeof(why), "not valid JSON: line %d, column %d: %s",
			 je.line, je.column, je.text);
		return bad(err, root, digest, why);
	}
	if (parse(m, root, digest, err) < 0) {
		uk_oci_manifest_free(m);
		return -1;
	}
	return 0;
}

void uk_oci_manifest_free(struct uk_oci_manifest *m)
{
	free(m->layers);
	json_decref(m->json);
	memset(m, 0, sizeof(*m));
}
