/* What every command shares: printing errors and hints, color and terminal
 * detection. Only src/cli/ prints. */
#ifndef UK_CLI_H
#define UK_CLI_H

#include <stdio.h>

#include "util/error.h"

/* Exit statuses shared by all commands. */
enum {
	UK_EXIT_OK = 0,
	UK_EXIT_FAIL = 1,  /* the work failed (build error, link error, ...) */
	UK_EXIT_USAGE = 2, /* bad command line or invalid manifest */
	UK_EXIT_TIMEOUT = 124, /* `uk run --timeout` stopped the VM */
};

/* "uk: error: MSG" and, when set, "hint: HINT" on stderr; returns the
 * status to exit with (err->status, or 1). */
int cli_report(const struct uk_error *err);

/* printf-style "uk: error: ..." for the CLI's own problems; returns 2. */
int cli_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The notice channel: "uk: MSG" on stderr (e.g. the TCG fallback);
 * nothing after cli_set_quiet(1) (--quiet: only errors). */
void cli_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_set_quiet(int on);

/* --verbose: a command uk runs, "uk: + ARGV..." on stderr, each argument
 * quoted as a shell would need it; ctx unused (a builder/vmm callback). */
void cli_print_command(void *ctx, char *const argv[]);

/* True when stderr is a terminal (progress lines are shown only then). */
int cli_progress_enabled(void);
/* True when color may be used on stream f (a terminal, NO_COLOR unset). */
int cli_color(FILE *f);

/* suggest.c: the candidate nearest to word by edit distance, or NULL
 * when none is near enough to be a typing error. */
const char *cli_nearest(const char *word, const char *const *cands, size_t n);
struct option;
/* "unknown option 'ARG'", with "did you mean '--x'?" when one of longopts
 * is near; returns 2. */
int cli_unknown_option(const char *usage, const char *arg, const struct option *longopts);

/* project_dir.c: the project's folder into out: `given` (-C DIR, which
 * must exist) or, when NULL, the nearest folder upward with a uk.yaml
 * ("." when there is none). Returns 0, or -1 with err set (status 2). */
int cli_project_dir(const char *given, char *out, size_t len, struct uk_error *err);

/* image_ref.c: *path, when it is no file but a pulled image's reference,
 * becomes that image's kernel (0); 1 when it is no such reference; -1
 * with err on an error. */
int cli_resolve_pulled(char **path, struct uk_error *err);

/* project_builds.c: the images the project in dir has built, as store
 * entries with root NULL (path as ref, "kvm image" / "raw disk" as kind,
 * the file's sha256, its size); 0, or -1 when out of memory. */
struct uk_store_entry;
int cli_project_builds(const char *dir, struct uk_store_entry **out, size_t *n);

/* Finds "--help"/"-h" in argv (before any "--"); prints usage to stdout. */
int cli_wants_help(int argc, char **argv);

#endif
