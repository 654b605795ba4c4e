/* uk init: write a new project from a template, never over existing files. */
#include <ctype.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/templates.h"
#include "util/path.h"

static const char usage[] = "uk init [DIR] [--template NAME] [--name NAME] | uk init --list";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Creates a project in DIR (default: .): uk.yaml, src/main.c, .gitignore.\n"
	       "Refuses to overwrite any file that exists.\n\n"
	       "  --template NAME  what to start from (default: hello); templates:",
	       usage);
	for (const struct uk_template_file *f = uk_template_files; f->template; f++)
		if (f == uk_template_files || strcmp(f[-1].template, f->template))
			printf(" %s", f->template);
	printf("\n  --name NAME      the program's name (default: the folder's name)\n"
	       "  --list           list the templates, one a line\n");
}

static void list_templates(void)
{
	for (const struct uk_template_file *f = uk_template_files; f->template; f++)
		if (f == uk_template_files || strcmp(f[-1].template, f->template))
			printf("%s\n", f->template);
}

static int template_exists(const char *tmpl)
{
	for (const struct uk_template_file *f = uk_template_files; f->template; f++)
		if (!strcmp(f->template, tmpl))
			return 1;
	return 0;
}

/* A project name: lower case letters, digits, '.', '_', '-'; from a folder
 * name like "My App" it makes "my-app". */
static int name_from_dir(const char *dir, char *out, size_t len)
{
	char abs[PATH_MAX];
	const char *base;
	size_t n = 0;

	if (!realpath(dir, abs))
		snprintf(abs, sizeof(abs), "%s", dir);
	base = strrchr(abs, '/');
	base = base && base[1] ? base + 1 : abs;
	for (const char *p = base; *p && n + 1 < len && n < 63; p++) {
		unsigned char c = (unsigned char)*p;

		if (isalnum(c))
			out[n++] = (char)tolower(c);
		else if (n > 0 && out[n - 1] != '-' && strchr("._- ", c))
			out[n++] = c == ' ' ? '-' : (char)c;
	}
	while (n > 0 && !isalnum((unsigned char)out[n - 1]))
		n--;
	out[n] = '\0';
	return n > 0 ? 0 : -1;
}

static int valid_name(const char *s)
{
	if (!islower((unsigned char)s[0]) && !isdigit((unsigned char)s[0]))
		return 0;
	for (const char *p = s; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    !strchr("._-", *p))
			return 0;
	return strlen(s) <= 63;
}

static char *expand(const char *text, const char *name)
{
	size_t cap = strlen(text) + 64 * 8 + 1, n = 0;
	char *out = malloc(cap);

	for (const char *p = text; *p;) {
		if (!strncmp(p, "@NAME@", 6)) {
			size_t l = strlen(name);

			if (n + l + 1 > cap)
				out = realloc(out, cap = cap * 2 + l);
			memcpy(out + n, name, l);
			n += l;
			p += 6;
			continue;
		}
		if (n + 2 > cap)
			out = realloc(out, cap *= 2);
		out[n++] = *p++;
	}
	out[n] = '\0';
	return out;
}

static int write_template(const char *dir, const char *tmpl, const char *name)
{
	struct uk_error err = { 0 };
	const struct uk_template_file *f;
	size_t count = 0;

	for (f = uk_template_files; f->template; f++) {
		char *path;

		if (strcmp(f->template, tmpl))
			continue;
		count++;
		path = uk_path_join(dir, f->path);
		if (uk_file_exists(path)) {
			uk_errorf(&err, "'%s' already exists; uk init writes nothing over it", path);
			uk_hintf(&err, "choose an empty folder: uk init NEWDIR");
			free(path);
			return cli_report(&err);
		}
		free(path);
	}
	if (count == 0)
		return cli_usage_error(usage, "no template '%s'; 'uk init --list' lists them", tmpl);
	if (uk_mkdirs(dir, &err) != 0)
		return cli_report(&err);
	for (f = uk_template_files; f->template; f++) {
		char *path, *slash, *text;
		int rc;

		if (strcmp(f->template, tmpl))
			continue;
		path = uk_path_join(dir, f->path);
		slash = strrchr(path, '/');
		if (slash) {
			*slash = '\0';
			rc = uk_mkdirs(path, &err);
			*slash = '/';
			if (rc) {
				free(path);
				return cli_report(&err);
			}
		}
		text = expand(f->text, name);
		rc = uk_write_file_atomic(path, text, strlen(text), 0644, &err);
		free(text);
		if (rc == 0)
			printf("created %s\n", path);
		free(path);
		if (rc)
			return cli_report(&err);
	}
	return 0;
}

int cmd_init(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "template", required_argument, NULL, 't' },
		{ "name", required_argument, NULL, 'n' },
		{ "list", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *tmpl = "hello", *name = NULL, *dir = ".";
	char derived[64];
	int c, list = 0;

	if (cli_wants_help(argc, argv)) {
		help();
		return 0;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, "t:n:", longopts, NULL)) != -1) {
		if (c == 't')
			tmpl = optarg;
		else if (c == 'n')
			name = optarg;
		else if (c == 'l')
			list = 1;
		else
			return cli_unknown_option(usage, argv[optind - 1], longopts);
	}
	if (optind < argc)
		dir = argv[optind++];
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (list) {
		list_templates();
		return 0;
	}
	/* everything that can refuse comes before the folder is made */
	if (!template_exists(tmpl))
		return cli_usage_error(usage, "no template '%s'; 'uk init --list' lists them", tmpl);
	if (!name) {
		if (name_from_dir(dir, derived, sizeof(derived)) != 0)
			return cli_usage_error(usage, "cannot make a project name from '%s'; "
					       "give --name NAME", dir);
		name = derived;
	} else if (!valid_name(name)) {
		return cli_usage_error(usage, "bad name '%s': use lower-case letters, digits, "
				       "'.', '_' and '-', starting with a letter or digit", name);
	}
	return write_template(dir, tmpl, name);
}
