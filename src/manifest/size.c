/* Sizes as people write them: "64M", "2G", "512K", "1048576". Units are
 * binary (K = 1024); "MiB" and "MB" are read as M. */
#include "manifest/manifest.h"

#include <string.h>
#include <strings.h>

int uk_parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGT";
	uint64_t v = 0, mul = 1;
	const char *u;

	if (!s || *s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (*s && *s != 'B' && *s != 'b') {
		u = strchr(units, *s & ~0x20);
		if (!u)
			return -1;
		mul = (uint64_t)1 << (10 * (u - units + 1));
		s++;
		if (*s == 'i' || *s == 'I')
			s++;
	}
	if (*s == 'B' || *s == 'b')
		s++;
	if (*s)
		return -1;
	if (v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}
