/* `uk run -t xen`: the image's xl configuration, booted by Xen's `xl
 * create -c` (console attached) when xl is installed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/path.h"
#include "util/spawn.h"
#include "vmm/vmm.h"

int uk_vm_run_xl(const char *image, int *status, struct uk_error *err)
{
	char *xl = uk_which("xl"), *cfg;
	int rc = 0;

	if (asprintf(&cfg, "%s.xl.cfg", image) < 0)
		abort();
	if (!uk_file_exists(cfg)) {
		uk_errorf(err, "no xl configuration at '%s'", cfg);
		uk_hintf(err, "run 'uk build -t xen' first");
		rc = -1;
	} else if (!xl) {
		uk_errorf(err, "running a xen image needs Xen: 'xl' was not found");
		uk_hintf(err, "in dom0 of a Xen host run 'xl create -c %s'; or boot it under "
			      "QEMU with 'uk run %s'", cfg, image);
		rc = -1;
	} else {
		char *argv[] = { xl, "create", "-c", cfg, NULL };
		pid_t pid = uk_spawn(argv, NULL, err);

		if (pid < 0)
			rc = -1;
		else
			*status = uk_wait(pid);
	}
	free(xl);
	free(cfg);
	return rc;
}
