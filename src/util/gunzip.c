#include "util/gunzip.h"

#include <stdint.h>
#include <stdlib.h>

#include "util/isal_lazy.h"

enum { MEMBER_NEXT, IN_MEMBER, ENDED };

struct uk_gunzip {
	uk_gunzip_source source;
	void *ctx;
	const unsigned char *in; /* what source gave and inflate has not taken */
	size_t in_n;
	int source_ended, where;
	unsigned long long members;
	struct inflate_state s;
	unsigned char out[256 << 10];
};

struct uk_gunzip *uk_gunzip_new(uk_gunzip_source source, void *ctx, const void *first,
				size_t n, struct uk_error *err)
{
	struct uk_gunzip *g;

	if (uk_isal_load(err) < 0)
		return NULL;
	if (!(g = malloc(sizeof(*g)))) {
		uk_errorf(err, "out of memory");
		return NULL;
	}
	g->source = source;
	g->ctx = ctx;
	g->in = first;
	g->in_n = n;
	g->source_ended = 0;
	g->where = MEMBER_NEXT;
	g->members = 0;
	uk_isal.inflate_init(&g->s);
	return g;
}

void uk_gunzip_free(struct uk_gunzip *g)
{
	free(g);
}

static const char *why(int rc)
{
	switch (rc) {
	case ISAL_INVALID_WRAPPER:
		return "not a gzip header";
	case ISAL_UNSUPPORTED_METHOD:
		return "compressed with another method than deflate";
	case ISAL_INCORRECT_CHECKSUM:
		return "CRC-32 or size check failed";
	case ISAL_NEED_DICT:
		return "needs a preset dictionary";
	default:
		return "invalid deflate data";
	}
}

/* More input when all that was given is taken; -1 when source failed. */
static int fill(struct uk_gunzip *g)
{
	const void *p;
	ssize_t n;

	if (g->in_n || g->source_ended)
		return 0;
	if ((n = g->source(g->ctx, &p)) < 0)
		return -1;
	if (n == 0)
		g->source_ended = 1;
	g->in = p;
	g->in_n = (size_t)n;
	return 0;
}

ssize_t uk_gunzip_read(struct uk_gunzip *g, const void **out, struct uk_error *err)
{
	for (;;) {
		size_t took, made;
		int rc;

		if (g->where == ENDED)
			return 0;
		if (fill(g) < 0)
			return uk_errorf(err, "gzip: reading failed");
		if (g->where == MEMBER_NEXT) {
			if (!g->in_n || (g->members && g->in[0] != 0x1f)) {
				if (!g->members)
					return uk_errorf(err, "gzip: no data");
				g->where = ENDED; /* what follows is not a member */
				continue;
			}
			uk_isal.inflate_reset(&g->s);
			g->s.crc_flag = ISAL_GZIP; /* header parsed, CRC and size checked */
			g->where = IN_MEMBER;
		}
		g->s.next_in = (uint8_t *)g->in;
		g->s.avail_in = g->in_n > UINT32_MAX ? UINT32_MAX : (uint32_t)g->in_n;
		g->s.next_out = g->out;
		g->s.avail_out = sizeof(g->out);
		rc = uk_isal.inflate(&g->s);
		took = (size_t)(g->s.next_in - g->in);
		made = sizeof(g->out) - g->s.avail_out;
		g->in += took;
		g->in_n -= took;
		if (rc < 0)
			return uk_errorf(err, "gzip: %s (member %llu)", why(rc), g->members + 1);
		if (g->s.block_state == ISAL_BLOCK_FINISH) {
			g->members++;
			g->where = MEMBER_NEXT;
		} else if (!made && !g->in_n && g->source_ended) {
			return uk_errorf(err, "gzip: the data ends inside member %llu",
					 g->members + 1);
		} else if (!made && !took) {
			return uk_errorf(err, "gzip: %s (member %llu)", why(ISAL_INVALID_BLOCK),
					 g->members + 1);
		}
		if (made) {
			*out = g->out;
			return (ssize_t)made;
		}
	}
}
