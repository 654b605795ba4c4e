#include "util/isal_lazy.h"

#include "util/dynlib.h"

struct uk_isal_fns uk_isal;

int uk_isal_load(struct uk_error *err)
{
	static const char *const sonames[] = { "libisal.so.2", NULL };
	static const char *const names[] = {
		"isal_deflate_stateless_init", "isal_deflate_stateless",
		"isal_inflate_init", "isal_inflate_reset", "isal_inflate",
	};
	static int loaded;

	_Static_assert(sizeof(uk_isal) == sizeof(names), "one slot per name");
	if (!loaded && uk_dynlib_bind(sonames, "libisal2", names, (void **)&uk_isal,
				      sizeof(names) / sizeof(names[0]), err) == 0)
		loaded = 1;
	return loaded ? 0 : -1;
}
