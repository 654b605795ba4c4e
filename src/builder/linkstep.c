/* Inputs are content-addressed (cached objects, components unpacked by
 * digest), so their paths plus the options identify a link: a stamp beside
 * the image records them (their hash: util/fasthash.h, no library to
 * load), and an equal stamp means no relink. */
#include "builder/linkstep.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder/debugfile.h"
#include "builder/linkdiag.h"
#include "linker/linker.h"
#include "util/cleanup.h"
#include "util/fasthash.h"
#include "util/path.h"

static void hash_str(struct uk_hashbuf *h, const char *s)
{
	uk_hashbuf_str(h, s);
}

static char *stamp_path(const char *output)
{
	const char *slash = strrchr(output, '/');
	char *p;

	if (asprintf(&p, "%.*s.%s.stamp", slash ? (int)(slash - output + 1) : 0, output,
		     slash ? slash + 1 : output) < 0)
		abort();
	return p;
}

/* The old debug file and report, renamed aside at once and removed on a
 * thread during the link: removing SQLite's 4.5 MB debug file is 0.4 ms
 * (ext4 frees its blocks). Removed, not renamed over: ext4 writes a file
 * renamed over another out at once (auto_da_alloc), 3-7 ms for that debug
 * file, 0.5 ms for its report. */
struct aside {
	char *v[2];
	int ids[2];
	size_t n;
	pthread_t th;
	int threaded;
	/* The debug file's recipe, rendered on the same thread (jansson takes
	 * 1.3 M instructions for its 10 KB), written once the link succeeded. */
	const struct uk_link_opts *lo;
	char *recipe_text;
};

static void set_aside(struct aside *a, const char *path)
{
	char *tmp;

	if (asprintf(&tmp, "%s.old%ld", path, (long)getpid()) < 0)
		abort();
	if (rename(path, tmp) == 0) {
		a->ids[a->n] = uk_cleanup_add(tmp);
		a->v[a->n++] = tmp;
	} else {
		free(tmp); /* none */
	}
}

static void *remove_aside(void *arg)
{
	struct aside *a = arg;

	for (size_t i = 0; i < a->n; i++)
		unlink(a->v[i]);
	if (a->lo)
		a->recipe_text = uk_debugfile_recipe_text(a->lo);
	return NULL;
}

/* lo: the link whose recipe is rendered meanwhile (NULL: none) */
static void aside_start(struct aside *a, const struct uk_link_opts *lo)
{
	a->lo = lo;
	if (a->n || a->lo)
		a->threaded = pthread_create(&a->th, NULL, remove_aside, a) == 0;
}

static void aside_end(struct aside *a)
{
	if (a->threaded)
		pthread_join(a->th, NULL);
	else
		remove_aside(a);
	for (size_t i = 0; i < a->n; i++) {
		uk_cleanup_remove(a->ids[i]);
		free(a->v[i]);
	}
}

/* stamp: the stamp's text, or NULL when there is none */
static int up_to_date(struct uk_linkstep *ls, const char *stamp, const char *digest)
{
	char want[UK_FASTHASH_HEX + 8];

	return stamp && uk_file_exists(ls->output) &&
	       sscanf(stamp, "%39s %" SCNu64 " %" SCNu64 " %" SCNu64, want, &ls->file_bytes,
		      &ls->load_bytes, &ls->removed_bytes) == 4 &&
	       strcmp(want, digest) == 0;
}

static int is_bfd(const struct uk_linkstep *ls)
{
	return ls->linker && strcmp(ls->linker, "bfd") == 0;
}

/* A stamp or recipe: its new text, written only when it differs from old
 * (what path held, or NULL), the old file removed first (a file renamed
 * over another costs ext4 a flush of it, see struct aside). Written whole
 * and renamed into place, but not synced to the disk (uk_write_file_atomic's
 * fsync of it and of its folder were a tenth of a relink): it only ever
 * saves a relink, losing it in a crash costs one, and the image it vouches
 * for is not synced either, so syncing the stamp alone could only vouch
 * for a lost image. */
static int put_stamp(const char *path, const char *old, const char *text,
		     struct uk_error *err)
{
	if (old && !strcmp(old, text))
		return 0;
	unlink(path);
	return uk_write_file_unsynced(path, text, strlen(text), 0644, err);
}

static int write_recipe(const char *recipe, const struct uk_link_opts *lo,
			struct uk_error *err)
{
	char *text = uk_debugfile_recipe_text(lo);
	int rc = put_stamp(recipe, NULL, text, err);

	free(text);
	return rc;
}

/* The image is up to date: its debug file and recipe as the mode wants
 * them. 1 when it must be relinked after all (--debug, and the debug file
 * could not be made from the recipe). GNU ld's images have neither. */
static int debug_up_to_date(const struct uk_linkstep *ls, const struct uk_link_opts *lo,
			    const char *recipe, struct uk_error *err)
{
	struct uk_error ignored = { 0 };

	if (ls->debug_mode == UK_DEBUG_NONE || is_bfd(ls)) {
		unlink(ls->debug);
		unlink(recipe);
		return 0;
	}
	if (ls->debug_mode == UK_DEBUG_NOW && !uk_file_exists(ls->debug)) {
		/* the recipe of this build's link, whatever an old one said */
		if (write_recipe(recipe, lo, err) != 0)
			return -1;
		return uk_debugfile_make(ls->output, &ignored) == 0 ? 0 : 1;
	}
	return uk_file_exists(recipe) ? 0 : write_recipe(recipe, lo, err);
}

/* uk build --verbose shows its link as the `uk link` command that makes
 * the same image (and report and debug file). */
static void show_command(const struct uk_linkstep *ls, const struct uk_link_opts *lo)
{
	struct uk_strv argv = { 0 };
	char *arg;

	uk_strv_push(&argv, "uk");
	uk_strv_push(&argv, "link");
	if (ls->linker && strcmp(ls->linker, "bfd") == 0)
		uk_strv_push(&argv, "--linker=bfd");
	uk_strv_push(&argv, "-o");
	uk_strv_push(&argv, lo->output);
	uk_strv_push(&argv, "-e");
	uk_strv_push(&argv, lo->entry);
	for (size_t i = 0; i < lo->nkeep; i++) {
		uk_strv_push(&argv, "--keep");
		uk_strv_push(&argv, lo->keep[i]);
	}
	for (size_t i = 0; i < lo->nlink_if; i++) {
		if (asprintf(&arg, "--link-if=%s", lo->link_if[i]) < 0)
			abort();
		uk_strv_push(&argv, arg);
		free(arg);
	}
	if (lo->report_path) {
		uk_strv_push(&argv, "--report");
		uk_strv_push(&argv, lo->report_path);
	}
	if (lo->debug_path) {
		uk_strv_push(&argv, "--debug-out");
		uk_strv_push(&argv, lo->debug_path);
	}
	if (lo->why_symbol) {
		uk_strv_push(&argv, "--why");
		uk_strv_push(&argv, lo->why_symbol);
	}
	for (size_t i = 0; i < lo->ninputs; i++)
		uk_strv_push(&argv, lo->inputs[i]);
	ls->command(ls->command_ctx, argv.v);
	uk_strv_free(&argv);
}

int uk_linkstep_run(struct uk_linkstep *ls, struct uk_error *err)
{
	struct uk_strv inputs = { 0 };
	const char **keep, **link_if;
	size_t nkeep, nlink_if;
	struct uk_link_opts lo = { 0 };
	struct uk_link_result lr = { 0 };
	struct uk_hashbuf h = { 0 };
	struct aside aside = { 0 };
	char digest[UK_FASTHASH_HEX], line[256];
	char *stamp = stamp_path(ls->output), *recipe = NULL;
	char *old_stamp = NULL, *old_recipe = NULL;
	int rc = -1;

	uk_plan_link_inputs(ls->plan, ls->target, ls->objects, &inputs);
	keep = uk_plan_keep(ls->plan, 2, &nkeep);
	/* volumes: the 9p client's anchor (runtime/drivers/virtio/link_9p.c);
	 * Xen has no virtio */
	if (ls->plan->man.has_volumes && ls->target != UK_TARGET_XEN)
		keep[nkeep++] = "uk_link_9p";
	/* allow_wx: the anchor that lets memory be writable and executable
	 * (runtime/kernel/link_wx.c) */
	if (ls->plan->man.allow_wx)
		keep[nkeep++] = "uk_link_wx";
	keep[nkeep] = NULL;
	link_if = uk_plan_link_if(ls->plan, &nlink_if);
	hash_str(&h, "uk-link-2 " UK_VERSION);
	hash_str(&h, ls->linker);
	hash_str(&h, ls->plan->entry);
	hash_str(&h, ls->report);
	for (size_t i = 0; i < nkeep; i++)
		hash_str(&h, keep[i]);
	hash_str(&h, "-- link_if");
	for (size_t i = 0; i < nlink_if; i++)
		hash_str(&h, link_if[i]);
	hash_str(&h, "--");
	for (size_t i = 0; i < inputs.n; i++)
		hash_str(&h, inputs.v[i]);
	uk_hashbuf_hex(&h, digest);
	uk_hashbuf_free(&h);
	lo.inputs = (const char *const *)inputs.v;
	lo.ninputs = inputs.n;
	lo.output = ls->output;
	lo.entry = ls->plan->entry;
	lo.keep = keep;
	lo.nkeep = nkeep;
	lo.link_if = link_if;
	lo.nlink_if = nlink_if;
	lo.report_path = ls->report;
	lo.why_symbol = ls->why;
	if (ls->debug)
		recipe = uk_debugfile_recipe_path(ls->output);
	uk_read_file(stamp, &old_stamp, NULL, NULL);
	if (!ls->why && up_to_date(ls, old_stamp, digest)) {
		ls->relinked = 0;
		rc = recipe ? debug_up_to_date(ls, &lo, recipe, err) : 0;
		if (rc <= 0)
			goto out;
	}
	/* GNU ld's path keeps no separate debug file */
	if (ls->debug_mode == UK_DEBUG_NOW && !is_bfd(ls))
		lo.debug_path = ls->debug;
	/* An old stamp must not vouch for a half-made image, nor an old debug
	 * file, recipe or report describe a new one. GNU ld writes the image
	 * in place: both go first. uk's linker swaps the whole image in at the
	 * end, so the old stamp still vouches for the old image until then;
	 * each is replaced after the link only if it changed (put_stamp): a
	 * relink of the same inputs (a removed image) writes neither again. */
	if (is_bfd(ls)) {
		unlink(stamp);
		if (recipe)
			unlink(recipe);
		free(old_stamp);
		old_stamp = NULL;
	} else if (recipe) {
		uk_read_file(recipe, &old_recipe, NULL, NULL);
	}
	if (ls->debug)
		set_aside(&aside, ls->debug);
	if (ls->report)
		set_aside(&aside, ls->report);
	aside_start(&aside, recipe && ls->debug_mode != UK_DEBUG_NONE && !is_bfd(ls) ? &lo : NULL);
	if (ls->command)
		show_command(ls, &lo);
	if (is_bfd(ls))
		rc = uk_link_bfd(&lo, &lr, err);
	else
		rc = uk_link(&lo, &lr, err);
	aside_end(&aside);
	if (rc != 0 || lr.why_text) {
		struct uk_linknames names;

		uk_linknames_make(ls->plan, ls->objects, &names);
		if (rc != 0)
			uk_linkdiag(&names, lr.error_text, ls->diags, err);
		else
			ls->why_text = uk_linknames_rewrite(&names, lr.why_text);
		uk_linknames_free(&names);
	}
	if (rc != 0)
		goto out;
	ls->relinked = 1;
	ls->file_bytes = lr.file_bytes;
	ls->load_bytes = lr.load_bytes;
	ls->removed_bytes = lr.removed_bytes;
	if (aside.recipe_text && put_stamp(recipe, old_recipe, aside.recipe_text, err) != 0)
		goto out;
	if (recipe && !aside.recipe_text)
		unlink(recipe); /* no debug file is to be made: no recipe */
	snprintf(line, sizeof(line), "%s %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", digest,
		 ls->file_bytes, ls->load_bytes, ls->removed_bytes);
	rc = put_stamp(stamp, old_stamp, line, err);
out:
	free(old_stamp);
	free(old_recipe);
	free(aside.recipe_text);
	uk_link_result_free(&lr);
	uk_strv_free(&inputs);
	free(keep);
	free(link_if);
	free(stamp);
	free(recipe);
	return rc;
}
