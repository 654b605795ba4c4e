#include "util/dynlib.h"

#include <dlfcn.h>

int uk_dynlib_bind(const char *const *sonames, const char *package,
		   const char *const *names, void **slots, size_t n,
		   struct uk_error *err)
{
	void *h = NULL;
	const char *why = "no library name";

	for (const char *const *s = sonames; *s && !h; s++) {
		/* lazy: every function uk calls is looked up below, and binding
		 * all of a large library's own symbols up front costs more */
		h = dlopen(*s, RTLD_LAZY | RTLD_LOCAL);
		if (!h)
			why = dlerror();
	}
	if (!h) {
		uk_errorf(err, "cannot load %s: %s", sonames[0], why);
		return uk_hintf(err, "install it: apt-get install %s", package);
	}
	for (size_t i = 0; i < n; i++) {
		slots[i] = dlsym(h, names[i]);
		if (!slots[i]) {
			uk_errorf(err, "%s lacks '%s'", sonames[0], names[i]);
			return uk_hintf(err, "install a newer %s", package);
		}
	}
	/* The handle stays open for the life of the process. */
	return 0;
}
