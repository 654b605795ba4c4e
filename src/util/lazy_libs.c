/* libbfd and libyaml, loaded on first use (util/dynlib.h): only `uk link`
 * and `uk build` read archives, and only commands that read uk.yaml or a
 * component.yaml parse YAML; `uk run IMAGE` needs neither. The functions
 * uk calls are defined here with the libraries' own prototypes and
 * forward to the loaded library, so callers include <bfd.h> and <yaml.h>
 * as usual. A library that cannot be loaded ends the process with one
 * error line, as the dynamic loader did when they were linked. */
#include <bfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <yaml.h>

#include "util/dynlib.h"

#ifndef UK_BFD_SONAME
#define UK_BFD_SONAME "libbfd.so"
#endif

static void load(const char *const *sonames, const char *package, const char *const *names,
		 void **slots, size_t n)
{
	struct uk_error err = { 0 };

	if (uk_dynlib_bind(sonames, package, names, slots, n, &err) == 0)
		return;
	fprintf(stderr, "uk: error: %s\nhint: %s\n", err.msg, err.hint);
	exit(1);
}

static struct {
	__typeof__(&bfd_init) init;
	__typeof__(&bfd_openr) openr;
	__typeof__(&bfd_check_format) check_format;
	__typeof__(&bfd_close) close;
	__typeof__(&bfd_errmsg) errmsg;
	__typeof__(&bfd_get_error) get_error;
	__typeof__(&bfd_get_next_mapent) get_next_mapent;
} bfd_fn;

static void bfd_ready(void)
{
	static const char *const sonames[] = { UK_BFD_SONAME, "libbfd.so", NULL };
	static const char *const names[] = { "bfd_init",    "bfd_openr",     "bfd_check_format",
					     "bfd_close",   "bfd_errmsg",    "bfd_get_error",
					     "bfd_get_next_mapent" };

	_Static_assert(sizeof(bfd_fn) == sizeof(names), "one slot per name");
	if (!bfd_fn.init)
		load(sonames, "libbinutils", names, (void **)&bfd_fn,
		     sizeof(names) / sizeof(names[0]));
}

unsigned int bfd_init(void)
{
	bfd_ready();
	return bfd_fn.init();
}

bfd *bfd_openr(const char *filename, const char *target)
{
	bfd_ready();
	return bfd_fn.openr(filename, target);
}

bool bfd_check_format(bfd *abfd, bfd_format format)
{
	bfd_ready();
	return bfd_fn.check_format(abfd, format);
}

bool bfd_close(bfd *abfd)
{
	bfd_ready();
	return bfd_fn.close(abfd);
}

const char *bfd_errmsg(bfd_error_type error_tag)
{
	bfd_ready();
	return bfd_fn.errmsg(error_tag);
}

bfd_error_type bfd_get_error(void)
{
	bfd_ready();
	return bfd_fn.get_error();
}

symindex bfd_get_next_mapent(bfd *abfd, symindex previous, carsym **sym)
{
	bfd_ready();
	return bfd_fn.get_next_mapent(abfd, previous, sym);
}

static struct {
	__typeof__(&yaml_parser_initialize) parser_initialize;
	__typeof__(&yaml_parser_delete) parser_delete;
	__typeof__(&yaml_parser_set_input_string) parser_set_input_string;
	__typeof__(&yaml_parser_parse) parser_parse;
	__typeof__(&yaml_event_delete) event_delete;
} yaml_fn;

static void yaml_ready(void)
{
	static const char *const sonames[] = { "libyaml-0.so.2", NULL };
	static const char *const names[] = { "yaml_parser_initialize", "yaml_parser_delete",
					     "yaml_parser_set_input_string",
					     "yaml_parser_parse", "yaml_event_delete" };

	_Static_assert(sizeof(yaml_fn) == sizeof(names), "one slot per name");
	if (!yaml_fn.parser_initialize)
		load(sonames, "libyaml-0-2", names, (void **)&yaml_fn,
		     sizeof(names) / sizeof(names[0]));
}

int yaml_parser_initialize(yaml_parser_t *parser)
{
	yaml_ready();
	return yaml_fn.parser_initialize(parser);
}

void yaml_parser_delete(yaml_parser_t *parser)
{
	yaml_ready();
	yaml_fn.parser_delete(parser);
}

void yaml_parser_set_input_string(yaml_parser_t *parser, const unsigned char *input,
				  size_t size)
{
	yaml_ready();
	yaml_fn.parser_set_input_string(parser, input, size);
}

int yaml_parser_parse(yaml_parser_t *parser, yaml_event_t *event)
{
	yaml_ready();
	return yaml_fn.parser_parse(parser, event);
}

void yaml_event_delete(yaml_event_t *event)
{
	yaml_ready();
	yaml_fn.event_delete(event);
}
