/* uk pull: fetch an image or component from a registry into the user
 * store. Also the progress bar the registry commands share. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "manifest/manifest.h"
#include "registry/remote.h"

static const char usage[] = "uk pull [--insecure] [--max-blob SIZE] [--json] REF";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Fetches an image or component from an OCI registry into the user\n"
	       "store ($UK_HOME or ~/.local/share/uk), tagged HOST/REPO:TAG. Every\n"
	       "manifest and blob digest is checked; nothing is tagged unless all of\n"
	       "it arrived intact. 'uk run REF' then boots a pulled image.\n\n"
	       "  REF         [HOST[:PORT]/]REPO[:TAG][@sha256:DIGEST]; the default\n"
	       "              registry is $UK_REGISTRY, else docker.io\n"
	       "  --insecure  plain HTTP to a registry that is not on localhost\n"
	       "  --max-blob SIZE\n"
	       "              refuse blobs larger than SIZE (e.g. 8G) before fetching\n"
	       "              them; default $UK_MAX_BLOB, else 4G\n"
	       "  --json      print {\"reference\", \"digest\", \"media_type\", \"size\",\n"
	       "              \"fetched\", \"already_stored\", \"bytes_fetched\"}\n",
	       usage);
}

void cli_registry_progress(void *ctx, const char *label, unsigned long long done,
			   unsigned long long total, int finished)
{
	int width = 30, fill = total ? (int)(done * (unsigned long long)width / total) : 0;

	(void)ctx;
	if (fill > width)
		fill = width;
	fprintf(stderr, "\r%.19s [%.*s%*s] %5.1f / %.1f MiB", label, fill,
		"##############################", width - fill, "",
		(double)done / 1048576.0, (double)total / 1048576.0);
	if (finished)
		fputs("\n", stderr);
	fflush(stderr);
}

static void print_json(const struct uk_pulled *p, const struct uk_client_stats *st)
{
	json_t *o = json_pack("{s:s, s:s, s:s?, s:I, s:i, s:i, s:I}", "reference", p->name,
			      "digest", p->digest, "media_type", p->media_type, "size",
			      (json_int_t)p->size, "fetched", (int)p->blobs_fetched,
			      "already_stored", (int)p->blobs_present, "bytes_fetched",
			      (json_int_t)st->bytes_down);

	if (o)
		json_dumpf(o, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(o);
}

int cmd_pull(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"insecure", no_argument, NULL, 'k'},
		{"max-blob", required_argument, NULL, 'M'},
		{"json", no_argument, NULL, 'J'},
		{NULL, 0, NULL, 0},
	};
	int json = 0;
	struct uk_client_opts o = {0};
	struct uk_error err = {0};
	struct uk_store s;
	struct uk_client c;
	struct uk_pulled p;
	struct uk_ref r;
	uint64_t max;
	int ch, rc;

	if (cli_wants_help(argc, argv)) {
		help();
		return UK_EXIT_OK;
	}
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
		if (ch == 'k')
			o.insecure = 1;
		else if (ch == 'J')
			json = 1;
		else if (ch == 'M' && uk_parse_size(optarg, &max) == 0 && max > 0)
			o.max_blob = max;
		else if (ch == 'M')
			return cli_usage_error(usage, "--max-blob '%s' is not a size "
					       "(bytes, or a number with K, M, G or T)",
					       optarg);
		else if (ch == ':')
			return cli_usage_error(usage, "option '%s' needs a value",
					       argv[optind - 1]);
		else
			return cli_unknown_option(usage, argv[optind - 1], longopts);
	}
	if (optind >= argc)
		return cli_usage_error(usage, "which reference?");
	if (optind + 1 < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind + 1]);
	if (uk_ref_parse(argv[optind], &r, &err) < 0)
		return cli_report(&err);
	if (cli_progress_enabled())
		o.progress = cli_registry_progress;
	if (uk_store_open(&s, &err) < 0 || uk_client_open(&c, &r, &o, &err) < 0) {
		uk_ref_free(&r);
		return cli_report(&err);
	}
	rc = uk_pull(&c, &r, s.user_root, &p, &err);
	if (rc == 0 && json) {
		print_json(&p, &c.stats);
		uk_pulled_free(&p);
	} else if (rc == 0) {
		printf("%s %s (%u blob%s fetched, %u already stored)\n", p.name, p.digest,
		       p.blobs_fetched, p.blobs_fetched == 1 ? "" : "s", p.blobs_present);
		uk_pulled_free(&p);
	}
	uk_client_close(&c);
	uk_store_close(&s);
	uk_ref_free(&r);
	return rc == 0 ? UK_EXIT_OK : cli_report(&err);
}
