/* uk build: option parsing and output only; src/builder/ does the work. */
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder/build.h"
#include "cli/cli.h"
#include "cli/commands.h"

static const char usage[] =
	"uk build [-C DIR] [-t TARGET]... [-j N] [--json] [--out DIR] [--linker uk|bfd]\n"
	"                [--gce] [--cache HOST/REPO] [--no-debug]";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Builds the project in DIR (default: .) from its uk.yaml: resolves the\n"
	       "components (pinned in uk.lock), compiles the sources in parallel, links\n"
	       "with uk's linker (removing what the program cannot reach) and writes\n"
	       "build/<target>/<name> with its link report <name>.report.json and\n"
	       "<name>.debug (the image with the DWARF of the program, the runtime and\n"
	       "the libraries, for gdb and uk run's crash reports).\n\n"
	       "  -C DIR          the project folder\n"
	       "  -t TARGET       build only this target (kvm, xen, raw); repeatable\n"
	       "  -j N            compiler jobs at once (default: the number of CPUs)\n"
	       "  --json          print the summary as one JSON object\n"
	       "  --out DIR       write images here instead of DIR/build\n"
	       "  --linker L      uk (default) or bfd (GNU ld, the reference linker)\n"
	       "  --gce           raw: also <name>.tar.gz (disk.raw) for Google Compute Engine\n"
	       "  --cache REPO    share compiled objects through this OCI repository\n"
	       "                  (default: $UK_BUILD_CACHE, else uk.yaml's cache:; '' for none)\n"
	       "  --no-debug      no <name>.debug (the image is the same either way)\n\n"
	       "Objects are cached in $UK_HOME/cache for every project (bounded by\n"
	       "$UK_CACHE_SIZE, default 2G; uk gc trims it).\n\n"
	       "Exit status: 0 built; 1 a compile or link error; 2 a bad command line\n"
	       "or an invalid uk.yaml.\n",
	       usage);
}

static void progress(void *ctx, const char *fmt, ...)
{
	va_list ap;

	(void)ctx;
	fputs("uk: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The --cache registry was given up: said whatever the verbosity. */
static void notice(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "uk: notice: %s\n", msg);
}

static void human(double bytes, char *buf, size_t len)
{
	if (bytes >= 1024 * 1024)
		snprintf(buf, len, "%.1f MiB", bytes / (1024 * 1024));
	else if (bytes >= 1024)
		snprintf(buf, len, "%.1f KiB", bytes / 1024);
	else
		snprintf(buf, len, "%.0f B", bytes);
}

/* One line an image with the build's own time, or only "up to date" when
 * nothing was compiled or linked. */
static void print_text(const struct uk_build_result *r)
{
	int changed = r->compiled > 0;
	char took[32];

	for (size_t i = 0; i < r->nimages; i++)
		changed |= r->images[i].relinked;
	if (!changed) {
		printf("up to date\n");
		return;
	}
	if (r->seconds < 1)
		snprintf(took, sizeof(took), "%.0f ms", r->seconds * 1000);
	else
		snprintf(took, sizeof(took), "%.2f s", r->seconds);
	for (size_t i = 0; i < r->nimages; i++) {
		const struct uk_build_image *im = &r->images[i];
		char size[32], removed[32], files[48] = "";

		human((double)im->file_bytes, size, sizeof(size));
		human((double)im->removed_bytes, removed, sizeof(removed));
		if (im->files_count) {
			memcpy(files, "files ", 6);
			human((double)im->files_bytes, files + 6, sizeof(files) - 8);
			strcat(files, ", ");
		}
		printf("%s  %s  (%sremoved %s)  %s%s\n", im->path, size, files, removed, took,
		       im->relinked ? "" : "  (unchanged)");
	}
}

static void print_json(const struct uk_build_result *r)
{
	json_t *root = json_object(), *imgs = json_array();
	char *text;

	for (size_t i = 0; i < r->nimages; i++) {
		const struct uk_build_image *im = &r->images[i];

		json_array_append_new(
			imgs, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:f, s:b}", "target",
					uk_target_name(im->target), "path", im->path, "report",
					im->report, "size", (json_int_t)im->file_bytes, "loaded",
					(json_int_t)im->load_bytes, "removed",
					(json_int_t)im->removed_bytes, "files",
					(json_int_t)im->files_bytes, "seconds", im->seconds,
					"relinked", im->relinked));
	}
	json_object_set_new(root, "images", imgs);
	json_object_set_new(root, "compiled", json_integer((json_int_t)r->compiled));
	json_object_set_new(root, "cached", json_integer((json_int_t)r->cached));
	json_object_set_new(root, "shared", json_integer((json_int_t)r->shared));
	json_object_set_new(root, "fetched", json_integer((json_int_t)r->fetched));
	json_object_set_new(root, "pushed", json_integer((json_int_t)r->pushed));
	json_object_set_new(root, "hashed", json_integer((json_int_t)r->hashed));
	json_object_set_new(root, "seconds", json_real(r->seconds));
	text = json_dumps(root, JSON_COMPACT);
	puts(text);
	free(text);
	json_decref(root);
}

int cli_build_report(const struct uk_build_result *r, const struct uk_error *err)
{
	if (r->diags.n == 0)
		return cli_report(err);
	for (size_t i = 0; i < r->diags.n; i++) {
		struct uk_error e = { .status = 2 };
		const struct uk_diag *d = &r->diags.v[i];
		struct uk_diag bare = *d;

		bare.hint = NULL; /* the hint goes on its own line */
		uk_diag_format(&bare, e.msg, sizeof(e.msg));
		if (d->hint)
			snprintf(e.hint, sizeof(e.hint), "%s", d->hint);
		cli_report(&e);
	}
	return err->status ? err->status : UK_EXIT_USAGE;
}

int cmd_build(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "out", required_argument, NULL, 'o' },
		{ "linker", required_argument, NULL, 'L' },
		{ "target", required_argument, NULL, 't' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "gce", no_argument, NULL, 'G' },
		{ "cache", required_argument, NULL, 'K' },
		{ "no-debug", no_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	struct uk_build_opts o = { .dir = NULL };
	struct uk_build_result r = { 0 };
	struct uk_error err = { 0 };
	char dir[4096];
	int json = 0, c, rc;

	if (cli_wants_help(argc, argv)) {
		help();
		return 0;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, "C:t:j:", longopts, NULL)) != -1) {
		enum uk_target t;
		char *end;

		switch (c) {
		case 'C': o.dir = optarg; break;
		case 'o': o.out = optarg; break;
		case 'J': json = 1; break;
		case 'G': o.gce = 1; break;
		case 'K': o.cache_ref = optarg; break;
		case 'D': o.no_debug = 1; break;
		case 'L':
			if (strcmp(optarg, "uk") && strcmp(optarg, "bfd"))
				return cli_usage_error(usage, "unknown linker '%s'; use uk or bfd",
						       optarg);
			o.linker = optarg;
			break;
		case 't':
			if (uk_target_parse(optarg, &t) != 0)
				return cli_usage_error(usage, "unknown target '%s'; targets are "
						       "kvm, xen and raw", optarg);
			o.targets |= t;
			break;
		case 'j': {
			unsigned long j = strtoul(optarg, &end, 10);

			if (*end || !optarg[0] || j == 0 || j > 256)
				return cli_usage_error(usage, "bad job count '%s'; use 1 to 256",
						       optarg);
			o.jobs = (unsigned)j;
			break;
		}
		default:
			return cli_unknown_option(usage, argv[optind - 1], longopts);
		}
	}
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (cli_project_dir(o.dir, dir, sizeof(dir), &err) != 0)
		return cli_report(&err);
	o.dir = dir;
	if (cli_progress_enabled() && !json)
		o.progress = progress;
	o.notice = notice;
	rc = uk_build(&o, &r, &err);
	if (rc != 0) {
		rc = cli_build_report(&r, &err);
		uk_build_result_free(&r);
		return rc;
	}
	if (json)
		print_json(&r);
	else
		print_text(&r);
	uk_build_result_free(&r);
	return 0;
}
