/* libFuzzer target over the linker's input reader: each input is written
 * to a file and linked (as an object, then as an archive member when it
 * starts like one). Any crash or sanitizer report is a bug; errors are
 * expected. Built and run for a bounded time by tests/integration/linker.sh. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linker/linker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char in[64], out[64];
	struct uk_link_opts o = { 0 };
	struct uk_link_result r;
	struct uk_error e;
	const char *inputs[1];
	FILE *f;

	if (!in[0]) {
		snprintf(in, sizeof(in), "/tmp/uk-fuzz-in.%ld", (long)getpid());
		snprintf(out, sizeof(out), "/tmp/uk-fuzz-out.%ld", (long)getpid());
	}
	f = fopen(in, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	inputs[0] = in;
	o.inputs = inputs;
	o.ninputs = 1;
	o.output = out;
	o.entry = "main"; /* defined by the seeds: links get to relocation */
	uk_link(&o, &r, &e);
	uk_link_result_free(&r); /* texts exist after failures too */
	unlink(out);
	return 0;
}
