/* Owned string lists. */
#include "manifest/internal.h"

#include <stdlib.h>

void uk_strv_push(struct uk_strv *sv, const char *s)
{
	sv->v = mf_realloc(sv->v, (sv->n + 2) * sizeof(*sv->v));
	sv->v[sv->n++] = mf_strdup(s);
	sv->v[sv->n] = NULL; /* usable as an argv */
}

void uk_strv_free(struct uk_strv *sv)
{
	size_t i;

	if (!sv)
		return;
	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}
