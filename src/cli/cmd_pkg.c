/* uk pkg create: pack a component folder into a store. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "manifest/manifest.h"
#include "registry/store.h"

static const char usage[] = "uk pkg create [--store DIR] COMPONENT_DIR";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Packs a component folder (component.yaml, lib/, include/ and the\n"
	       "files component.yaml names) into a store as a reproducible OCI\n"
	       "artifact tagged NAME:VERSION, replacing any earlier NAME:VERSION,\n"
	       "and prints 'NAME:VERSION DIGEST'.\n\n"
	       "  --store DIR  the OCI layout to add it to (default: the user store,\n"
	       "               $UK_HOME or ~/.local/share/uk)\n",
	       usage);
}

/* Every problem in component.yaml, not only the first; 0 if it is valid. */
static int validate(const char *dir)
{
	struct uk_component c;
	struct uk_diags diags = {0};
	struct uk_error err = {0};
	char path[4096], line[2048];
	size_t i;

	snprintf(path, sizeof(path), "%s/component.yaml", dir);
	if (access(path, F_OK) < 0)
		return 0; /* packing says what is missing, with a hint */
	memset(&c, 0, sizeof(c));
	if (uk_component_load(path, &c, &diags, &err) == 0) {
		uk_component_free(&c);
		uk_diags_free(&diags);
		return 0;
	}
	for (i = 0; i < diags.n; i++) {
		uk_diag_format(&diags.v[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	/* The problems are above; the error line only sums them up. */
	if (diags.n > 0 && err.status != UK_EXIT_FAIL) {
		uk_errorf(&err, "'%.900s' is not a valid component (%zu problem%s)",
			  path, diags.n, diags.n == 1 ? "" : "s");
	}
	uk_diags_free(&diags);
	return cli_report(&err);
}

static int create(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"store", required_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	const char *root = NULL, *dir;
	struct uk_error err = {0};
	struct uk_store s = {0};
	struct uk_store_component out;
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+s:", longopts, NULL)) != -1) {
		if (c == 's')
			root = optarg;
		else
			return cli_usage_error(usage, "unknown option '%s'",
					       argv[optind - 1]);
	}
	if (optind >= argc)
		return cli_usage_error(usage, "which component folder?");
	dir = argv[optind++];
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (!root) {
		if (uk_store_open(&s, &err) < 0)
			return cli_report(&err);
		root = s.user_root;
	}
	if ((rc = validate(dir)) != 0) {
		uk_store_close(&s);
		return rc;
	}
	rc = uk_store_pack_component(root, dir, &out, &err);
	if (rc == 0) {
		printf("%s:%s %s\n", out.name, out.version, out.digest);
		uk_store_component_free(&out);
	}
	uk_store_close(&s);
	return rc == 0 ? UK_EXIT_OK : cli_report(&err);
}

int cmd_pkg(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(usage, "which subcommand? (create)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		help();
		return UK_EXIT_OK;
	}
	if (strcmp(argv[1], "create") != 0)
		return cli_usage_error(usage, "unknown subcommand 'pkg %s'", argv[1]);
	if (cli_wants_help(argc - 1, argv + 1)) {
		help();
		return UK_EXIT_OK;
	}
	return create(argc - 1, argv + 1);
}
