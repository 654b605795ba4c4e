/* libFuzzer target over the manifest reader: each input is written as
 * uk.yaml (or, when its first byte is odd, as component.yaml) into a
 * folder of its own and loaded. Any crash, hang or sanitizer report is a
 * bug; diagnostics are expected. Run for a bounded time by
 * tests/integration/fuzz.sh, for longer by `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manifest/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[64], yaml[96], comp[96];
	struct uk_diags diags = { 0 };
	struct uk_error err;
	int as_component = size > 0 && (data[0] & 1);
	FILE *f;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/uk-fuzz-manifest.%ld", (long)getpid());
		mkdir(dir, 0755);
		snprintf(yaml, sizeof(yaml), "%s/uk.yaml", dir);
		snprintf(comp, sizeof(comp), "%s/component.yaml", dir);
		/* what the seeds' paths name, so loads get past the path checks */
		char p[160];
		snprintf(p, sizeof(p), "%s/src", dir);
		mkdir(p, 0755);
		snprintf(p, sizeof(p), "%s/src/main.c", dir);
		if ((f = fopen(p, "w")))
			fclose(f);
	}
	f = fopen(as_component ? comp : yaml, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	memset(&err, 0, sizeof(err));
	if (as_component) {
		struct uk_component c;
		if (uk_component_load(comp, &c, &diags, &err) == 0)
			uk_component_free(&c);
	} else {
		struct uk_manifest m;
		if (uk_manifest_load(yaml, &m, &diags, &err) == 0)
			uk_manifest_free(&m);
	}
	uk_diags_free(&diags);
	return 0;
}
