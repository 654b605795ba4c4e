/* Components are used as folders: each manifest digest is unpacked once,
 * into a temporary folder renamed into place when complete, so a folder
 * under unpacked/ is always whole. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/layer.h"
#include "store/layout.h"
#include "store/store.h"
#include "util/path.h"

/* The manifest must be a component: our artifactType and one tar+gzip. */
static int check_component(const struct uk_oci_manifest *m, const char *root,
			   const char *digest, struct uk_error *err)
{
	const char *why = NULL;

	if (!m->artifact_type || strcmp(m->artifact_type, UK_COMPONENT_ARTIFACT))
		why = "its artifactType is not " UK_COMPONENT_ARTIFACT;
	else if (m->nlayers != 1)
		why = "it does not have exactly one layer";
	else if (strcmp(m->layers[0].media_type, UK_MT_LAYER_TGZ))
		why = "its layer is not " UK_MT_LAYER_TGZ;
	if (!why)
		return 0;
	return uk_errorf(err, "%s in the store '%s' is not a uk component: %s",
			 digest, root, why);
}

/* Reads and checks the config blob, which must name the component. */
static int check_config(const struct uk_oci_manifest *m, const char *root,
			const char *digest, struct uk_error *err)
{
	char *buf;
	size_t len;
	json_t *j;
	json_error_t je;
	int ok;

	if (strcmp(m->config.media_type, UK_COMPONENT_CONFIG))
		return uk_errorf(err, "%s in the store '%s' is not a uk component: "
				      "its config is %s", digest, root,
				 m->config.media_type);
	if (uk_layout_read_blob(root, m->config.digest, (long long)m->config.size,
				UK_LAYOUT_DOC_MAX, &buf, &len, err) < 0)
		return -1;
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	free(buf);
	if (!j)
		return uk_errorf(err, "the config %s of %s in the store '%s' is not "
				      "valid JSON: line %d, column %d: %s",
				 m->config.digest, digest, root, je.line, je.column,
				 je.text);
	ok = json_is_object(j) && json_is_string(json_object_get(j, "name")) &&
	     json_is_string(json_object_get(j, "version"));
	json_decref(j);
	if (!ok)
		return uk_errorf(err, "the config %s of %s in the store '%s' has no "
				      "name and version", m->config.digest, digest,
				 root);
	return 0;
}

static int unpack_layer(const char *root, const struct uk_descriptor *layer,
			const char *tmp, struct uk_error *err)
{
	char *yaml;
	int fd = uk_layout_open_blob(root, layer->digest, err), rc;

	if (fd < 0)
		return -1;
	rc = uk_layer_unpack_fd(fd, tmp, layer->digest, layer->size, err);
	close(fd);
	if (rc < 0)
		return -1;
	yaml = uk_path_join(tmp, "component.yaml");
	rc = yaml && uk_file_exists(yaml) ? 0 : -1;
	free(yaml);
	if (rc < 0)
		uk_errorf(err, "layer %s holds no component.yaml", layer->digest);
	return rc;
}

/* Unpacks into a fresh temporary folder, then renames it to final. */
static int unpack_to(const char *root, const struct uk_oci_manifest *m,
		     const char *parent, const char *final,
		     struct uk_error *err)
{
	char tmp[PATH_MAX];
	struct uk_error ignored = {0};

	if (uk_mkdirs(parent, err) < 0)
		return -1;
	if (snprintf(tmp, sizeof(tmp), "%s/.tmp-XXXXXX", parent) >=
		    (int)sizeof(tmp) ||
	    !mkdtemp(tmp))
		return uk_errorf(err, "cannot create a folder in '%s': %s", parent,
				 strerror(errno));
	/* mkdtemp made it 0700. */
	if ((chmod(tmp, 0755) < 0 &&
	     uk_errorf(err, "cannot chmod '%s': %s", tmp, strerror(errno))) ||
	    unpack_layer(root, &m->layers[0], tmp, err) < 0) {
		uk_remove_tree(tmp, &ignored);
		return -1;
	}
	if (rename(tmp, final) < 0) {
		int e = errno;

		uk_remove_tree(tmp, &ignored);
		/* Another uk unpacked the same digest first: theirs is as good. */
		if ((e == EEXIST || e == ENOTEMPTY) && uk_is_dir(final))
			return 0;
		return uk_errorf(err, "cannot create '%s': %s", final, strerror(e));
	}
	return 0;
}

int uk_store_unpack(const char *root, const char *digest, long long size,
		    const char *dest_root, char **dir_out,
		    struct uk_error *err)
{
	struct uk_oci_manifest m;
	char parent[PATH_MAX], final[PATH_MAX];
	int rc = -1;

	*dir_out = NULL;
	if (!uk_digest_valid(digest))
		return uk_errorf(err, "'%s' is not a sha256 digest", digest);
	if (snprintf(parent, sizeof(parent), "%s/unpacked", dest_root) >=
		    (int)sizeof(parent) - 80 ||
	    snprintf(final, sizeof(final), "%s/%s", parent,
		     uk_digest_hex(digest)) >= (int)sizeof(final))
		return uk_errorf(err, "store path '%s' is too long", dest_root);
	if (!uk_is_dir(final)) {
		if (uk_oci_manifest_read(root, digest, size, &m, err) < 0)
			return -1;
		if (check_component(&m, root, digest, err) == 0 &&
		    check_config(&m, root, digest, err) == 0)
			rc = unpack_to(root, &m, parent, final, err);
		uk_oci_manifest_free(&m);
		if (rc < 0)
			return -1;
	}
	if (!(*dir_out = strdup(final)))
		return uk_errorf(err, "out of memory");
	return 0;
}
