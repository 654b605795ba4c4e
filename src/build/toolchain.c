#include "build/toolchain.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/spawn.h"

const char *uk_toolchain_cc(void)
{
	const char *cc = getenv("CC");

	return cc && cc[0] ? cc : "gcc";
}

char *uk_toolchain_include_dir(struct uk_error *err)
{
	char *argv[] = { (char *)uk_toolchain_cc(), "-print-file-name=include", NULL };
	char *out = NULL;
	int rc = uk_run_capture(argv, &out, err);

	if (rc < 0)
		goto fail;
	out[strcspn(out, "\n")] = '\0';
	if (rc != 0 || out[0] != '/') {
		uk_errorf(err, "'%s -print-file-name=include' failed", argv[0]);
		goto fail;
	}
	return out;
fail:
	free(out);
	uk_hintf(err, "install gcc (apt-get install gcc) or set CC to a C compiler");
	return NULL;
}

char *uk_toolchain_libgcc(const char *include_dir, struct uk_error *err)
{
	char *argv[] = { (char *)uk_toolchain_cc(), "-print-libgcc-file-name", NULL };
	const char *slash = strrchr(include_dir, '/');
	char *out = NULL;
	int rc;

	if (slash && strcmp(slash, "/include") == 0) {
		size_t n = (size_t)(slash - include_dir);
		char *p = malloc(n + sizeof("/libgcc.a"));

		if (!p)
			abort();
		memcpy(p, include_dir, n);
		strcpy(p + n, "/libgcc.a");
		if (access(p, R_OK) == 0)
			return p;
		free(p);
	}
	rc = uk_run_capture(argv, &out, err);
	if (rc < 0)
		goto fail;
	out[strcspn(out, "\n")] = '\0';
	if (rc != 0 || out[0] != '/' || access(out, R_OK) != 0) {
		uk_errorf(err, "'%s -print-libgcc-file-name' gave no library", argv[0]);
		goto fail;
	}
	return out;
fail:
	free(out);
	uk_hintf(err, "install gcc (apt-get install gcc) or set CC to a C compiler");
	return NULL;
}
