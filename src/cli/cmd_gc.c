/* uk gc: drop the user store's blobs and unpacked folders that no tagged
 * image or component uses, and trim the object cache to its bound. */
#include <stdio.h>

#include "builder/objcache.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "store/store.h"

static const char usage[] = "uk gc";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Removes from the user store ($UK_HOME or ~/.local/share/uk) every blob\n"
	       "and unpacked folder that no tagged image or component reaches, and\n"
	       "temporary files that interrupted uk runs left (older than an hour).\n"
	       "It holds the store lock, so pulls wait for it. Then it trims the\n"
	       "object cache of uk build ($UK_HOME/cache) to $UK_CACHE_SIZE (default\n"
	       "2G), least recently used entries first.\n",
	       usage);
}

void cli_print_gc(const struct uk_gc_stats *st)
{
	printf("removed %u blob%s, %u unpacked folder%s and %u temporary file%s "
	       "(%.1f MiB)\n", st->blobs, st->blobs == 1 ? "" : "s", st->dirs,
	       st->dirs == 1 ? "" : "s", st->tmp, st->tmp == 1 ? "" : "s",
	       (double)st->bytes / 1048576.0);
}

int cmd_gc(int argc, char **argv)
{
	struct uk_error err = {0};
	struct uk_store s;
	struct uk_gc_stats st;
	struct uk_objcache_stats cs;
	int rc;

	if (cli_wants_help(argc, argv)) {
		help();
		return UK_EXIT_OK;
	}
	if (argc > 1)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[1]);
	if (uk_store_open(&s, &err) < 0)
		return cli_report(&err);
	rc = uk_store_gc(s.user_root, s.builtin_root, &st, &err);
	if (rc == 0)
		rc = uk_objcache_gc(s.user_root, &cs, &err);
	uk_store_close(&s);
	if (rc < 0)
		return cli_report(&err);
	cli_print_gc(&st);
	printf("object cache: removed %u entr%s (%.1f MiB), %.1f MiB kept of %.1f MiB\n",
	       cs.entries, cs.entries == 1 ? "y" : "ies", (double)cs.bytes / 1048576.0,
	       (double)cs.kept / 1048576.0, (double)uk_objcache_limit() / 1048576.0);
	return UK_EXIT_OK;
}
