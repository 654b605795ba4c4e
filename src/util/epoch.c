#include "util/epoch.h"

#include <errno.h>
#include <stdlib.h>

long long uk_source_date_epoch(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	return errno || *end || v < 0 ? 0 : v;
}
