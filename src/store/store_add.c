/* Packing a component folder into a layout: config blob, one reproducible
 * layer, manifest; unpacked, then tagged NAME:VERSION in index.json. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest.h"
#include "store/layer.h"
#include "store/layout.h"
#include "store/store.h"
#include "util/epoch.h"
#include "util/path.h"

static int load_component(const char *dir, struct uk_component *c,
			  struct uk_error *err)
{
	struct uk_diags diags = {0};
	char *path = uk_path_join(dir, "component.yaml");
	int rc;

	if (!path)
		return uk_errorf(err, "out of memory");
	if (!uk_is_dir(dir)) {
		free(path);
		return uk_errorf(err, "'%s' is not a folder", dir);
	}
	if (!uk_file_exists(path)) {
		uk_errorf(err, "'%s' has no component.yaml", dir);
		free(path);
		return uk_hintf(err, "a component folder holds component.yaml, "
				     "lib/ and include/");
	}
	memset(c, 0, sizeof(*c));
	rc = uk_component_load(path, c, &diags, err);
	if (rc < 0 && diags.n > 0) {
		int status = err->status;

		uk_diag_format(&diags.v[0], err->msg, sizeof(err->msg));
		err->hint[0] = '\0';
		if (diags.n > 1)
			uk_hintf(err, "%zu more problems in '%s'", diags.n - 1, path);
		err->status = status ? status : 2;
	}
	uk_diags_free(&diags);
	free(path);
	return rc;
}

/* A path from component.yaml that must stay inside the folder. */
static int inside(const char *p)
{
	const char *s = p;

	if (!*p || *p == '/')
		return 0;
	while ((s = strstr(s, ".."))) {
		if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
			return 0;
		s += 2;
	}
	return 1;
}

static int add_path(struct uk_strv *out, const char *dir, const char *rel,
		    int required, struct uk_error *err)
{
	char *abs;
	int exists;

	if (!inside(rel))
		return uk_errorf(err, "component.yaml names '%s', which is outside "
				      "the component folder", rel);
	abs = uk_path_join(dir, rel);
	exists = abs && uk_file_exists(abs);
	free(abs);
	if (!exists && required)
		return uk_errorf(err, "component.yaml names '%s', which does not "
				      "exist in '%s'", rel, dir);
	if (exists)
		uk_strv_push(out, rel);
	return 0;
}

/* component.yaml, lib/, include/ and whatever component.yaml names. */
static int layer_paths(const struct uk_component *c, const char *dir,
		       struct uk_strv *out, struct uk_error *err)
{
	const struct uk_strv *named[] = {&c->include, &c->objects, &c->archives,
					 &c->archives_kvm, &c->archives_xen};
	size_t i, k;

	if (add_path(out, dir, "component.yaml", 1, err) < 0 ||
	    add_path(out, dir, "lib", 0, err) < 0 ||
	    add_path(out, dir, "include", 0, err) < 0)
		return -1;
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		for (k = 0; k < named[i]->n; k++)
			if (add_path(out, dir, named[i]->v[k], 1, err) < 0)
				return -1;
	return 0;
}

static int ref_ok(const char *ref)
{
	const char *p;

	for (p = ref; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789._-+:", *p))
			return 0;
	return ref[0] != ':' && strchr(ref, ':') == strrchr(ref, ':');
}

static int put_layer(const struct uk_component *c, const char *root,
		     const char *dir, char digest[UK_DIGEST_MAX], size_t *size,
		     struct uk_error *err)
{
	struct uk_strv paths = {0};
	void *tgz = NULL;
	int rc = layer_paths(c, dir, &paths, err);

	if (rc == 0)
		rc = uk_layer_pack(dir, (const char *const *)paths.v, paths.n,
				   uk_source_date_epoch(), &tgz, size, err);
	if (rc == 0)
		rc = uk_layout_put_blob(root, tgz, *size, digest, err);
	free(tgz);
	uk_strv_free(&paths);
	return rc;
}

static int put_text(const char *root, char *text, char digest[UK_DIGEST_MAX],
		    size_t *size, struct uk_error *err)
{
	int rc;

	if (!text)
		return uk_errorf(err, "out of memory");
	*size = strlen(text);
	rc = uk_layout_put_blob(root, text, *size, digest, err);
	free(text);
	return rc;
}

static char *manifest_json(const struct uk_component *c, const char *cfg,
			   size_t cfg_size, const char *layer,
			   size_t layer_size)
{
	json_t *m = json_pack(
		"{s:i, s:s, s:s, s:{s:s, s:s, s:I}, s:[{s:s, s:s, s:I}],"
		" s:{s:s, s:s}}",
		"schemaVersion", 2, "mediaType", UK_MT_MANIFEST, "artifactType",
		UK_COMPONENT_ARTIFACT, "config", "mediaType", UK_COMPONENT_CONFIG,
		"digest", cfg, "size", (json_int_t)cfg_size, "layers",
		"mediaType", UK_MT_LAYER_TGZ, "digest", layer, "size",
		(json_int_t)layer_size, "annotations",
		"org.opencontainers.image.title", c->name,
		"org.opencontainers.image.version", c->version);
	char *text = m ? json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	json_decref(m);
	return text;
}

static int pack(const struct uk_component *c, const char *root,
		const char *dir, struct uk_store_component *out,
		struct uk_error *err)
{
	char cfg[UK_DIGEST_MAX], layer[UK_DIGEST_MAX], ref[512];
	size_t cfg_size = 0, layer_size = 0, size = 0;

	if (snprintf(ref, sizeof(ref), "%s:%s", c->name, c->version) >=
		    (int)sizeof(ref) ||
	    !ref_ok(ref))
		return uk_errorf(err, "'%s' is not a valid component reference "
				      "(NAME:VERSION)", ref);
	if (uk_layout_init(root, err) < 0 ||
	    put_text(root, uk_store_component_config(c), cfg, &cfg_size, err) < 0 ||
	    put_layer(c, root, dir, layer, &layer_size, err) < 0 ||
	    put_text(root, manifest_json(c, cfg, cfg_size, layer, layer_size),
		     out->digest, &size, err) < 0)
		return -1;
	/* Unpacked before it is tagged: a tagged component is always whole. */
	if (uk_store_unpack(root, out->digest, (long long)size, root, &out->dir,
			    err) < 0)
		return -1;
	return uk_layout_tag(root, ref, UK_MT_MANIFEST, UK_COMPONENT_ARTIFACT,
			     out->digest, size, err);
}

int uk_store_pack_component(const char *root, const char *dir,
			    struct uk_store_component *out,
			    struct uk_error *err)
{
	struct uk_component c;
	int rc;

	memset(out, 0, sizeof(*out));
	if (load_component(dir, &c, err) < 0)
		return -1;
	if (!c.name || !c.version) {
		uk_component_free(&c);
		return uk_errorf(err, "'%s/component.yaml' lacks a name or version",
				 dir);
	}
	rc = pack(&c, root, dir, out, err);
	if (rc == 0) {
		out->name = strdup(c.name);
		out->version = strdup(c.version);
		out->root = root;
	} else {
		uk_error_wrap(err, "packing '%s'", dir);
	}
	uk_component_free(&c);
	if (rc < 0)
		uk_store_component_free(out);
	return rc;
}

int uk_store_add_component(const char *root, const char *dir,
			   char digest_out[UK_DIGEST_MAX], struct uk_error *err)
{
	struct uk_store_component c;

	if (uk_store_pack_component(root, dir, &c, err) < 0)
		return -1;
	memcpy(digest_out, c.digest, UK_DIGEST_MAX);
	uk_store_component_free(&c);
	return 0;
}
