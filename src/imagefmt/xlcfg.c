/* build/xen/<name>.xl.cfg: what `xl create -c` needs to boot the image as
 * a PVH guest. Strings are double-quoted with \ before " and \. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imagefmt/image.h"
#include "util/path.h"

static char *quoted(const char *s)
{
	char *q = malloc(2 * strlen(s) + 3), *p = q;

	if (!q)
		abort();
	*p++ = '"';
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	*p++ = '"';
	*p = '\0';
	return q;
}

char *uk_xlcfg_text(const char *kernel, const struct uk_image_params *p)
{
	char *k = quoted(kernel), *n = quoted(p->name), *c = quoted(p->cmdline ? p->cmdline : "");
	char *text;
	unsigned long long mib = (p->memory + (1u << 20) - 1) >> 20;

	if (asprintf(&text,
		     "# Written by uk build; boot with: xl create -c THIS_FILE\n"
		     "type = \"pvh\"\n"
		     "name = %s\n"
		     "kernel = %s\n"
		     "memory = %llu\n"
		     "vcpus = 1\n"
		     "cmdline = %s\n"
		     "on_poweroff = \"destroy\"\n"
		     "on_reboot = \"destroy\"\n"
		     "on_crash = \"destroy\"\n",
		     n, k, mib ? mib : 1, c) < 0)
		abort();
	free(k);
	free(n);
	free(c);
	return text;
}

int uk_xlcfg_write(const char *kernel, const struct uk_image_params *p, const char *out,
		   struct uk_error *err)
{
	char abs[PATH_MAX], *text;
	int rc;

	/* xl resolves a relative kernel path against its own working folder */
	text = uk_xlcfg_text(realpath(kernel, abs) ? abs : kernel, p);
	rc = uk_write_file_atomic(out, text, strlen(text), 0644, err);
	free(text);
	return rc;
}
