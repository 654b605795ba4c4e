/* files.sh's independent reader: the runtime's own validator of the
 * image's files (runtime/fs/imagefs_check.c, compiled for the host) run on
 * a uk_files section extracted with objcopy, then every entry printed as
 * "MODE SIZE MTIME UID:GID PATH" (octal mode) for the script to compare. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uk/imagefs.h>

#include "imagefs_check.h"

int main(int argc, char **argv)
{
	static uint64_t buf[1 << 20]; /* 8 MiB, 8-aligned as in the image */
	const struct uk_imagefs_header *h = (const void *)buf;
	const struct uk_imagefs_entry *e;
	const char *why;
	uint32_t bad;
	size_t len;
	FILE *f;

	if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: files_check BLOB\n");
		return 2;
	}
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	why = uk_imagefs_check(buf, len, &bad);
	if (why) {
		printf("invalid: %s (entry %d)\n", why, (int)bad);
		return 1;
	}
	e = (const void *)((const char *)buf + h->entries_off);
	for (uint32_t i = 0; i < h->count; i++)
		printf("%o %llu %llu %u:%u %s\n", e[i].mode, (unsigned long long)e[i].size,
		       (unsigned long long)e[i].mtime, e[i].uid, e[i].gid,
		       (const char *)buf + h->names_off + e[i].name_off);
	printf("size %llu\n", (unsigned long long)h->size);
	return 0;
}
