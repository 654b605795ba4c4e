/* uk images: what the user and built-in stores hold. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "store/store.h"
#include "util/path.h"

static const char usage[] = "uk images [-C DIR] [--local] [--json]";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Lists the components and images in the user store ($UK_HOME or\n"
	       "~/.local/share/uk) and the built-in store: REF, KIND, DIGEST, SIZE\n"
	       "(manifest, config and layers) and STORE (user or builtin); in a project\n"
	       "(uk.yaml here or above, or -C DIR) first the images it has built: the\n"
	       "file as REF, KIND 'kvm image', 'xen image' or 'raw disk', the file's\n"
	       "sha256 and size, STORE 'project'.\n\n"
	       "  -C DIR   the project folder\n"
	       "  --local  only the project's built images\n"
	       "  --json   one JSON object: {\"images\": [{\"ref\", \"kind\", \"digest\",\n"
	       "           \"size\", \"store\", \"root\"}]} (root null for the project's)\n",
	       usage);
}

static const char *store_name(const struct uk_store *s,
			      const struct uk_store_entry *e)
{
	if (!e->root)
		return "project";
	return e->root == s->user_root ? "user" : "builtin";
}

static void human(unsigned long long n, char *buf, size_t len)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", n);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
}

static void print_table(const struct uk_store *s,
			const struct uk_store_entry *e, size_t n)
{
	size_t i, w = 3;
	char size[32];

	for (i = 0; i < n; i++)
		if (strlen(e[i].ref) > w)
			w = strlen(e[i].ref);
	printf("%-*s  %-9s  %-19s  %10s  %s\n", (int)w, "REF", "KIND", "DIGEST",
	       "SIZE", "STORE");
	for (i = 0; i < n; i++) {
		human(e[i].size, size, sizeof(size));
		printf("%-*s  %-9s  %.19s  %10s  %s\n", (int)w, e[i].ref, e[i].kind,
		       e[i].digest, size, store_name(s, &e[i]));
	}
}

static int print_json(const struct uk_store *s, const struct uk_store_entry *e,
		      size_t n)
{
	json_t *arr = json_array(), *o;
	size_t i;

	for (i = 0; arr && i < n; i++)
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s?}", "ref",
				       e[i].ref, "kind", e[i].kind, "digest",
				       e[i].digest, "size", (json_int_t)e[i].size,
				       "store", store_name(s, &e[i]), "root",
				       e[i].root));
	o = json_pack("{s:o}", "images", arr);
	if (!o || json_dumpf(o, stdout, JSON_INDENT(2)) < 0)
		return -1;
	putchar('\n');
	json_decref(o);
	return 0;
}

int cmd_images(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"local", no_argument, NULL, 'l'},
		{NULL, 0, NULL, 0},
	};
	struct uk_error err = {0};
	struct uk_store s;
	struct uk_store_entry *e = NULL, *stored = NULL;
	const char *given = NULL;
	char dir[4096], probe[4200];
	size_t n = 0, nstored = 0;
	int c, json = 0, local = 0, rc;

	if (cli_wants_help(argc, argv)) {
		help();
		return UK_EXIT_OK;
	}
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+C:", longopts, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else if (c == 'l')
			local = 1;
		else if (c == 'C')
			given = optarg;
		else
			return cli_unknown_option(usage, argv[optind - 1], longopts);
	}
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (cli_project_dir(given, dir, sizeof(dir), &err) != 0)
		return cli_report(&err);
	snprintf(probe, sizeof(probe), "%s/uk.yaml", dir);
	if (uk_file_exists(probe) && cli_project_builds(dir, &e, &n) != 0)
		return cli_report((uk_errorf(&err, "out of memory"), &err));
	if (local && !uk_file_exists(probe)) {
		uk_errorf(&err, "no uk.yaml in '%s' or any folder above", dir);
		uk_hintf(&err, "run in a project folder, or use -C DIR");
		err.status = UK_EXIT_USAGE;
		return cli_report(&err);
	}
	if (uk_store_open(&s, &err) < 0) {
		uk_store_entries_free(e, n);
		return cli_report(&err);
	}
	if (!local && uk_store_list(&s, &stored, &nstored, &err) < 0) {
		uk_store_entries_free(e, n);
		uk_store_close(&s);
		return cli_report(&err);
	}
	if (nstored) { /* the project's first, then the stores' */
		struct uk_store_entry *all = realloc(e, (n + nstored) * sizeof(*all));

		if (!all)
			abort();
		memcpy(all + n, stored, nstored * sizeof(*all));
		free(stored);
		e = all;
		n += nstored;
	}
	if (json)
		rc = print_json(&s, e, n);
	else
		rc = (print_table(&s, e, n), 0);
	uk_store_entries_free(e, n);
	uk_store_close(&s);
	if (rc < 0) {
		uk_errorf(&err, "cannot write the JSON output");
		return cli_report(&err);
	}
	return UK_EXIT_OK;
}
