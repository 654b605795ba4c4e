/* --report FILE: the link as JSON (inputs, entry, kept and removed
 * sections with sizes, totals, link time), written atomically. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linker/internal.h"

static json_t *sec_json(const struct lk_sec *s)
{
	json_t *j = json_object();

	json_object_set_new(j, "input", json_string(s->obj->display));
	json_object_set_new(j, "section", json_string(s->name));
	json_object_set_new(j, "size", json_integer((json_int_t)s->size));
	if (s->live) {
		json_object_set_new(j, "output", json_string(s->osec->name));
		json_object_set_new(j, "address",
				    json_integer((json_int_t)s->addr));
	}
	return j;
}

static void sections(struct lk_ctx *c, json_t *kept, json_t *removed)
{
	struct lk_obj *o;
	uint32_t i;
	size_t k;

	for (o = c->objs; o; o = o->next)
		for (i = 1; i < o->shnum; i++)
			if (o->secs[i].gc_candidate)
				json_array_append_new(o->secs[i].live ? kept
								      : removed,
						      sec_json(&o->secs[i]));
	for (k = 0; k < c->nextra; k++)
		json_array_append_new(c->extra[k]->live ? kept : removed,
				      sec_json(c->extra[k]));
}

/* The image's own files (uk build's section uk_files), 0 when none. */
static uint64_t files_bytes(const struct lk_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nosecs; i++)
		if (!strcmp(c->osecs[i]->name, "uk_files"))
			return c->osecs[i]->size;
	return 0;
}

int lk_write_report(struct lk_ctx *c, const struct uk_link_result *res)
{
	const struct uk_link_opts *op = c->opts;
	json_t *root = json_object(), *in = json_array(), *loaded = json_array();
	json_t *kept = json_array(), *removed = json_array(), *tot, *entry;
	struct lk_obj *o;
	char *tmp;
	size_t i;
	int rc = 0;

	for (i = 0; i < op->ninputs; i++)
		json_array_append_new(in, json_string(op->inputs[i]));
	for (o = c->objs; o; o = o->next)
		json_array_append_new(loaded, json_string(o->display));
	sections(c, kept, removed);
	entry = json_object();
	json_object_set_new(entry, "symbol",
			    json_string(op->entry ? op->entry : "_start"));
	json_object_set_new(entry, "address",
			    json_integer((json_int_t)c->entry_addr));
	tot = json_object();
	json_object_set_new(tot, "kept_sections",
			    json_integer((json_int_t)res->kept_sections));
	json_object_set_new(tot, "kept_bytes",
			    json_integer((json_int_t)res->kept_bytes));
	json_object_set_new(tot, "removed_sections",
			    json_integer((json_int_t)res->removed_sections));
	json_object_set_new(tot, "removed_bytes",
			    json_integer((json_int_t)res->removed_bytes));
	json_object_set_new(tot, "load_bytes",
			    json_integer((json_int_t)res->load_bytes));
	json_object_set_new(tot, "file_bytes",
			    json_integer((json_int_t)res->file_bytes));
	json_object_set_new(tot, "files_bytes",
			    json_integer((json_int_t)files_bytes(c)));
	json_object_set_new(root, "output", json_string(op->output));
	json_object_set_new(root, "base", json_integer((json_int_t)c->base));
	json_object_set_new(root, "entry", entry);
	json_object_set_new(root, "inputs", in);
	json_object_set_new(root, "loaded", loaded);
	json_object_set_new(root, "kept", kept);
	json_object_set_new(root, "removed", removed);
	json_object_set_new(root, "totals", tot);
	json_object_set_new(root, "link_seconds", json_real(res->seconds));

	tmp = lk_xasprintf("%s.tmp%ld", op->report_path, (long)getpid());
	if (json_dump_file(root, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		rc = uk_errorf(c->err, "cannot write report '%s'", tmp);
	else if (rename(tmp, op->report_path) < 0)
		rc = uk_errorf(c->err, "cannot rename '%s' to '%s': %s", tmp,
			       op->report_path, strerror(errno));
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	json_decref(root);
	return rc;
}
