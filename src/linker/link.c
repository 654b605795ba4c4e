/* uk_link: the pipeline of the linker, one stage a call. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "linker/internal.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void stats(struct lk_ctx *c, struct uk_link_result *res)
{
	struct lk_obj *o;
	uint32_t i;
	size_t k;
	int s;

	for (o = c->objs; o; o = o->next)
		for (i = 1; i < o->shnum; i++) {
			struct lk_sec *x = &o->secs[i];
			if (!x->gc_candidate)
				continue;
			if (x->live) {
				res->kept_sections++;
				res->kept_bytes += x->size;
			} else {
				res->removed_sections++;
				res->removed_bytes += x->size;
			}
		}
	for (k = 0; k < c->nextra; k++) {
		if (c->extra[k]->live) {
			res->kept_sections++;
			res->kept_bytes += c->extra[k]->size;
		} else {
			res->removed_sections++;
			res->removed_bytes += c->extra[k]->size;
		}
	}
	for (s = 0; s < LK_NSEGS; s++)
		if (c->seg_used[s])
			res->load_bytes += c->seg_end[s] - c->seg_start[s];
	res->merged_bytes = c->merged_str + c->merged_const;
	res->folded_sections = c->nfolded;
	res->folded_bytes = c->folded_bytes;
}

static void cleanup(struct lk_ctx *c)
{
	lk_close_archives(c);
	size_t i;

	for (i = 0; i < c->nextra; i++)
		free(c->extra[i]);
	free(c->extra);
	lk_unmap_inputs(c);
	for (i = 0; i < c->nosecs; i++) {
		free(c->osecs[i]->name);
		free(c->osecs[i]);
	}
	free(c->osecs);
	free(c->live);
	free(c->merged);
	free(c->moved);
	free(c->queue);
	free(c->got);
	free(c->dup_msgs);
	free(c->error_text);
	free(c->ukst);
	lk_symtab_free(&c->syms);
	lk_symtab_free(&c->groups);
	lk_arena_free(&c->arena);
}

static int check_opts(const struct uk_link_opts *o, struct uk_error *err)
{
	if (!o->output || !*o->output) {
		uk_errorf(err, "no output file given");
		err->status = 2;
		return uk_hintf(err, "pass -o FILE");
	}
	if (o->ninputs == 0) {
		uk_errorf(err, "no input files");
		err->status = 2;
		return uk_hintf(err, "pass objects (.o) and archives (.a)");
	}
	if (o->base % 4096) {
		uk_errorf(err, "base address 0x%llx is not 4 KiB aligned",
			  (unsigned long long)o->base);
		err->status = 2;
		return -1;
	}
	return 0;
}

static int run(struct lk_ctx *c, struct uk_link_result *res)
{
	const struct uk_link_opts *op = c->opts;
	char *report = NULL;
	size_t i, report_len = 0;

	/* the debug file on a thread, beside the image and the report */
	if (op->debug_path)
		lk_debug_start(c);
	lk_sym_get(&c->syms, op->entry ? op->entry : "_start")->strong_ref = 1;
	for (i = 0; i < op->nkeep; i++)
		if (lk_is_c_ident(op->keep[i]))
			lk_sym_get(&c->syms, op->keep[i])->strong_ref = 1;
	for (i = 0; i < op->ninputs; i++)
		if (lk_read_input(c, op->inputs[i]) < 0 ||
		    lk_drain_queue(c) < 0)
			return -1;
	if (lk_apply_link_if(c) < 0)
		return -1;
	lk_symtab_order(&c->syms); /* before the first walk of the symbols */
	lk_define_commons(c);
	lk_debug_inputs(c);
	if (lk_gc(c) < 0 || lk_merge(c) < 0 || lk_icf(c) < 0 || lk_layout(c) < 0)
		return -1;
	lk_debug_layout(c);
	if (lk_relocate(c) < 0 || lk_write(c, &res->file_bytes) < 0)
		return -1;
	c->written = 1;
	lk_debug_image(c, 1);
	stats(c, res);
	if (op->why_symbol)
		res->why_text = lk_why(c, op->why_symbol);
	if (op->print_gc_sections)
		res->gc_text = lk_gc_text(c);
	res->seconds = now() - c->t0;
	if (op->report_path)
		report = lk_report_render(c, res, &report_len);
	if (lk_debug_finish(c) < 0 || (op->map_path && lk_write_map(c) < 0) ||
	    (op->report_path && lk_report_publish(c, report, report_len) < 0)) {
		free(report);
		return -1;
	}
	free(report);
	return 0;
}

int uk_link(const struct uk_link_opts *opts, struct uk_link_result *res,
	    struct uk_error *err)
{
	struct uk_error local;
	struct lk_ctx c;
	int rc;

	if (!err)
		err = &local;
	uk_error_clear(err);
	memset(res, 0, sizeof(*res));
	if (check_opts(opts, err) < 0)
		return -1;
	memset(&c, 0, sizeof(c));
	c.opts = opts;
	c.err = err;
	c.base = opts->base ? opts->base : 0x100000;
	c.t0 = now();
	c.syms.arena = &c.arena;
	rc = run(&c, res);
	lk_debug_finish(&c); /* a failed link's: joined, nothing written */
	res->seconds = now() - c.t0;
	if (rc < 0 && c.written)
		unlink(opts->output); /* a map or report failed after it */
	if (rc < 0) {
		res->error_text = c.error_text;
		c.error_text = NULL;
	}
	cleanup(&c);
	if (rc < 0) {
		free(res->why_text);
		free(res->gc_text);
		res->why_text = res->gc_text = NULL;
		if (err->status == 0)
			err->status = 1;
	}
	return rc;
}

void uk_link_result_free(struct uk_link_result *res)
{
	if (!res)
		return;
	free(res->why_text);
	free(res->gc_text);
	free(res->error_text);
	res->why_text = res->gc_text = res->error_text = NULL;
}
