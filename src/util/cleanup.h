/* Temporary files that must not outlive an interrupted uk (a download into
 * the store, a file being replaced). While one is registered, SIGINT,
 * SIGTERM and SIGHUP remove it first, then uk ends by that signal as it
 * would have. Failures are the caller's to clean up, as before. */
#ifndef UK_UTIL_CLEANUP_H
#define UK_UTIL_CLEANUP_H

/* Registers path (not copied: it must stay valid until uk_cleanup_remove).
 * Returns a handle, or -1 when every slot is taken (the file is then only
 * left behind on a signal, for uk gc). */
int uk_cleanup_add(const char *path);

/* Forgets the handle (no-op for -1); the file itself is not touched. */
void uk_cleanup_remove(int id);

#endif
