/* The project templates `uk init` writes (embedded from templates/). */
#ifndef UK_CLI_TEMPLATES_H
#define UK_CLI_TEMPLATES_H

struct uk_template_file {
	const char *template; /* "hello" */
	const char *path;     /* "src/main.c", relative to the project */
	const char *text;     /* "@NAME@" stands for the project's name */
};

/* Ends with an all-NULL entry. */
extern const struct uk_template_file uk_template_files[];

#endif
