/* Global symbol resolution as GNU ld does it: strong beats weak, COMMON
 * merges to the largest size and beats weak, two strong definitions are a
 * duplicate. Archive members are lazy definitions, extracted when a
 * non-weak undefined reference meets them, whatever the input order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linker/internal.h"

static void enqueue(struct lk_ctx *c, struct lk_obj *m)
{
	if (m->queued || m->loaded)
		return;
	m->queued = 1;
	lk_push(&c->queue, &c->nqueue, &c->capqueue, sizeof(m), &m);
}

static void set_def(struct lk_sym *g, struct lk_obj *o, const Elf64_Sym *s)
{
	g->state = LK_DEFINED;
	g->obj = o;
	g->weak = ELF64_ST_BIND(s->st_info) == STB_WEAK;
	g->is_abs = s->st_shndx == SHN_ABS;
	g->sec = g->is_abs ? NULL : &o->secs[s->st_shndx];
	g->value = s->st_value;
	g->size = s->st_size;
	g->type = ELF64_ST_TYPE(s->st_info);
	g->vis = ELF64_ST_VISIBILITY(s->st_other);
}

static const char *where(const struct lk_sec *s)
{
	return s ? s->name : "*ABS*";
}

static void duplicate(struct lk_ctx *c, struct lk_sym *g, struct lk_obj *o,
		      const Elf64_Sym *s)
{
	c->ndups++;
	lk_append(&c->dup_msgs,
		  "duplicate symbol '%s': defined in %s (section '%s') and in "
		  "%s (section '%s')\n",
		  g->name, g->obj->display, where(g->sec), o->display,
		  s->st_shndx == SHN_ABS ? "*ABS*"
					 : o->secs[s->st_shndx].name);
}

static void add_global(struct lk_ctx *c, struct lk_obj *o, uint32_t i)
{
	const Elf64_Sym *s = &o->syms[i];
	int bind = ELF64_ST_BIND(s->st_info);
	int weak = bind == STB_WEAK;
	struct lk_sym *g = lk_sym_get(&c->syms, lk_sym_name(o, s));
	int undef = s->st_shndx == SHN_UNDEF ||
		    (s->st_shndx < SHN_LORESERVE &&
		     o->secs[s->st_shndx].discarded);

	o->gsyms[i] = g;
	if (undef) {
		g->referenced = 1;
		if (!weak)
			g->strong_ref = 1;
		if (g->state == LK_LAZY && !weak)
			enqueue(c, g->obj);
		return;
	}
	if (s->st_shndx == SHN_COMMON) {
		if (g->state == LK_COMMON) {
			if (s->st_size > g->size)
				g->size = s->st_size;
			if (s->st_value > g->align)
				g->align = s->st_value;
		} else if (g->state != LK_DEFINED || g->weak) {
			g->state = LK_COMMON;
			g->obj = o;
			g->sec = NULL;
			g->weak = 0;
			g->size = s->st_size;
			g->align = s->st_value;
			g->type = STT_OBJECT;
		}
		return;
	}
	switch (g->state) {
	case LK_UNDEF:
	case LK_LAZY:
		set_def(g, o, s);
		break;
	case LK_COMMON:
		if (!weak)
			set_def(g, o, s);
		break;
	case LK_DEFINED:
		if (g->weak && !weak)
			set_def(g, o, s);
		else if (!g->weak && !weak)
			duplicate(c, g, o, s);
		break;
	}
}

int lk_add_object(struct lk_ctx *c, struct lk_obj *o)
{
	uint32_t i;

	if (o->loaded)
		return 0;
	o->loaded = 1;
	if (o->ar_member && !o->display && lk_member_open(c, o) < 0)
		return -1;
	if (lk_obj_load(c, o) < 0)
		return -1;
	o->id = c->objs_last ? c->objs_last->id + 1 : 0;
	if (c->objs_last)
		c->objs_last->next = o;
	else
		c->objs = o;
	c->objs_last = o;
	for (i = o->first_global; i < o->nsyms; i++)
		if (ELF64_ST_BIND(o->syms[i].st_info) != STB_LOCAL)
			add_global(c, o, i);
	return 0;
}

void lk_add_lazy(struct lk_ctx *c, struct lk_sym *g, struct lk_obj *m)
{
	g->state = LK_LAZY;
	g->obj = m;
	if (g->strong_ref)
		enqueue(c, m);
}

int lk_drain_queue(struct lk_ctx *c)
{
	size_t i;

	/* loading a member may queue more; the array grows as we go */
	for (i = 0; i < c->nqueue; i++)
		if (lk_add_object(c, c->queue[i]) < 0)
			return -1;
	c->nqueue = 0;
	return 0;
}

/* Conditional inputs (uk_link_opts.link_if): an anchor joins the link when
 * one of its trigger symbols is defined by a loaded input, and what the
 * anchor pulls in may trigger more, so this runs to a fixed point. */
int lk_apply_link_if(struct lk_ctx *c)
{
	const struct uk_link_opts *op = c->opts;
	int changed = 1;

	while (changed) {
		changed = 0;
		for (size_t i = 0; i < op->nlink_if; i++) {
			const char *rule = op->link_if[i], *eq = strchr(rule, '=');
			struct lk_sym *t, *a;
			char anchor[256];

			if (!eq || (size_t)(eq - rule) >= sizeof(anchor))
				continue;
			t = lk_sym_find(&c->syms, eq + 1);
			if (!t || (t->state != LK_DEFINED && t->state != LK_COMMON))
				continue;
			memcpy(anchor, rule, (size_t)(eq - rule));
			anchor[eq - rule] = 0;
			a = lk_sym_find(&c->syms, anchor);
			if (!a || a->strong_ref)
				continue;
			a->strong_ref = a->referenced = 1;
			if (a->state == LK_LAZY) {
				enqueue(c, a->obj);
				changed = 1;
			}
		}
		if (changed && lk_drain_queue(c) < 0)
			return -1;
	}
	return 0;
}

void lk_define_commons(struct lk_ctx *c)
{
	struct lk_sym *g;

	for (g = c->syms.first; g; g = g->next) {
		struct lk_sec *s;

		if (g->state != LK_COMMON)
			continue;
		s = lk_xcalloc(1, sizeof(*s));
		s->obj = g->obj;
		s->name = "COMMON";
		s->type = SHT_NOBITS;
		s->flags = SHF_ALLOC | SHF_WRITE;
		s->size = g->size;
		s->align = g->align ? g->align : 1;
		s->prio = 65536;
		s->gc_candidate = 1;
		lk_push(&c->extra, &c->nextra, &c->capextra, sizeof(s), &s);
		g->state = LK_DEFINED;
		g->sec = s;
		g->value = 0;
	}
}

/* err->msg holds what fits (then "... and N more"); the whole list goes to
 * c->error_text, which uk_link hands to the caller */
static void compose(struct lk_ctx *c, const char *head, const char *lines)
{
	size_t room = sizeof(c->err->msg) - 64, used, left = 0;
	const char *p, *cut = NULL;

	uk_errorf(c->err, "%s", head);
	used = strlen(head);
	for (p = lines; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);

		if (!cut && used + len > room)
			cut = p;
		if (cut)
			left++;
		else
			used += len;
		p += len;
	}
	snprintf(c->err->msg, sizeof(c->err->msg), "%s\n%.*s", head,
		 (int)((cut ? cut : p) - lines), lines);
	if (left)
		snprintf(c->err->msg + strlen(c->err->msg),
			 sizeof(c->err->msg) - strlen(c->err->msg),
			 "... and %zu more\n", left);
	used = strlen(c->err->msg);
	if (used && c->err->msg[used - 1] == '\n')
		c->err->msg[used - 1] = '\0';
	free(c->error_text);
	c->error_text = lk_xasprintf("%s\n%s", head, lines);
	used = strlen(c->error_text);
	if (used && c->error_text[used - 1] == '\n')
		c->error_text[used - 1] = '\0';
}

int lk_check_resolution(struct lk_ctx *c)
{
	struct lk_sym *g;
	size_t nundef = 0;
	char *list = NULL, *head;

	if (c->dup_msgs)
		lk_append(&list, "%s", c->dup_msgs);
	for (g = c->syms.first; g; g = g->next) {
		if (g->state == LK_DEFINED || !g->live_ref || !g->strong_ref)
			continue;
		nundef++;
		if (!g->ref_obj)
			lk_append(&list, "undefined entry symbol '%s'\n",
				  g->name);
		else
			lk_append(&list,
				  "undefined symbol '%s', referenced by %s "
				  "(section '%s')\n",
				  g->name, g->ref_obj->display, g->ref_sec);
	}
	if (!nundef && !c->ndups) {
		free(list);
		return 0;
	}
	head = lk_xasprintf("%zu undefined symbol%s, %zu duplicate definition%s",
			    nundef, nundef == 1 ? "" : "s", c->ndups,
			    c->ndups == 1 ? "" : "s");
	compose(c, head, list ? list : "");
	free(head);
	free(list);
	if (nundef) {
		char *strays = lk_ar_strays(c);

		uk_hintf(c->err, "add the object or archive that defines the symbol to the "
				 "inputs%s%s", strays ? "; these archive members are not ELF "
				 "objects, so nothing in them was seen: " : "",
			 strays ? strays : "");
		free(strays);
	} else
		uk_hintf(c->err, "remove one of the definitions, or make one "
				 "of them weak");
	return -1;
}

uint64_t lk_sym_addr(const struct lk_sym *s)
{
	if (s->state != LK_DEFINED)
		return 0;
	if (s->is_abs || s->synth || !s->sec)
		return s->value;
	return lk_sec_addr(s->sec, s->value);
}
