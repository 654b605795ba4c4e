/* Packing built images into an OCI image index (see image.h). */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imagefmt/imagemeta.h"
#include "store/image.h"
#include "store/layout.h"
#include "util/epoch.h"
#include "util/path.h"

struct packed {
	char digest[UK_DIGEST_MAX];
	unsigned long long size;
	char *target;
};

static int put_json(const char *root, json_t *j, char digest[UK_DIGEST_MAX],
		    unsigned long long *size, struct uk_error *err)
{
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc;

	json_decref(j);
	if (!text)
		return uk_errorf(err, "out of memory");
	*size = strlen(text);
	rc = uk_layout_put_blob(root, text, *size, digest, err);
	free(text);
	return rc;
}

/* Packing a big kernel is mostly gzip; the same kernel, metadata and
 * mtime always give the same layer, so its digests are remembered in
 * <root>/cache/layers/<key> and the layer is reused while the store still
 * holds the blob. */
#define CACHE_FORMAT "uk-image-layer-6" /* 3: gzip by libdeflate; 4: plain tar; 5: gzip by ISA-L; 6: 2 MiB members */

/* Like make and git, a file is taken as unchanged while its inode, size
 * and modification time (to the nanosecond) are; uk build replaces images
 * by rename, so a new build is a new inode. */
static void hash_stat(struct uk_sha256 *h, const char *path)
{
	struct stat st;
	char line[160];

	if (stat(path, &st) < 0)
		memset(&st, 0, sizeof(st));
	snprintf(line, sizeof(line), "%llu %llu %lld %lld.%09ld\n",
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
		 (long long)st.st_size, (long long)st.st_mtim.tv_sec,
		 st.st_mtim.tv_nsec);
	uk_sha256_update(h, line, strlen(line));
}

static int cache_key(const char *image, const char *name, char key[UK_DIGEST_MAX])
{
	struct uk_sha256 h;
	char jpath[PATH_MAX + 8], head[256], abs[PATH_MAX];

	if (!realpath(image, abs))
		return -1;
	snprintf(jpath, sizeof(jpath), "%s.json", abs);
	snprintf(head, sizeof(head), CACHE_FORMAT " %lld %s", uk_source_date_epoch(), name);
	if (uk_sha256_init(&h) < 0)
		return -1;
	uk_sha256_update(&h, head, strlen(head) + 1);
	uk_sha256_update(&h, abs, strlen(abs) + 1);
	hash_stat(&h, abs);
	hash_stat(&h, jpath);
	uk_sha256_final(&h, key);
	return 0;
}

static char *cache_path(const char *root, const char *key)
{
	char *p;

	if (asprintf(&p, "%s/cache/layers/%s", root, uk_digest_hex(key)) < 0)
		return NULL;
	return p;
}

/* 1 when key names a layer the store holds (digest, size, diff_id out). */
static int cache_get(const char *root, const char *key, char layer[UK_DIGEST_MAX],
		     size_t *len, char diff[UK_DIGEST_MAX])
{
	char *path = cache_path(root, key), *blob, l[80], d[80];
	unsigned long long n;
	struct stat st;
	FILE *f = path ? fopen(path, "r") : NULL;
	int ok = 0;

	if (f && fscanf(f, "%79s %llu %79s", l, &n, d) == 3 && uk_digest_valid(l) &&
	    uk_digest_valid(d) && (blob = uk_layout_blob_path(root, l))) {
		ok = stat(blob, &st) == 0 && (unsigned long long)st.st_size == n;
		free(blob);
		if (ok) {
			memcpy(layer, l, UK_DIGEST_MAX); /* valid: 71 chars + NUL */
			memcpy(diff, d, UK_DIGEST_MAX);
			*len = (size_t)n;
		}
	}
	if (f)
		fclose(f);
	free(path);
	return ok;
}

static void cache_put(const char *root, const char *key, const char *layer,
		      size_t len, const char *diff)
{
	char *path = cache_path(root, key), *dir, line[200];
	struct uk_error ignored = {0};

	if (!path)
		return;
	snprintf(line, sizeof(line), "%s %zu %s\n", layer, len, diff);
	if ((dir = strndup(path, (size_t)(strrchr(path, '/') - path)))) {
		if (uk_mkdirs(dir, &ignored) == 0)
			uk_write_file_unsynced(path, line, strlen(line), 0644, &ignored); /* a cache */
		free(dir);
	}
	free(path);
}

static json_t *strv(char **v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static char *joined(char **v, size_t n)
{
	size_t i, len = 1;
	char *s;

	for (i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	if (!(s = calloc(1, len)))
		return NULL;
	for (i = 0; i < n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, v[i]);
	}
	return s;
}

static const char *runtime_version(const struct uk_image_meta *m)
{
	size_t i;

	for (i = 0; i < m->ncomponents; i++)
		if (m->components[i].name && m->components[i].version &&
		    !strcmp(m->components[i].name, "uk-runtime"))
			return m->components[i].version;
	return "unknown";
}

static json_t *annotations(const struct uk_image_meta *m, const char *binary)
{
	char mem[32], *cmd = joined(m->args, m->nargs);
	json_t *a;

	snprintf(mem, sizeof(mem), "%llu", (unsigned long long)m->memory);
	a = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", UK_ANNOT_TARGET,
		      m->target ? m->target : "kvm", UK_ANNOT_UK_VERSION, UK_VERSION,
		      UK_ANNOT_RUNTIME_VERSION, runtime_version(m), UK_ANNOT_MEMORY,
		      mem, UK_URUNC_BINARY, binary, UK_URUNC_CMDLINE, cmd ? cmd : "",
		      UK_URUNC_HYPERVISOR, "qemu", UK_URUNC_TYPE, UK_URUNC_TYPE_VALUE);
	free(cmd);
	return a;
}

static int pack_one(const char *root, const char *image,
		    const struct uk_layer_sink *sink, struct packed *p,
		    struct uk_error *err)
{
	struct uk_image_meta m;
	size_t len = 0;
	char layer[UK_DIGEST_MAX], diff[UK_DIGEST_MAX], cfg[UK_DIGEST_MAX],
		binary[600], key[UK_DIGEST_MAX];
	int have_key;
	const char *layer_type;
	unsigned long long cfg_size;
	json_t *cmd, *config, *manifest;
	int rc = -1;

	if (!uk_file_exists(image))
		return uk_errorf(err, "no image at '%s'", image);
	if (uk_image_meta_load(image, &m, err) < 0)
		return -1;
	if (m.is_disk) {
		uk_errorf(err, "'%s' is a disk image; uk push handles kernels only",
			  image);
		goto out;
	}
	if (!m.name || !*m.name || strchr(m.name, '/') || !strcmp(m.name, "..") ||
	    !strcmp(m.name, ".")) {
		uk_errorf(err, "'%s.json' names the image '%s', which is not a file name",
			  image, m.name ? m.name : "");
		goto out;
	}
	snprintf(binary, sizeof(binary), "/unikernel/%s", m.name);
	have_key = cache_key(image, m.name, key) == 0;
	if (!have_key || !cache_get(root, key, layer, &len, diff)) {
		if (uk_image_layer(root, image, m.name, uk_source_date_epoch(), sink, layer,
				   &len, diff, err) < 0)
			goto out;
		if (have_key)
			cache_put(root, key, layer, len, diff);
	}
	/* a layer that is its own tar was not gzipped (image_layer.c) */
	layer_type = strcmp(layer, diff) ? UK_MT_LAYER_TGZ : UK_MT_LAYER_TAR;
	cmd = strv(m.args, m.nargs);
	json_array_insert_new(cmd, 0, json_string(binary));
	config = json_pack("{s:s, s:s, s:{s:o, s:o, s:o}, s:{s:s, s:[s]}}",
			   "architecture", "amd64", "os", "linux", "config", "Cmd",
			   cmd, "Env", strv(m.env, m.nenv), "Labels",
			   annotations(&m, binary), "rootfs", "type", "layers",
			   "diff_ids", diff);
	if (put_json(root, config, cfg, &cfg_size, err) < 0)
		goto out;
	manifest = json_pack("{s:i, s:s, s:{s:s, s:s, s:I}, s:[{s:s, s:s, s:I}], s:o}",
			     "schemaVersion", 2, "mediaType", UK_MT_MANIFEST,
			     "config", "mediaType", UK_MT_IMAGE_CONFIG, "digest", cfg,
			     "size", (json_int_t)cfg_size, "layers", "mediaType",
			     layer_type, "digest", layer, "size", (json_int_t)len,
			     "annotations", annotations(&m, binary));
	if (put_json(root, manifest, p->digest, &p->size, err) < 0)
		goto out;
	if (!(p->target = strdup(m.target ? m.target : "kvm"))) {
		uk_errorf(err, "out of memory");
		goto out;
	}
	rc = 0;
out:
	uk_image_meta_free(&m);
	if (rc < 0)
		uk_error_wrap(err, "packing '%s'", image);
	return rc;
}

int uk_image_pack(const char *root, const char *const *images, size_t n,
		  const struct uk_layer_sink *sink, char digest[UK_DIGEST_MAX],
		  unsigned long long *size, struct uk_error *err)
{
	struct packed *p = calloc(n + 1, sizeof(*p));
	json_t *ms = json_array();
	size_t i;
	int rc = 0;

	if (!p || !ms) {
		free(p);
		json_decref(ms);
		return uk_errorf(err, "out of memory");
	}
	if (uk_layout_init(root, err) < 0)
		rc = -1;
	for (i = 0; i < n && rc == 0; i++) {
		rc = pack_one(root, images[i], sink, &p[i], err);
		if (rc == 0)
			json_array_append_new(
				ms, json_pack("{s:s, s:s, s:I, s:{s:s, s:s}, s:{s:s}}",
					      "mediaType", UK_MT_MANIFEST, "digest",
					      p[i].digest, "size", (json_int_t)p[i].size,
					      "platform", "architecture", "amd64", "os",
					      "linux", "annotations", UK_ANNOT_TARGET,
					      p[i].target));
	}
	if (rc == 0)
		rc = put_json(root,
			      json_pack("{s:i, s:s, s:O}", "schemaVersion", 2,
					"mediaType", UK_MT_INDEX, "manifests", ms),
			      digest, size, err);
	for (i = 0; i < n; i++)
		free(p[i].target);
	free(p);
	json_decref(ms);
	return rc;
}
