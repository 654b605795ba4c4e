#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

static const char usage[] = "uk version [--json]";

int cmd_version(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: %s\n\nPrints uk's version.\n\n  --json  as {\"version\": \"X.Y.Z\"}\n",
		       usage);
		return UK_EXIT_OK;
	}
	if (argc == 2 && !strcmp(argv[1], "--json")) {
		printf("{\"version\": \"%s\"}\n", UK_VERSION);
		return UK_EXIT_OK;
	}
	if (argc > 1)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[1]);
	printf("uk %s\n", UK_VERSION);
	return UK_EXIT_OK;
}
