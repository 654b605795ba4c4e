#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"

static const char usage[] = "uk version";

int cmd_version(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: %s\n\nPrints uk's version.\n", usage);
		return UK_EXIT_OK;
	}
	if (argc > 1)
		return cli_usage_error(usage, "'version' takes no arguments");
	printf("uk %s\n", UK_VERSION);
	return UK_EXIT_OK;
}
