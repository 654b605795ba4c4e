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
	"                [--gce] [--cache HOST/REPO] [--debug | --no-debug] [--why SYMBOL]\n"
	"                [-v | -q]";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Builds the project in DIR (default: .) from its uk.yaml: resolves the\n"
	       "components (pinned in uk.lock), compiles the sources in parallel, links\n"
	       "with uk's linker (removing what the program cannot reach) and writes\n"
	       "build/<target>/<name> with its link report <name>.report.json. Its debug\n"
	       "file <name>.debug (the image with the DWARF of the program, the runtime\n"
	       "and the libraries, for gdb and uk run's crash reports) is made when it is\n"
	       "needed, from the link's recipe .<name>.debug.json beside the image:\n"
	       "uk run --gdb and a crash report make it; --debug makes it now.\n\n"
	       "  -C DIR          the project folder\n"
	       "  -t TARGET       build only this target (kvm, xen, raw); repeatable\n"
	       "  -j N            compiler jobs at once (default: the number of CPUs)\n"
	       "  --json          print the summary as one JSON object (with the warnings\n"
	       "                  in \"diagnostics\"); on failure {\"status\", \"diagnostics\":\n"
	       "                  [{\"file\", \"line\", \"column\", \"severity\", \"message\",\n"
	       "                  \"hint\"}]} (the text still on stderr)\n"
	       "  --why SYMBOL    print why SYMBOL is in each image (the chain from the\n"
	       "                  entry point, inputs as src/main.c or musl:printf.o)\n"
	       "                  instead of the summary; relinks\n"
	       "  -v, --verbose   also show the progress and each compiler command line\n"
	       "  -q, --quiet     print only errors (no warnings)\n"
	       "  --out DIR       write images here instead of DIR/build\n"
	       "  --linker L      uk (default) or bfd (GNU ld, the reference linker)\n"
	       "  --gce           raw: also <name>.tar.gz (disk.raw) for Google Compute Engine\n"
	       "  --cache REPO    share compiled objects through this OCI repository\n"
	       "                  (default: $UK_BUILD_CACHE, else uk.yaml's cache:; '' for none)\n"
	       "  --debug         write <name>.debug with the image (one link), or make it\n"
	       "                  from the recipe when only it is missing\n"
	       "  --no-debug      no <name>.debug and no recipe (none can be made); the\n"
	       "                  image is the same either way\n\n"
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

/* The compiler's messages, as it wrote them, one source's at a time. */
static void compiler_output(void *ctx, const char *text, int failed)
{
	(void)ctx;
	(void)failed;
	fputs(text, stderr);
}

/* --quiet: only a source's that did not compile (it has the errors). */
static void compiler_errors(void *ctx, const char *text, int failed)
{
	(void)ctx;
	if (failed)
		fputs(text, stderr);
}

void cli_build_output(struct uk_build_opts *o, int quiet)
{
	o->compiler_output = quiet ? compiler_errors : compiler_output;
	o->color = cli_color(stderr);
}

void cli_build_warnings(const struct uk_build_result *r)
{
	for (size_t i = 0; i < r->diags.n; i++) {
		const struct uk_diag *d = &r->diags.v[i];

		/* the message is a whole sentence naming the file */
		if (d->severity == UK_SEV_WARNING)
			fprintf(stderr, "warning: %s\n", d->msg);
		if (d->severity == UK_SEV_WARNING && d->hint)
			fprintf(stderr, "hint: %s\n", d->hint);
	}
}

static const char *severity_name(enum uk_severity s)
{
	return s == UK_SEV_WARNING ? "warning" : s == UK_SEV_NOTE ? "note" : "error";
}

/* One diagnostic for --json: null where it has no file, line or column. */
static json_t *diag_json(const struct uk_diag *d)
{
	json_t *o = json_pack("{s:s?, s:s, s:s, s:s?}", "file", d->file, "severity",
			      severity_name(d->severity), "message", d->msg, "hint", d->hint);

	json_object_set_new(o, "line", d->line ? json_integer(d->line) : json_null());
	json_object_set_new(o, "column", d->col ? json_integer(d->col) : json_null());
	return o;
}

/* The compiler's diagnostics, then uk's own; the number of errors. */
static size_t diags_json(const struct uk_build_result *r, json_t *list)
{
	const struct uk_diags *both[] = { &r->compiler, &r->diags };
	size_t errors = 0;

	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < both[k]->n; i++) {
			json_array_append_new(list, diag_json(&both[k]->v[i]));
			errors += both[k]->v[i].severity == UK_SEV_ERROR;
		}
	return errors;
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

/* --why: the chain for each image (headed by the image when there are more) */
static void print_why(const struct uk_build_result *r)
{
	for (size_t i = 0; i < r->nimages; i++) {
		if (r->nimages > 1)
			printf("%s%s:\n", i ? "\n" : "", r->images[i].path);
		fputs(r->images[i].why ? r->images[i].why : "(the bfd linker does not explain)\n",
		      stdout);
	}
}

static void print_json(const struct uk_build_result *r)
{
	json_t *root = json_object(), *imgs = json_array(), *diags = json_array();
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
	diags_json(r, diags);
	json_object_set_new(root, "diagnostics", diags);
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
	size_t errors = 0;

	for (size_t i = 0; i < r->diags.n; i++)
		errors += r->diags.v[i].severity == UK_SEV_ERROR;
	if (errors == 0)
		return cli_report(err);
	for (size_t i = 0; i < r->diags.n; i++) {
		struct uk_error e = { .status = 2 };
		const struct uk_diag *d = &r->diags.v[i], *next = d + 1;
		struct uk_diag bare = *d;

		if (d->severity != UK_SEV_ERROR)
			continue;

		bare.hint = NULL; /* the hint goes on its own line */
		uk_diag_format(&bare, e.msg, sizeof(e.msg));
		/* said once after a run of problems that share it */
		if (d->hint && (i + 1 == r->diags.n || !next->hint || strcmp(next->hint, d->hint)))
			snprintf(e.hint, sizeof(e.hint), "%s", d->hint);
		cli_report(&e);
	}
	return err->status ? err->status : UK_EXIT_USAGE;
}

/* uk build --json on failure: the diagnostics (or the one error) on
 * stdout for editors and CI; the text still goes to stderr. */
static void print_json_failure(const struct uk_build_result *r, const struct uk_error *err,
			       int status)
{
	json_t *root = json_object(), *list = json_array();
	char *text;

	/* a failure no diagnostic says is one error without a place */
	if (diags_json(r, list) == 0)
		json_array_append_new(list, json_pack("{s:n, s:n, s:n, s:s, s:s, s:s?}", "file",
						      "line", "column", "severity", "error",
						      "message", err->msg, "hint",
						      err->hint[0] ? err->hint : NULL));
	json_object_set_new(root, "status", json_integer(status));
	json_object_set_new(root, "diagnostics", list);
	text = json_dumps(root, JSON_COMPACT);
	if (text)
		puts(text);
	free(text);
	json_decref(root);
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
		{ "why", required_argument, NULL, 'W' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-debug", no_argument, NULL, 'D' },
		{ "debug", no_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	int verbose = 0, quiet = 0;
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
	while ((c = getopt_long(argc, argv, "C:t:j:vq", longopts, NULL)) != -1) {
		enum uk_target t;
		char *end;

		switch (c) {
		case 'C': o.dir = optarg; break;
		case 'o': o.out = optarg; break;
		case 'J': json = 1; break;
		case 'G': o.gce = 1; break;
		case 'K': o.cache_ref = optarg; break;
		case 'W': o.why = optarg; break;
		case 'v': verbose = 1; break;
		case 'q': quiet = 1; break;
		case 'D': o.no_debug = 1; break;
		case 'g': o.debug = 1; break;
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
	if (verbose && quiet)
		return cli_usage_error(usage, "give either --verbose or --quiet");
	if (o.debug && o.no_debug)
		return cli_usage_error(usage, "give either --debug or --no-debug");
	if (cli_project_dir(o.dir, dir, sizeof(dir), &err) != 0)
		return cli_report(&err);
	o.dir = dir;
	if ((cli_progress_enabled() && !json && !quiet) || verbose)
		o.progress = progress;
	if (verbose)
		o.command = cli_print_command;
	if (!quiet)
		o.notice = notice;
	cli_build_output(&o, quiet);
	rc = uk_build(&o, &r, &err);
	if (rc != 0) {
		rc = cli_build_report(&r, &err);
		if (json)
			print_json_failure(&r, &err, rc);
		uk_build_result_free(&r);
		return rc;
	}
	if (!quiet)
		cli_build_warnings(&r);
	if (o.why)
		print_why(&r);
	else if (json)
		print_json(&r);
	else if (!quiet)
		print_text(&r);
	uk_build_result_free(&r);
	return 0;
}
