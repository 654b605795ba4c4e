/* libcurl, loaded on first use (see util/dynlib.h). Include this instead of
 * <curl/curl.h>. The curl_* names below go through the loaded library;
 * curl_global_init, curl_easy_init, curl_easy_escape and curl_slist_append
 * load it themselves
 * (failing as when out of memory if it cannot be loaded; uk_curl_load()
 * first gives the reason). (curl's
 * compile-time option type checks are off: they are macros over the same
 * names.) */
#ifndef UK_UTIL_CURL_LAZY_H
#define UK_UTIL_CURL_LAZY_H

#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#include "util/error.h"

struct uk_curl_fns {
	__typeof__(&curl_global_init) global_init;
	__typeof__(&curl_easy_init) easy_init;
	__typeof__(&curl_easy_setopt) easy_setopt;
	__typeof__(&curl_easy_perform) easy_perform;
	__typeof__(&curl_easy_getinfo) easy_getinfo;
	__typeof__(&curl_easy_cleanup) easy_cleanup;
	__typeof__(&curl_easy_reset) easy_reset;
	__typeof__(&curl_easy_strerror) easy_strerror;
	__typeof__(&curl_easy_escape) easy_escape;
	__typeof__(&curl_free) free;
	__typeof__(&curl_slist_append) slist_append;
	__typeof__(&curl_slist_free_all) slist_free_all;
};

extern struct uk_curl_fns uk_curl_fns;

/* Loads libcurl once; later calls are free. */
int uk_curl_load(struct uk_error *err);
/* 1 when loaded (loading it now if needed). */
int uk_curl_ready(void);

#ifndef UK_CURL_LAZY_IMPL
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_global_init(f) (uk_curl_ready() ? uk_curl_fns.global_init(f) : CURLE_FAILED_INIT)
#define curl_easy_init() (uk_curl_ready() ? uk_curl_fns.easy_init() : NULL)
#define curl_easy_setopt (uk_curl_fns.easy_setopt)
#define curl_easy_perform (uk_curl_fns.easy_perform)
#define curl_easy_getinfo (uk_curl_fns.easy_getinfo)
#define curl_easy_cleanup (uk_curl_fns.easy_cleanup)
#define curl_easy_reset (uk_curl_fns.easy_reset)
#define curl_easy_strerror (uk_curl_fns.easy_strerror)
#define curl_easy_escape(h, s, n) (uk_curl_ready() ? uk_curl_fns.easy_escape(h, s, n) : NULL)
#define curl_free (uk_curl_fns.free)
#define curl_slist_append(l, s) (uk_curl_ready() ? uk_curl_fns.slist_append(l, s) : NULL)
#define curl_slist_free_all (uk_curl_fns.slist_free_all)
#endif

#endif
