/* Reading a manifest into a small node tree with positions. libyaml's event
 * parser is used rather than its document loader so that aliases are never
 * expanded (a "billion laughs" file costs nothing), nesting is bounded, and
 * every node keeps the line and column of its first character. */
#include "manifest/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

void mf_tree_free(struct ynode *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->n; i++)
		mf_tree_free(n->kid[i]);
	free(n->kid);
	free(n->s);
	free(n);
}

static struct ynode *node_new(enum ynode_kind kind, yaml_mark_t m)
{
	struct ynode *n = mf_alloc(sizeof(*n));

	n->kind = kind;
	n->line = (unsigned)m.line + 1;
	n->col = (unsigned)m.column + 1;
	return n;
}

static void node_add(struct ynode *parent, struct ynode *kid)
{
	if (parent->n == parent->cap) {
		parent->cap = parent->cap ? parent->cap * 2 : 4;
		parent->kid = mf_realloc(parent->kid,
					 parent->cap * sizeof(*parent->kid));
	}
	parent->kid[parent->n++] = kid;
}

/* libyaml's reader reports a byte offset, not a mark. */
static void offset_pos(const char *buf, size_t len, size_t off,
		       unsigned *line, unsigned *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && i < len; i++) {
		unsigned char b = (unsigned char)buf[i];

		if (b == '\n') {
			(*line)++;
			*col = 1;
		} else if ((b & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

/* Whether line `line` (1-based) has a tab before its first other
 * character: the usual cause of "cannot start any token". */
static bool tab_indented(const char *buf, size_t len, unsigned line)
{
	size_t i = 0;
	unsigned l = 1;

	while (i < len && l < line)
		if (buf[i++] == '\n')
			l++;
	for (; i < len && (buf[i] == ' ' || buf[i] == '\t'); i++)
		if (buf[i] == '\t')
			return true;
	return false;
}

/* libyaml says what it was doing ("while parsing a flow sequence"); say
 * what is missing instead, where that is clear. */
static void hint_context(struct uk_diag *d, const char *context,
			 unsigned line, unsigned col)
{
	if (strstr(context, "flow sequence"))
		mf_hint(d, "the list opened at line %u, column %u needs ',' "
			   "between items and a closing ']'",
			line, col);
	else if (strstr(context, "flow mapping"))
		mf_hint(d, "the mapping opened at line %u, column %u needs "
			   "',' between entries and a closing '}'",
			line, col);
	else if (strstr(context, "quoted scalar"))
		mf_hint(d, "the quote at line %u, column %u is not closed",
			line, col);
	else if (strstr(context, "simple key"))
		mf_hint(d, "the key at line %u, column %u needs a ':' after "
			   "it",
			line, col);
	else
		mf_hint(d, "%s at line %u, column %u", context, line, col);
}

static void syntax_error(struct mctx *c, yaml_parser_t *p, const char *buf,
			 size_t len)
{
	const char *problem = p->problem ? p->problem : "cannot parse";
	struct uk_diag *d;
	unsigned line, col;

	if (p->error == YAML_MEMORY_ERROR) {
		mf_diag(c, 0, 0, "out of memory while parsing");
		return;
	}
	if (p->error == YAML_READER_ERROR) {
		offset_pos(buf, len, p->problem_offset, &line, &col);
		d = mf_diag(c, line, col, "syntax error: %s", problem);
		mf_hint(d, "a manifest is UTF-8 text; this looks like binary "
			   "data");
		return;
	}
	line = (unsigned)p->problem_mark.line + 1;
	col = (unsigned)p->problem_mark.column + 1;
	d = mf_diag(c, line, col, "syntax error: %s", problem);
	if (tab_indented(buf, len, line))
		mf_hint(d, "indent with spaces: YAML does not allow tabs");
	else if (strstr(problem, "mapping values are not allowed"))
		mf_hint(d, "check the indentation of this line, or quote a "
			   "value that contains ': '");
	else if (p->context)
		hint_context(d, p->context, (unsigned)p->context_mark.line + 1,
			     (unsigned)p->context_mark.column + 1);
}

struct builder {
	struct ynode *root;
	struct ynode *stack[MF_MAX_DEPTH + 1];
	size_t depth;
	size_t nodes;
	int docs;
};

/* Adds the node for one event. Returns -1 to stop (after a diagnostic). */
static int on_event(struct mctx *c, struct builder *b, yaml_event_t *ev)
{
	struct ynode *n = NULL;
	char q[MF_QBUF];

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->docs > 1) {
			struct uk_diag *d = mf_diag(
				c, (unsigned)ev->start_mark.line + 1,
				(unsigned)ev->start_mark.column + 1,
				"only one document is allowed");
			mf_hint(d, "remove the second '---' and what follows");
			return -1;
		}
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (b->depth > 0)
			b->depth--;
		return 0;
	case YAML_ALIAS_EVENT:
		n = node_new(YN_ALIAS, ev->start_mark);
		mf_hint(mf_diag_at(c, n, "aliases are not supported"),
			"write the value out instead of '*%s'",
			mf_q((const char *)ev->data.alias.anchor, q, sizeof(q)));
		break;
	case YAML_SCALAR_EVENT:
		n = node_new(YN_SCALAR, ev->start_mark);
		n->s = mf_alloc(ev->data.scalar.length + 1);
		memcpy(n->s, ev->data.scalar.value, ev->data.scalar.length);
		n->has_nul = memchr(ev->data.scalar.value, 0,
				    ev->data.scalar.length) != NULL;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		break;
	case YAML_SEQUENCE_START_EVENT:
		n = node_new(YN_SEQ, ev->start_mark);
		break;
	case YAML_MAPPING_START_EVENT:
		n = node_new(YN_MAP, ev->start_mark);
		break;
	default:
		return 0;
	}

	if (++b->nodes > MF_MAX_NODES) {
		mf_diag_at(c, n, "too many values (more than %d)",
			   MF_MAX_NODES);
		mf_tree_free(n);
		return -1;
	}
	if (b->depth == 0) {
		/* Only one root per document; a second cannot happen. */
		mf_tree_free(b->root);
		b->root = n;
	} else {
		node_add(b->stack[b->depth - 1], n);
	}
	if (n->kind == YN_SEQ || n->kind == YN_MAP) {
		if (b->depth == MF_MAX_DEPTH) {
			mf_diag_at(c, n, "nesting is too deep (more than %d "
					 "levels)",
				   MF_MAX_DEPTH);
			return -1;
		}
		b->stack[b->depth++] = n;
	}
	return 0;
}

int mf_tree_parse(struct mctx *c, const char *buf, size_t len,
		  struct ynode **root)
{
	struct builder b;
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = 0, done = 0;

	memset(&b, 0, sizeof(b));
	*root = NULL;
	if (!yaml_parser_initialize(&p))
		abort();
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			syntax_error(c, &p, buf, len);
			rc = -1;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = on_event(c, &b, &ev);
		yaml_event_delete(&ev);
		if (rc)
			break;
	}
	yaml_parser_delete(&p);
	if (rc) {
		mf_tree_free(b.root);
		return -1;
	}
	if (!b.root || mf_is_null(b.root)) {
		mf_hint(mf_diag(c, 0, 0, "file is empty"),
			"a manifest needs at least 'spec', 'name' and "
			"'sources'");
		mf_tree_free(b.root);
		return -1;
	}
	if (b.root->kind != YN_MAP) {
		/* An alias at the top was reported already. */
		if (b.root->kind != YN_ALIAS)
			mf_hint(mf_diag_at(c, b.root,
					   "the top level must be a mapping, "
					   "not %s",
					   mf_kind(b.root)),
				"write one 'key: value' per line, like "
				"'name: hello'");
		mf_tree_free(b.root);
		return -1;
	}
	*root = b.root;
	return 0;
}

int mf_tree_load(struct mctx *c, struct ynode **root, bool *io)
{
	size_t len = 0, cap = 4096;
	char *buf;
	struct stat st;
	int fd, rc;

	*io = false;
	*root = NULL;
	fd = open(c->file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		int e = fd < 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : errno;

		if (fd >= 0)
			close(fd);
		mf_diag(c, 0, 0, "cannot read: %s", strerror(e));
		*io = true;
		return -1;
	}
	buf = mf_alloc(cap);
	for (;;) {
		ssize_t r;

		if (len == cap) {
			if (cap > MF_MAX_BYTES)
				break;
			cap *= 2;
			buf = mf_realloc(buf, cap);
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			close(fd);
			free(buf);
			mf_diag(c, 0, 0, "cannot read: %s", strerror(e));
			*io = true;
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (len > MF_MAX_BYTES) {
		free(buf);
		mf_hint(mf_diag(c, 0, 0, "file is too large (more than %u "
					 "bytes)",
				MF_MAX_BYTES),
			"is this really a manifest?");
		return -1;
	}
	rc = mf_tree_parse(c, buf, len, root);
	free(buf);
	return rc;
}

bool mf_is_null(const struct ynode *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (!n || n->kind != YN_SCALAR || !n->plain)
		return false;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(n->s, nulls[i]) == 0)
			return true;
	return false;
}

static bool looks_numeric(const char *s)
{
	bool digit = false;

	if (*s == '-' || *s == '+')
		s++;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if (*s != '.' && *s != '_')
			return false;
	}
	return digit;
}

const char *mf_kind(const struct ynode *n)
{
	switch (n->kind) {
	case YN_SEQ:
		return "a list";
	case YN_MAP:
		return "a mapping";
	case YN_ALIAS:
		return "an alias";
	case YN_SCALAR:
		break;
	}
	if (mf_is_null(n))
		return "null";
	if (n->plain && looks_numeric(n->s))
		return "a number";
	return "a string";
}
