/* libyaml, loaded on first use (util/dynlib.h): only commands that read
 * uk.yaml or a component.yaml parse YAML; `uk run IMAGE` does not. The
 * functions uk calls are defined here with the library's own prototypes
 * and forward to the loaded library, so callers include <yaml.h> as
 * usual. A library that cannot be loaded ends the process with one error
 * line, as the dynamic loader did when it was linked. (libbfd is linked
 * statically: see the Makefile.) */
#include <stdio.h>
#include <stdlib.h>
#include <yaml.h>

#include "util/dynlib.h"

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
