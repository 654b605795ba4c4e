/* The debug file is 4.5 MB of relocated DWARF for SQLite, a third of a
 * relink's time (issue 14), and most builds never need it: the link it
 * comes from is recorded instead and done again when it is needed. The
 * inputs are content-addressed (cached objects, components unpacked by
 * digest), so the same link gives the same image; comparing the two
 * images catches an input changed or replaced since. */
#include "builder/debugfile.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/path.h"
#include "util/relpath.h"

#define RECIPE_VERSION 2 /* 1 had a folder its relative inputs were from */

/* build/raw/hello.img's ELF is build/raw/hello */
static char *elf_of(const char *image)
{
	size_t n = strlen(image);
	char *p;

	if (n > 4 && !strcmp(image + n - 4, ".img"))
		n -= 4;
	if (asprintf(&p, "%.*s", (int)n, image) < 0)
		abort();
	return p;
}

/* beside ELF: DIR/.NAME<suffix>, hidden like the stamp */
static char *hidden_beside(const char *elf, const char *suffix)
{
	const char *slash = strrchr(elf, '/');
	char *p;

	if (asprintf(&p, "%.*s.%s%s", slash ? (int)(slash - elf + 1) : 0, elf,
		     slash ? slash + 1 : elf, suffix) < 0)
		abort();
	return p;
}

char *uk_debugfile_recipe_path(const char *image)
{
	char *elf = elf_of(image), *p = hidden_beside(elf, ".debug.json");

	free(elf);
	return p;
}

char *uk_debugfile_path(const char *image)
{
	char *elf = elf_of(image), *p;

	if (asprintf(&p, "%s.debug", elf) < 0)
		abort();
	free(elf);
	return p;
}

static json_t *strings(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* The folder holding path (absolute), malloc'd. */
static char *folder_of(const char *abs)
{
	size_t n = (size_t)(strrchr(abs, '/') - abs);
	char *p = strndup(abs, n ? n : 1);

	if (!p)
		abort();
	return p;
}

/* Inputs inside the build folder (the objects and packed files of
 * build/.cache) are recorded from the recipe's own folder, so that the
 * project can move with its build folder; others (the store's components,
 * the compiler's libgcc) as absolute paths. */
static json_t *recipe_inputs(const struct uk_link_opts *lo, const char *cwd)
{
	char *image = uk_path_absolute(lo->output, cwd), *here = folder_of(image);
	char *build = folder_of(here);
	size_t nb = strlen(build);
	json_t *a = json_array();

	for (size_t i = 0; i < lo->ninputs; i++) {
		char *in = uk_path_absolute(lo->inputs[i], cwd), *rel = NULL;

		if (nb > 1 && !strncmp(in, build, nb) && in[nb] == '/')
			rel = uk_path_relative(in, here);
		json_array_append_new(a, json_string(rel ? rel : in));
		free(rel);
		free(in);
	}
	free(build);
	free(here);
	free(image);
	return a;
}

char *uk_debugfile_recipe_text(const struct uk_link_opts *lo)
{
	char cwd[PATH_MAX], *text;
	json_t *o;

	if (!getcwd(cwd, sizeof(cwd)))
		abort(); /* uk build's folder is gone: nothing relative is found either */
	o = json_pack("{s:i, s:s, s:o, s:o, s:o}", "version", RECIPE_VERSION, "entry",
		      lo->entry ? lo->entry : "_start", "keep", strings(lo->keep, lo->nkeep),
		      "link_if", strings(lo->link_if, lo->nlink_if), "inputs",
		      recipe_inputs(lo, cwd));
	if (!o)
		abort();
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!text)
		abort();
	return text;
}

struct recipe {
	json_t *root;
	const char *entry;
	const char **keep, **link_if;
	char **inputs; /* absolute: relative ones are from the recipe's folder */
	size_t nkeep, nlink_if, ninputs;
};

static void recipe_free(struct recipe *r)
{
	for (size_t i = 0; i < r->ninputs; i++)
		free(r->inputs[i]);
	free(r->inputs);
	free(r->keep);
	free(r->link_if);
	json_decref(r->root);
}

/* a list of strings; -1 when it is not one */
static int string_list(json_t *a, const char ***out, size_t *n)
{
	size_t i;
	json_t *v;

	if (!json_is_array(a))
		return -1;
	*n = json_array_size(a);
	*out = calloc(*n + 1, sizeof(char *));
	if (!*out)
		abort();
	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			return -1;
		(*out)[i] = json_string_value(v);
	}
	return 0;
}

static int recipe_load(const char *path, const char *elf, struct recipe *r,
		       struct uk_error *err)
{
	json_error_t je;
	const char **inputs = NULL;
	char *text, cwd[PATH_MAX], *here = NULL;
	size_t len;
	int ok;

	memset(r, 0, sizeof(*r));
	if (uk_read_file(path, &text, &len, NULL) != 0)
		return uk_errorf(err, "cannot make the debug file of '%s': cannot read '%s': %s",
				 elf, path, strerror(errno));
	r->root = json_loadb(text, len, 0, &je);
	free(text);
	ok = json_is_object(r->root) &&
	     json_integer_value(json_object_get(r->root, "version")) == RECIPE_VERSION &&
	     (r->entry = json_string_value(json_object_get(r->root, "entry"))) &&
	     string_list(json_object_get(r->root, "keep"), &r->keep, &r->nkeep) == 0 &&
	     string_list(json_object_get(r->root, "link_if"), &r->link_if, &r->nlink_if) == 0 &&
	     string_list(json_object_get(r->root, "inputs"), &inputs, &r->ninputs) == 0;
	if (ok) {
		r->inputs = calloc(r->ninputs + 1, sizeof(char *));
		if (!r->inputs)
			abort();
		if (getcwd(cwd, sizeof(cwd))) {
			char *abs = uk_path_absolute(path, cwd);

			here = folder_of(abs);
			free(abs);
		}
		for (size_t i = 0; i < r->ninputs; i++)
			r->inputs[i] = inputs[i][0] == '/' || !here ? strdup(inputs[i])
								    : uk_path_absolute(inputs[i], here);
		free(here);
	} else {
		r->ninputs = 0;
	}
	free(inputs);
	if (ok)
		return 0;
	recipe_free(r);
	return uk_errorf(err, "cannot make the debug file of '%s': '%s' is not a debug recipe "
			 "of this uk", elf, path);
}

/* 1 when the link's image holds the ELF's bytes, 0 when not, -1 when
 * the ELF cannot be read */
static int same_bytes(const char *made, const char *elf)
{
	char *x = NULL, *y = NULL;
	size_t nx = 0, ny = 0;
	int same;

	if (uk_read_file(elf, &y, &ny, NULL) != 0)
		return -1;
	same = uk_read_file(made, &x, &nx, NULL) == 0 && nx == ny && memcmp(x, y, nx) == 0;
	free(x);
	free(y);
	return same;
}

/* The link into tmp_img and tmp_dbg; 0 when it gave elf's bytes. */
static int relink_compare(const struct recipe *r, const char *elf, const char *tmp_img,
			  const char *tmp_dbg, struct uk_error *err)
{
	struct uk_link_opts lo = { 0 };
	struct uk_link_result lr = { 0 };
	struct uk_error le = { 0 };
	int rc;

	for (size_t i = 0; i < r->ninputs; i++)
		if (!uk_file_exists(r->inputs[i]))
			return uk_errorf(err, "cannot make the debug file of '%s': its input '%s' "
				    "is gone", elf, r->inputs[i]);
	lo.inputs = (const char *const *)r->inputs;
	lo.ninputs = r->ninputs;
	lo.output = tmp_img;
	lo.entry = r->entry;
	lo.keep = r->keep;
	lo.nkeep = r->nkeep;
	lo.link_if = r->link_if;
	lo.nlink_if = r->nlink_if;
	lo.debug_path = tmp_dbg;
	rc = uk_link(&lo, &lr, &le);
	uk_link_result_free(&lr);
	if (rc != 0)
		return uk_errorf(err, "cannot make the debug file of '%s': %s", elf, le.msg);
	rc = same_bytes(tmp_img, elf);
	if (rc < 0)
		return uk_errorf(err, "cannot make the debug file of '%s': cannot read it: %s",
				 elf, strerror(errno));
	if (rc == 0)
		return uk_errorf(err, "cannot make the debug file of '%s': its inputs changed "
			    "since it was linked", elf);
	return 0;
}

int uk_debugfile_make(const char *image, struct uk_error *err)
{
	char *elf = elf_of(image), *recipe = hidden_beside(elf, ".debug.json");
	char *debug, *tmp_img, *tmp_dbg;
	struct recipe r;
	int rc;

	debug = uk_debugfile_path(image);
	if (asprintf(&tmp_img, "%s.debug-image.%ld", debug, (long)getpid()) < 0 ||
	    asprintf(&tmp_dbg, "%s.tmp.%ld", debug, (long)getpid()) < 0)
		abort();
	rc = recipe_load(recipe, elf, &r, err);
	if (rc == 0) {
		int ids[2] = { uk_cleanup_add(tmp_img), uk_cleanup_add(tmp_dbg) };

		rc = relink_compare(&r, elf, tmp_img, tmp_dbg, err);
		if (rc == 0 && rename(tmp_dbg, debug) != 0)
			rc = uk_errorf(err, "cannot rename '%s' to '%s': %s", tmp_dbg, debug,
				       strerror(errno));
		unlink(tmp_img);
		unlink(tmp_dbg);
		uk_cleanup_remove(ids[0]);
		uk_cleanup_remove(ids[1]);
		recipe_free(&r);
	}
	if (rc != 0)
		uk_hintf(err, "run 'uk build --debug': it links the image with its debug file");
	free(tmp_dbg);
	free(tmp_img);
	free(debug);
	free(recipe);
	free(elf);
	return rc;
}
