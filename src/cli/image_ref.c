/* Images named by a registry reference instead of a path (cmd_run.c,
 * cmd_inspect.c). */
#include <stdlib.h>

#include "cli/cli.h"
#include "registry/ref.h"
#include "store/image.h"
#include "store/store.h"

/* `uk run REF`, `uk inspect REF`: an IMAGE that is not a file but names an
 * image pulled into the user store (uk pull) means that image's kvm
 * kernel. 0 and *path replaced when it does; 1 when it is no such
 * reference; -1 on an error. */
int cli_resolve_pulled(char **path, struct uk_error *err)
{
	struct uk_error ignored = { 0 };
	struct uk_store s;
	struct uk_ref r;
	char *name, *kernel = NULL;
	int rc = 1;

	if (uk_ref_parse(*path, &r, &ignored) < 0)
		return 1;
	name = uk_ref_store_name(&r);
	uk_ref_free(&r);
	if (name && uk_store_open(&s, err) == 0) {
		rc = uk_image_resolve(s.user_root, name, NULL, &kernel, err);
		uk_store_close(&s);
	} else {
		rc = -1;
	}
	free(name);
	if (rc == 0) {
		free(*path);
		*path = kernel;
	}
	return rc;
}
