/* --why SYMBOL and --print-gc-sections: explanations built from what the
 * mark phase remembered (the root, or the section and symbol that reached
 * each live section first). */
#include <stdlib.h>
#include <string.h>

#include "linker/internal.h"

static const char *root_label(struct lk_ctx *c, const struct lk_sec *s)
{
	if (s->root && !strcmp(s->root, "entry symbol"))
		return c->opts->entry ? c->opts->entry : "_start";
	return s->name;
}

char *lk_why(struct lk_ctx *c, const char *symbol)
{
	struct lk_sym *g = lk_sym_find(&c->syms, symbol);
	const struct lk_sec *chain[4096], *s;
	char *out = NULL;
	size_t n = 0, i;

	if (!g || g->state != LK_DEFINED) {
		lk_append(&out, "'%s' is not defined by any loaded input\n",
			  symbol);
		return out;
	}
	if (g->synth || g->is_abs || !g->sec) {
		lk_append(&out, "'%s' is %s; nothing keeps it\n", symbol,
			  g->synth ? "defined by the linker" : "absolute");
		return out;
	}
	if (!g->sec->live) {
		lk_append(&out, "'%s' (%s:%s) was removed: no live section "
				"references it\n",
			  symbol, g->obj->display, g->sec->name);
		return out;
	}
	for (s = g->sec; s && n < sizeof(chain) / sizeof(chain[0]); s = s->from)
		chain[n++] = s;
	s = chain[n - 1];
	if (!strcmp(s->root ? s->root : "", "entry symbol"))
		lk_append(&out, "root: entry symbol %s\n", root_label(c, s));
	else
		lk_append(&out, "root: %s %s (%s)\n", s->root ? s->root : "?",
			  s->name, s->obj->display);
	for (i = n - 1; i > 0; i--) {
		const struct lk_sec *a = chain[i], *b = chain[i - 1];
		lk_append(&out, "%s (%s:%s) -> %s (%s:%s)\n",
			  a->via ? a->via : root_label(c, a), a->obj->display,
			  a->name, b->via ? b->via : b->name, b->obj->display,
			  b->name);
	}
	if (chain[0]->via ? strcmp(chain[0]->via, symbol) != 0
			  : strcmp(root_label(c, chain[0]), symbol) != 0)
		lk_append(&out, "%s is defined in %s:%s\n", symbol,
			  g->obj->display, g->sec->name);
	return out;
}

char *lk_gc_text(struct lk_ctx *c)
{
	struct lk_obj *o;
	char *out = NULL;
	uint32_t i;
	size_t k;

	for (o = c->objs; o; o = o->next)
		for (i = 1; i < o->shnum; i++)
			if (o->secs[i].gc_candidate && !o->secs[i].live)
				lk_append(&out,
					  "removing unused section '%s' in "
					  "file '%s'\n",
					  o->secs[i].name, o->display);
	for (k = 0; k < c->nextra; k++)
		if (!c->extra[k]->live)
			lk_append(&out, "removing unused section 'COMMON' in "
					"file '%s'\n",
				  c->extra[k]->obj->display);
	if (!out)
		out = lk_xstrdup("");
	return out;
}
