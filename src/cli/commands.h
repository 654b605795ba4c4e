/* One function per command, each in its own cmd_<name>.c. */
#ifndef UK_CLI_COMMANDS_H
#define UK_CLI_COMMANDS_H

int cmd_build(int argc, char **argv);
int cmd_images(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_link(int argc, char **argv);
int cmd_pkg(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_rmi(int argc, char **argv);
int cmd_gc(int argc, char **argv);
int cmd_completion(int argc, char **argv);

/* cmd_build.c: a failed build's diagnostics (uk build, uk run's rebuild) */
struct uk_build_result;
struct uk_error;
int cli_build_report(const struct uk_build_result *r, const struct uk_error *err);
/* The compiler's messages on stderr (a failed source's only, quiet), in
 * color on a terminal; a built project's warnings ("warning: ..."). */
struct uk_build_opts;
void cli_build_output(struct uk_build_opts *o, int quiet);
void cli_build_warnings(const struct uk_build_result *r);

/* Shared by the registry commands (cmd_pull.c, cmd_gc.c). */
struct uk_gc_stats;
void cli_registry_progress(void *ctx, const char *label, unsigned long long done,
			   unsigned long long total, int finished);
void cli_print_gc(const struct uk_gc_stats *st);

#endif
