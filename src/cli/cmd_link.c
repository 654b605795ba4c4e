/* uk link: the linker stage on its own. Parses options, calls uk_link (or
 * the GNU ld reference path) and prints what the link explains. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "linker/linker.h"

static const char usage[] =
	"uk link [-o OUT] [-e ENTRY] [--keep SYM]... [--link-if A=S]... [--base ADDR] "
	"[--map FILE] [--report FILE] [--debug-out FILE] [--why SYM] [--print-gc-sections] "
	"[--no-gc-sections] [--strip-all] [--linker=uk|bfd] INPUTS...";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Links ELF64 x86_64 objects and archives into a static ELF "
	       "executable,\nkeeping only the sections reachable from the "
	       "entry symbol and other roots.\n\n"
	       "  -o FILE              output (default a.out)\n"
	       "  -e SYM               entry symbol (default _start)\n"
	       "  --keep SYM|SECTION   an extra root (repeatable)\n"
	       "  --link-if ANCHOR=SYM link ANCHOR when SYM is linked (repeatable)\n"
	       "  --base ADDR          first load address (default 0x100000)\n"
	       "  --map FILE           write a link map\n"
	       "  --report FILE        write a JSON report\n"
	       "  --debug-out FILE     also write the output with the inputs' DWARF\n"
	       "  --why SYM            print why SYM was kept\n"
	       "  --print-gc-sections  list removed sections on stderr\n"
	       "  --no-gc-sections     keep every section of loaded inputs\n"
	       "  --strip-all          no .symtab/.strtab\n"
	       "  --linker=bfd         link with GNU ld instead (reference)\n"
	       "  --stats              print totals on stderr\n",
	       usage);
}

enum { O_KEEP = 256, O_LINK_IF, O_BASE, O_MAP, O_REPORT, O_WHY, O_PGC, O_NOGC, O_STRIP,
       O_LINKER, O_STATS, O_DEBUG_OUT };

static const struct option longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "entry", required_argument, NULL, 'e' },
	{ "keep", required_argument, NULL, O_KEEP },
	{ "link-if", required_argument, NULL, O_LINK_IF },
	{ "base", required_argument, NULL, O_BASE },
	{ "map", required_argument, NULL, O_MAP },
	{ "report", required_argument, NULL, O_REPORT },
	{ "debug-out", required_argument, NULL, O_DEBUG_OUT },
	{ "why", required_argument, NULL, O_WHY },
	{ "print-gc-sections", no_argument, NULL, O_PGC },
	{ "no-gc-sections", no_argument, NULL, O_NOGC },
	{ "strip-all", no_argument, NULL, O_STRIP },
	{ "linker", required_argument, NULL, O_LINKER },
	{ "stats", no_argument, NULL, O_STATS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_link(int argc, char **argv)
{
	struct uk_link_opts o = { 0 };
	struct uk_link_result res;
	struct uk_error err = { 0 };
	const char **keep = calloc((size_t)argc + 1, sizeof(*keep));
	const char **link_if = calloc((size_t)argc + 1, sizeof(*link_if));
	int c, bfd = 0, stats = 0, rc;
	char *end;

	if (!keep || !link_if) {
		free(keep);
		free(link_if);
		return UK_EXIT_FAIL;
	}
	if (cli_wants_help(argc, argv)) {
		help();
		free(keep);
		free(link_if);
		return UK_EXIT_OK;
	}
	o.output = "a.out";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:e:hs", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.output = optarg;
			break;
		case 'e':
			o.entry = optarg;
			break;
		case O_KEEP:
			keep[o.nkeep++] = optarg;
			break;
		case O_LINK_IF:
			if (!strchr(optarg, '=') || *optarg == '=') {
				free(keep);
				free(link_if);
				return cli_usage_error(usage,
						       "--link-if wants ANCHOR=SYMBOL, "
						       "not '%s'", optarg);
			}
			link_if[o.nlink_if++] = optarg;
			break;
		case O_BASE:
			o.base = strtoull(optarg, &end, 0);
			if (*end || !*optarg) {
				free(keep);
				free(link_if);
				return cli_usage_error(usage,
						       "bad address '%s' for "
						       "--base", optarg);
			}
			break;
		case O_MAP:
			o.map_path = optarg;
			break;
		case O_REPORT:
			o.report_path = optarg;
			break;
		case O_DEBUG_OUT:
			o.debug_path = optarg;
			break;
		case O_WHY:
			o.why_symbol = optarg;
			break;
		case O_PGC:
			o.print_gc_sections = 1;
			break;
		case O_NOGC:
			o.no_gc = 1;
			break;
		case 's':
		case O_STRIP:
			o.strip_all = 1;
			break;
		case O_STATS:
			stats = 1;
			break;
		case O_LINKER:
			if (strcmp(optarg, "uk") && strcmp(optarg, "bfd")) {
				free(keep);
				free(link_if);
				return cli_usage_error(usage,
						       "unknown linker '%s' "
						       "(uk or bfd)", optarg);
			}
			bfd = !strcmp(optarg, "bfd");
			break;
		default:
			free(keep);
			free(link_if);
			return cli_unknown_option(usage, argv[optind - 1], longopts);
		}
	}
	if (optind >= argc) {
		free(keep);
		free(link_if);
		return cli_usage_error(usage, "no input files");
	}
	o.inputs = (const char *const *)argv + optind;
	o.ninputs = (size_t)(argc - optind);
	o.keep = keep;
	o.link_if = link_if;
	rc = bfd ? uk_link_bfd(&o, &res, &err) : uk_link(&o, &res, &err);
	free(keep);
	free(link_if);
	if (rc < 0 && res.error_text) {
		/* the whole list of undefined and duplicate symbols */
		int color = cli_color(stderr);
		fprintf(stderr, "uk: %serror:%s %s\n", color ? "\033[1;31m" : "",
			color ? "\033[0m" : "", res.error_text);
		if (err.hint[0])
			fprintf(stderr, "hint: %s\n", err.hint);
		uk_link_result_free(&res);
		return err.status ? err.status : UK_EXIT_FAIL;
	}
	if (rc < 0)
		return cli_report(&err);
	if (res.why_text)
		fputs(res.why_text, stdout);
	if (res.gc_text)
		fputs(res.gc_text, stderr);
	if (stats)
		fprintf(stderr,
			"uk: linked '%s': %llu bytes loaded, kept %zu sections "
			"(%llu bytes), removed %zu (%llu bytes), merged "
			"strings and constants saved %llu bytes, folded %zu "
			"identical functions (%llu bytes) in %.3f s\n",
			o.output, (unsigned long long)res.load_bytes,
			res.kept_sections, (unsigned long long)res.kept_bytes,
			res.removed_sections,
			(unsigned long long)res.removed_bytes,
			(unsigned long long)res.merged_bytes,
			res.folded_sections,
			(unsigned long long)res.folded_bytes, res.seconds);
	uk_link_result_free(&res);
	return UK_EXIT_OK;
}
