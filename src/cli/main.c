/* uk: the command table. Each command parses its own options and calls the
 * pipeline; nothing here knows how a build works. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "registry/remote.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "init", cmd_init, "create a project: uk.yaml, src/main.c, .gitignore" },
	{ "build", cmd_build, "compile, link and write the project's images" },
	{ "run", cmd_run, "boot an image in QEMU" },
	{ "link", cmd_link, "link objects and archives with uk's linker" },
	{ "inspect", cmd_inspect, "show an image's target, sizes, entry and notes" },
	{ "images", cmd_images, "list what the stores hold" },
	{ "pkg", cmd_pkg, "pack a component folder into the store" },
	{ "version", cmd_version, "print uk's version" },
	{ "push", cmd_push, "publish the built images to an OCI registry" },
	{ "pull", cmd_pull, "fetch an image or component from a registry" },
	{ "login", cmd_login, "store credentials for a registry" },
	{ "rmi", cmd_rmi, "remove images or components from the user store" },
	{ "gc", cmd_gc, "drop blobs no image or component uses" },
	{ "completion", cmd_completion, "print a bash or zsh completion script" },
};

static void usage(FILE *f)
{
	fputs("usage: uk <command> [options] [args]\n\ncommands:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'uk <command> --help' and 'man uk-<command>' tell more.\n", f);
}

int main(int argc, char **argv)
{
	/* Components in uk.yaml may name a registry: the store asks it. */
	uk_registry_attach();
	if (argc < 2) {
		usage(stderr);
		return UK_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    (!strcmp(argv[1], "help") && argc == 2)) {
		usage(stdout);
		return UK_EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) { /* uk help CMD: that command's help */
		char *args[] = { argv[2], "--help", NULL };
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (!strcmp(argv[2], commands[i].name))
				return commands[i].fn(2, args);
		argv[1] = argv[2]; /* an unknown one: said below */
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(1, argv + 1);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		return commands[i].fn(argc - 1, argv + 1);
	}
	const char *names[sizeof(commands) / sizeof(commands[0])];
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		names[i] = commands[i].name;
	const char *near = cli_nearest(argv[1], names, sizeof(names) / sizeof(names[0]));
	if (near)
		return cli_usage_error(NULL, "unknown command '%s'; did you mean '%s'?", argv[1],
				       near);
	return cli_usage_error(NULL, "unknown command '%s'; see 'uk --help'", argv[1]);
}
