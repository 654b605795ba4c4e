/* uk images: what the user and built-in stores hold. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "store/store.h"

static const char usage[] = "uk images [--json]";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Lists the components and images in the user store ($UK_HOME or\n"
	       "~/.local/share/uk) and the built-in store: REF, KIND, DIGEST, SIZE\n"
	       "(manifest, config and layers) and STORE (user or builtin).\n\n"
	       "  --json  one JSON object: {\"images\": [{\"ref\", \"kind\", \"digest\",\n"
	       "          \"size\", \"store\", \"root\"}]}\n",
	       usage);
}

static const char *store_name(const struct uk_store *s,
			      const struct uk_store_entry *e)
{
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
			arr, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "ref",
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
		{NULL, 0, NULL, 0},
	};
	struct uk_error err = {0};
	struct uk_store s;
	struct uk_store_entry *e;
	size_t n;
	int c, json = 0, rc;

	if (cli_wants_help(argc, argv)) {
		help();
		return UK_EXIT_OK;
	}
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else
			return cli_unknown_option(usage, argv[optind - 1], longopts);
	}
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (uk_store_open(&s, &err) < 0)
		return cli_report(&err);
	if (uk_store_list(&s, &e, &n, &err) < 0) {
		uk_store_close(&s);
		return cli_report(&err);
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
