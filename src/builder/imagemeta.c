/* Where a project's built image is: build/<target>/<name>[.img], from
 * its uk.yaml (imagemeta.h). */
#include "builder/imagemeta.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "manifest/manifest.h"
#include "util/path.h"

int uk_image_locate(const char *dir, const char *target, char **path, struct uk_error *err)
{
	struct uk_manifest man = { 0 };
	struct uk_diags diags = { 0 };
	enum uk_target t;
	char *yaml = uk_path_join(dir, "uk.yaml");
	int rc;

	if (!uk_file_exists(yaml)) {
		uk_errorf(err, "no uk.yaml in '%s'", dir);
		uk_hintf(err, "give an image path, or run 'uk init' to create a project");
		free(yaml);
		return -1;
	}
	rc = uk_manifest_load(yaml, &man, &diags, err);
	free(yaml);
	uk_diags_free(&diags);
	if (rc != 0)
		return -1;
	if (target) {
		if (uk_target_parse(target, &t) != 0) {
			uk_manifest_free(&man);
			uk_errorf(err, "unknown target '%s'", target);
			uk_hintf(err, "targets are kvm, xen and raw");
			err->status = 2;
			return -1;
		}
	} else {
		t = man.ntargets ? man.target_order[0] : UK_TARGET_KVM;
	}
	if (asprintf(path, "%s/build/%s/%s%s", dir, uk_target_name(t), man.name,
		     t == UK_TARGET_RAW ? ".img" : "") < 0)
		abort();
	/* a target beyond the manifest's is there when built with -t */
	if (target && !(man.targets & t) && access(*path, F_OK) != 0) {
		uk_errorf(err, "'%s' is not among the targets in %s and was not built", target,
			  man.path);
		uk_hintf(err, "run 'uk build -t %s' first, or add it to 'targets:'", target);
		free(*path);
		*path = NULL;
		uk_manifest_free(&man);
		return -1;
	}
	uk_manifest_free(&man);
	return 0;
}
