/* uk's gzip (src/util/gzip.c) of a file to stdout: what a pushed layer's
 * bytes are, for gzip_cpus.sh to compare across CPUs. Usage: gzip_file
 * LEVEL FILE */
#include <stdio.h>
#include <stdlib.h>

#include "util/gzip.h"

int main(int argc, char **argv)
{
	struct uk_error err = {0};
	unsigned char *in = NULL;
	void *out = NULL;
	size_t len = 0, cap = 0, outlen = 0, n;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: gzip_file LEVEL FILE\n");
		return 2;
	}
	if (!(f = fopen(argv[2], "rb"))) {
		perror(argv[2]);
		return 1;
	}
	do {
		if (len == cap && !(in = realloc(in, cap = cap * 2 + 65536)))
			return 1;
		len += n = fread(in + len, 1, cap - len, f);
	} while (n > 0);
	fclose(f);
	if (uk_gzip(in, len, atoi(argv[1]), &out, &outlen, &err) < 0) {
		fprintf(stderr, "gzip_file: %s\n", err.msg);
		return 1;
	}
	if (fwrite(out, 1, outlen, stdout) != outlen || fflush(stdout) != 0)
		return 1;
	free(in);
	free(out);
	return 0;
}
