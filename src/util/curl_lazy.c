#define UK_CURL_LAZY_IMPL
#include "util/curl_lazy.h"

#include "util/dynlib.h"

struct uk_curl_fns uk_curl_fns;

int uk_curl_load(struct uk_error *err)
{
	static const char *const sonames[] = { "libcurl.so.4", "libcurl-gnutls.so.4", NULL };
	static const char *const names[] = {
		"curl_global_init",   "curl_easy_init",     "curl_easy_setopt",
		"curl_easy_perform",  "curl_easy_getinfo",  "curl_easy_cleanup",
		"curl_easy_reset",    "curl_easy_strerror", "curl_easy_escape",
		"curl_free",          "curl_slist_append",  "curl_slist_free_all",
	};
	static int loaded;
	/* The struct is the names' pointers in the same order. */
	_Static_assert(sizeof(uk_curl_fns) == sizeof(names), "one slot per name");

	if (loaded)
		return 0;
	if (uk_dynlib_bind(sonames, "libcurl4", names, (void **)&uk_curl_fns,
			   sizeof(names) / sizeof(names[0]), err) != 0)
		return -1;
	loaded = 1;
	return 0;
}

int uk_curl_ready(void)
{
	return uk_curl_load(NULL) == 0;
}
