/* "did you mean ...?" for mistyped commands and options: the nearest
 * candidate by edit distance (insertions, deletions, substitutions and
 * swaps of neighbours, as typing errors go), if it is near enough. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define MAXW 64

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;
	return m < c ? m : c;
}

/* Optimal string alignment distance; words past MAXW count as far. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[MAXW + 1][MAXW + 1];

	if (la > MAXW || lb > MAXW)
		return (size_t)-1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	return d[la][lb];
}

const char *cli_nearest(const char *word, const char *const *cands, size_t n)
{
	size_t best = (size_t)-1, limit = strlen(word) < 4 ? 1 : 2;
	const char *pick = NULL;

	for (size_t i = 0; i < n; i++) {
		size_t d = distance(word, cands[i]);
		if (d < best) {
			best = d;
			pick = cands[i];
		}
	}
	return best <= limit ? pick : NULL;
}

int cli_unknown_option(const char *usage, const char *arg, const struct option *longopts)
{
	const char *names[64];
	char buf[64][MAXW + 3];
	size_t n = 0;
	const char *eq = strchr(arg, '='), *near;
	char word[MAXW + 3];

	for (; longopts && longopts->name && n < 64; longopts++, n++) {
		snprintf(buf[n], sizeof(buf[n]), "--%s", longopts->name);
		names[n] = buf[n];
	}
	snprintf(word, sizeof(word), "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
	near = arg[0] == '-' && arg[1] == '-' ? cli_nearest(word, names, n) : NULL;
	if (near)
		return cli_usage_error(usage, "unknown option '%s'; did you mean '%s'?", arg, near);
	return cli_usage_error(usage, "unknown option '%s'", arg);
}
