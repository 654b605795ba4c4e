/* Which project a command works on: -C DIR when given (it must be a
 * folder), else the nearest folder upward from here that has a uk.yaml,
 * as cargo and git find theirs. The result is relative ("." or "../..")
 * so that messages name files as the user sees them from here. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

int cli_project_dir(const char *given, char *out, size_t len, struct uk_error *err)
{
	struct stat st;
	char probe[PATH_MAX];

	if (given) {
		if (stat(given, &st) < 0) {
			uk_errorf(err, "-C '%s': %s", given, strerror(errno));
			err->status = UK_EXIT_USAGE;
			return uk_hintf(err, "give the folder that holds the project's uk.yaml");
		}
		if (!S_ISDIR(st.st_mode)) {
			uk_errorf(err, "-C '%s' is not a folder", given);
			err->status = UK_EXIT_USAGE;
			return uk_hintf(err, "give the folder that holds the project's uk.yaml");
		}
		snprintf(out, len, "%s", given);
		return 0;
	}
	snprintf(out, len, ".");
	for (int up = 0; up < 64; up++) {
		snprintf(probe, sizeof(probe), "%s/uk.yaml", out);
		if (stat(probe, &st) == 0)
			return 0;
		snprintf(probe, sizeof(probe), "%s/..", out);
		char here[PATH_MAX], parent[PATH_MAX];
		if (!realpath(out, here) || !realpath(probe, parent) || !strcmp(here, parent))
			break; /* the root: no project anywhere above */
		if (up == 0)
			snprintf(out, len, "..");
		else if (strlen(out) + 4 < len)
			strcat(out, "/..");
	}
	snprintf(out, len, "."); /* none: the command says what is missing here */
	return 0;
}
