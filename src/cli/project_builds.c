/* The images a project has built (build/<target>/<name>, as uk.yaml and
 * uk_image_locate name them), as store entries: `uk images` lists them
 * beside what the stores hold. */
#include <stdlib.h>
#include <string.h>

#include "builder/imagemeta.h"
#include "cli/cli.h"
#include "store/digest.h"
#include "store/store.h"
#include "util/path.h"

static const char *const kinds[] = { "kvm image", "xen image", "raw disk" };

int cli_project_builds(const char *dir, struct uk_store_entry **out, size_t *n)
{
	static const char *const targets[] = { "kvm", "xen", "raw" };

	*out = calloc(3, sizeof(**out));
	*n = 0;
	if (!*out)
		return -1;
	for (size_t i = 0; i < 3; i++) {
		struct uk_error err = { 0 };
		struct uk_store_entry *e = &(*out)[*n];
		char *path = NULL, *data = NULL;
		size_t len = 0;

		/* a target neither in uk.yaml nor built is no error here */
		if (uk_image_locate(dir, targets[i], &path, &err) < 0 || !uk_file_exists(path) ||
		    uk_read_file(path, &data, &len, &err) != 0 ||
		    uk_digest_buf(data, len, e->digest) != 0) {
			free(path);
			free(data);
			continue;
		}
		free(data);
		e->ref = path;
		e->kind = strdup(kinds[i]);
		e->size = len;
		e->root = NULL; /* the project, no store */
		(*n)++;
	}
	return 0;
}
