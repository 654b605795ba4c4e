/* `uk run REF`: a pulled image's kernel, unpacked once per manifest. */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/image.h"
#include "store/layer.h"
#include "store/layout.h"
#include "util/path.h"

/* The manifest of the index for target (else kvm, else the first). */
static int pick(const char *root, const struct uk_layout_ref *r,
		const char *target, struct uk_descriptor *out, json_t **keep,
		struct uk_error *err)
{
	char *buf, why[128];
	size_t len, i;
	json_t *j, *e;
	int found = 0;

	if (uk_layout_read_blob(root, r->digest, (long long)r->size,
				UK_LAYOUT_DOC_MAX, &buf, &len, err) < 0)
		return -1;
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
	free(buf);
	json_array_foreach(json_object_get(j, "manifests"), i, e) {
		struct uk_descriptor d;
		const char *t;

		if (uk_descriptor_parse(e, &d, why, sizeof(why)) < 0 ||
		    strcmp(d.media_type, UK_MT_MANIFEST))
			continue;
		t = json_string_value(json_object_get(d.annotations, UK_ANNOT_TARGET));
		if ((t && !strcmp(t, target ? target : "kvm")) || (!found && !target)) {
			*out = d;
			found = t && !strcmp(t, target ? target : "kvm") ? 2 : 1;
			if (found == 2)
				break;
		}
	}
	if (!found) {
		json_decref(j);
		return uk_errorf(err, "the image %s has no %s%s manifest", r->ref,
				 target ? target : "", target ? "" : "image");
	}
	*keep = j;
	return 0;
}

/* "/unikernel/NAME" with NAME of [A-Za-z0-9._-] only: the name of a pulled
 * image's kernel reaches file paths and QEMU's command line. */
static const char *binary_of(const struct uk_oci_manifest *m)
{
	json_t *an = json_object_get(m->json, "annotations");
	const char *b = json_string_value(json_object_get(an, UK_URUNC_BINARY));

	if (!b || strncmp(b, "/unikernel/", 11) || !b[11] || !strcmp(b + 11, "..") ||
	    !strcmp(b + 11, ".") || strspn(b + 11, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
						   "abcdefghijklmnopqrstuvwxyz0123456789._-") !=
					       strlen(b + 11))
		return NULL;
	return b;
}

static int unpack(const char *root, const struct uk_descriptor *layer,
		  const char *final, struct uk_error *err)
{
	char parent[PATH_MAX], tmp[PATH_MAX + 16];
	struct uk_error ignored = {0};
	int fd, rc;

	snprintf(parent, sizeof(parent), "%s/unpacked", root);
	if (uk_mkdirs(parent, err) < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s/.tmp-XXXXXX", parent);
	if (!mkdtemp(tmp))
		return uk_errorf(err, "cannot create a folder in '%s': %s", parent,
				 strerror(errno));
	chmod(tmp, 0755);
	if ((fd = uk_layout_open_blob(root, layer->digest, err)) < 0) {
		uk_remove_tree(tmp, &ignored);
		return -1;
	}
	rc = uk_layer_unpack_fd(fd, tmp, layer->digest, layer->size, err);
	close(fd);
	if (rc == 0 && rename(tmp, final) < 0 && !uk_is_dir(final))
		rc = uk_errorf(err, "cannot create '%s': %s", final, strerror(errno));
	uk_remove_tree(tmp, &ignored);
	return rc;
}

int uk_image_resolve(const char *root, const char *ref, const char *target,
		     char **kernel, struct uk_error *err)
{
	struct uk_layout_ref *refs;
	struct uk_descriptor d;
	struct uk_oci_manifest m = {0};
	json_t *keep = NULL;
	const char *bin;
	char final[PATH_MAX];
	size_t n, i;
	int rc = -1;

	*kernel = NULL;
	if (uk_layout_refs(root, &refs, &n, err) < 0)
		return -1;
	for (i = 0; i < n && strcmp(refs[i].ref, ref); i++)
		;
	if (i == n) {
		uk_layout_refs_free(refs, n);
		return 1;
	}
	memset(&d, 0, sizeof(d));
	if (!strcmp(refs[i].media_type, UK_MT_INDEX)) {
		if (pick(root, &refs[i], target, &d, &keep, err) < 0)
			goto out;
	} else {
		d.media_type = refs[i].media_type;
		memcpy(d.digest, refs[i].digest, UK_DIGEST_MAX);
		d.size = refs[i].size;
	}
	if (uk_oci_manifest_read(root, d.digest, (long long)d.size, &m, err) < 0)
		goto out;
	if (m.nlayers != 1 ||
	    (strcmp(m.layers[0].media_type, UK_MT_LAYER_TGZ) &&
	     strcmp(m.layers[0].media_type, UK_MT_LAYER_TAR)) ||
	    !(bin = binary_of(&m))) {
		uk_errorf(err, "%s is not a uk image (one tar or tar+gzip layer and a %s "
			       "annotation '/unikernel/NAME', NAME of letters, digits, "
			       "'.', '_' and '-')", ref, UK_URUNC_BINARY);
		goto out;
	}
	snprintf(final, sizeof(final), "%s/unpacked/%s", root, uk_digest_hex(d.digest));
	if (!uk_is_dir(final) && unpack(root, &m.layers[0], final, err) < 0)
		goto out;
	if (asprintf(kernel, "%s%s", final, bin) < 0) {
		*kernel = NULL;
		uk_errorf(err, "out of memory");
		goto out;
	}
	rc = 0;
out:
	uk_oci_manifest_free(&m);
	json_decref(keep);
	uk_layout_refs_free(refs, n);
	return rc;
}
