/* uk_image_write: one entry point per target, and the kernel command line
 * that xl.cfg and the raw disk bake in. */
#include "imagefmt/image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void append(char **line, size_t *len, const char *w)
{
	int quote = w[0] == '\0' || strpbrk(w, " \t\n\"'\\") != NULL;
	char *p;

	*line = realloc(*line, *len + 2 * strlen(w) + 4);
	if (!*line)
		abort();
	p = *line + *len;
	if (*len)
		*p++ = ' ';
	if (quote)
		*p++ = '"';
	for (const char *s = w; *s; s++) {
		if (quote && (*s == '"' || *s == '\\'))
			*p++ = '\\';
		*p++ = *s;
	}
	if (quote)
		*p++ = '"';
	*p = '\0';
	*len = (size_t)(p - *line);
}

char *uk_image_cmdline(const char *name, char *const *env, size_t nenv,
		       char *const *args, size_t nargs)
{
	char *line = strdup(""), *opt;
	size_t len = 0;

	if (!line || asprintf(&opt, "uk.name=%s", name ? name : "uk") < 0)
		abort();
	append(&line, &len, opt);
	free(opt);
	for (size_t i = 0; i < nenv; i++) {
		if (asprintf(&opt, "uk.env=%s", env[i]) < 0)
			abort();
		append(&line, &len, opt);
		free(opt);
	}
	append(&line, &len, "--");
	for (size_t i = 0; i < nargs; i++)
		append(&line, &len, args[i]);
	return line;
}

int uk_image_write(enum uk_target t, const char *kernel, const struct uk_image_params *p,
		   const char *out, struct uk_error *err)
{
	switch (t) {
	case UK_TARGET_KVM:
		return 0;
	case UK_TARGET_XEN:
		if (uk_xen_notes_check(kernel, err) != 0)
			return -1;
		return uk_xlcfg_write(kernel, p, out, err);
	case UK_TARGET_RAW: {
		char *tgz;
		size_t n = strlen(out);
		int rc;

		if (uk_rawdisk_write(kernel, p->name, p->cmdline, out, err) != 0)
			return -1;
		if (!p->gce)
			return 0;
		if (n > 4 && strcmp(out + n - 4, ".img") == 0)
			n -= 4;
		if (asprintf(&tgz, "%.*s.tar.gz", (int)n, out) < 0)
			abort();
		rc = uk_gce_write(out, tgz, err);
		free(tgz);
		return rc;
	}
	}
	return uk_errorf(err, "unknown target %d", (int)t);
}
