#include "util/relpath.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *uk_path_absolute(const char *path, const char *cwd)
{
	size_t cap = strlen(path) + strlen(cwd) + 3, n = 0;
	char *out = malloc(cap), *joined = malloc(cap), *save = NULL, *part;

	if (!out || !joined)
		abort();
	snprintf(joined, cap, "%s/%s", path[0] == '/' ? "" : cwd, path);
	for (part = strtok_r(joined, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		if (!strcmp(part, "."))
			continue;
		if (!strcmp(part, "..")) {
			while (n > 0 && out[--n] != '/')
				;
			continue;
		}
		out[n++] = '/';
		memcpy(out + n, part, strlen(part));
		n += strlen(part);
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	free(joined);
	return out;
}

/* the length of the leading components a and b share */
static size_t common_prefix(const char *a, const char *b)
{
	size_t i = 0, last = 0;

	for (; a[i] && a[i] == b[i]; i++)
		if (a[i] == '/')
			last = i;
	if ((!a[i] || a[i] == '/') && (!b[i] || b[i] == '/'))
		last = i;
	return last;
}

char *uk_path_relative(const char *target, const char *base)
{
	size_t k = common_prefix(target, base), ups = 0, len;
	const char *rest = target + k, *p;
	char *out, *q;

	for (p = base + k; *p; p++)
		if (*p == '/' && p[1])
			ups++;
	if (*rest == '/')
		rest++;
	len = ups * 3 + strlen(rest) + 2;
	out = q = malloc(len);
	if (!out)
		abort();
	for (size_t i = 0; i < ups; i++, q += 3)
		memcpy(q, "../", 3);
	strcpy(q, rest);
	if (!out[0])
		strcpy(out, ".");
	else if (q > out && !*rest)
		q[-1] = '\0'; /* "../.." without its last slash */
	return out;
}
