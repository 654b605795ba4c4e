/* util/gzip: gzip members of UK_GZIP_MEMBER input bytes, read back with
 * libarchive (as uk pull and uk run read layers), the same bytes every
 * time, noise stored (no bigger than the data and framing), levels
 * that would not give the same bytes on every CPU refused; the
 * streamed form (uk push's upload) gives the same bytes member by member,
 * from input that is still being written too, and stops on a failure. */
#include <archive.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util/gzip.h"

/* n bytes: a compressible run then noise (xorshift), so members differ */
static unsigned char *sample(size_t n, int noise_only)
{
	unsigned char *p = malloc(n ? n : 1);
	uint64_t x = 0x9e3779b97f4a7c15ull;
	size_t i;

	for (i = 0; p && i < n; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		p[i] = noise_only || (i / 4096) % 2 ? (unsigned char)x : (unsigned char)(i % 61);
	}
	return p;
}

/* The gzip's content through libarchive's gzip filter and raw format. */
static unsigned char *gunzip(const void *gz, size_t len, size_t want, size_t *got)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	unsigned char *out = malloc(want + 1);
	la_ssize_t n;

	*got = 0;
	archive_read_support_filter_gzip(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_memory(a, gz, len) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		archive_read_free(a);
		free(out);
		return NULL;
	}
	while ((n = archive_read_data(a, out + *got, want + 1 - *got)) > 0)
		*got += (size_t)n;
	archive_read_free(a);
	return n < 0 ? (free(out), NULL) : out;
}

static void round_trip(size_t n, int level)
{
	unsigned char *in = sample(n, 0), *back;
	void *gz = NULL;
	size_t gzlen, got;
	struct uk_error err = {0};

	CHECK(in != NULL);
	CHECK_EQ_INT(uk_gzip(in, n, level, &gz, &gzlen, &err), 0);
	/* header: gzip, deflate, no flags, no timestamp */
	CHECK(gzlen >= 18 && !memcmp(gz, "\x1f\x8b\x08\x00\x00\x00\x00\x00", 8));
	/* libarchive's raw format has no entry for an empty stream (a layer's
	 * tar never is): the trailer says 0 bytes, CRC 0 */
	if (n == 0) {
		CHECK(!memcmp((char *)gz + gzlen - 8, "\0\0\0\0\0\0\0\0", 8));
		free(gz);
		free(in);
		return;
	}
	back = gunzip(gz, gzlen, n, &got);
	if (!back || got != n || memcmp(back, in, n))
		check_fail(__FILE__, __LINE__, "%zu bytes at level %d: %zu back%s", n,
			   level, got, back ? ", different" : ", unreadable");
	free(back);
	free(gz);
	free(in);
}

static void t_round_trip_around_member_sizes(void)
{
	const size_t sizes[] = { 0, 1, 70000, UK_GZIP_MEMBER - 1, UK_GZIP_MEMBER,
				 UK_GZIP_MEMBER + 1, 2 * UK_GZIP_MEMBER + 4097 };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (int level = 0; level <= UK_GZIP_MAX_LEVEL; level++)
			round_trip(sizes[i], level);
	}
}

/* Three members (two threads), twice: the same bytes. */
static void t_same_bytes_every_time(void)
{
	size_t n = 2 * UK_GZIP_MEMBER + 12345, l1, l2;
	unsigned char *in = sample(n, 0);
	void *a = NULL, *b = NULL;
	struct uk_error err = {0};

	CHECK_EQ_INT(uk_gzip(in, n, 1, &a, &l1, &err), 0);
	CHECK_EQ_INT(uk_gzip(in, n, 1, &b, &l2, &err), 0);
	CHECK_EQ_INT(l1, l2);
	CHECK(!memcmp(a, b, l1));
	/* and compressed: the input is half runs */
	CHECK(l1 < n * 3 / 4);
	free(a);
	free(b);
	free(in);
}

/* Noise is stored: the data plus gzip's framing (5 bytes a 64 KiB block,
 * 18 a member), at each level. */
static void t_noise_adds_only_framing(void)
{
	size_t n = UK_GZIP_MEMBER + 100000, len;
	unsigned char *in = sample(n, 1);
	void *gz = NULL;
	struct uk_error err = {0};

	for (int level = 0; level <= UK_GZIP_MAX_LEVEL; level++) {
		CHECK_EQ_INT(uk_gzip(in, n, level, &gz, &len, &err), 0);
		CHECK(len > n && len < n + n / 1000 + 2 * 18);
		free(gz);
	}
	free(in);
}

/* Level 3 is refused (igzip's bytes differ between CPUs there), and so is
 * one below 0. */
static void t_levels_outside_refused(void)
{
	unsigned char in[64] = {0};
	void *gz = (void *)1;
	size_t len = 1;
	struct uk_error err = {0};

	CHECK_EQ_INT(uk_gzip(in, sizeof(in), UK_GZIP_MAX_LEVEL + 1, &gz, &len, &err), -1);
	CHECK(strstr(err.msg, "same bytes on every CPU") != NULL);
	CHECK(gz == NULL && len == 0);
	CHECK_EQ_INT(uk_gzip(in, sizeof(in), -1, &gz, &len, &err), -1);
}

/* A sink that collects what it is handed, in order. */
struct collect {
	unsigned char *p;
	size_t len, calls, ends, fail_at;
	int after_end;
};

static int collect(void *ctx, const void *buf, size_t n, struct uk_error *err)
{
	struct collect *c = ctx;

	if (c->ends)
		c->after_end = 1;
	if (!buf) {
		c->ends++;
		return 0;
	}
	if (++c->calls == c->fail_at)
		return uk_errorf(err, "the sink failed");
	c->p = realloc(c->p, c->len + n);
	memcpy(c->p + c->len, buf, n);
	c->len += n;
	return 0;
}

/* Input written by another thread, 1 MiB at a time, told under a lock. */
struct growing {
	const unsigned char *src;
	unsigned char *p;
	size_t len, ready;
	int done, fail;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static void *grow(void *arg)
{
	struct growing *g = arg;
	size_t off = 0;

	while (off < g->len) {
		size_t n = g->len - off < (1u << 20) ? g->len - off : (1u << 20);

		memcpy(g->p + off, g->src + off, n);
		off += n;
		pthread_mutex_lock(&g->mu);
		g->ready = off;
		pthread_cond_broadcast(&g->cv);
		pthread_mutex_unlock(&g->mu);
	}
	pthread_mutex_lock(&g->mu);
	g->done = 1;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

static size_t grown(void *arg, size_t want)
{
	struct growing *g = arg;
	size_t got;

	pthread_mutex_lock(&g->mu);
	while (!g->done && g->ready < want)
		pthread_cond_wait(&g->cv, &g->mu);
	got = g->fail && g->done ? UK_GZIP_FAILED : g->ready;
	pthread_mutex_unlock(&g->mu);
	return got;
}

/* Streamed, from a whole buffer and from one being written: the bytes
 * uk_gzip makes, one sink call a member, then the end. */
static void t_stream_same_bytes_as_whole(void)
{
	const size_t sizes[] = { 0, 70000, UK_GZIP_MEMBER, 3 * UK_GZIP_MEMBER + 4097 };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i], wlen, members = n ? (n + UK_GZIP_MEMBER - 1) / UK_GZIP_MEMBER : 1;
		unsigned char *in = sample(n, 0);
		void *whole = NULL;
		struct uk_error err = {0};
		struct collect a = {0}, b = {0};
		struct uk_gzip_input flat = {.p = in, .len = n};
		struct growing g = {.src = in, .len = n};
		struct uk_gzip_input slow;
		pthread_t t;

		CHECK_EQ_INT(uk_gzip(in, n, 1, &whole, &wlen, &err), 0);
		CHECK_EQ_INT(uk_gzip_stream(&flat, 1, collect, &a, &err), 0);
		CHECK(a.len == wlen && !memcmp(a.p, whole, wlen));
		CHECK(a.calls == members && a.ends == 1 && !a.after_end);
		/* room for more than comes: the end is where the writer stops */
		g.p = malloc(n + UK_GZIP_MEMBER);
		pthread_mutex_init(&g.mu, NULL);
		pthread_cond_init(&g.cv, NULL);
		slow = (struct uk_gzip_input){.p = g.p, .len = n + UK_GZIP_MEMBER, .ready = grown,
					      .ctx = &g};
		CHECK_EQ_INT(pthread_create(&t, NULL, grow, &g), 0);
		CHECK_EQ_INT(uk_gzip_stream(&slow, 1, collect, &b, &err), 0);
		pthread_join(t, NULL);
		CHECK(b.len == wlen && !memcmp(b.p, whole, wlen));
		CHECK(b.calls == members && b.ends == 1);
		pthread_cond_destroy(&g.cv);
		pthread_mutex_destroy(&g.mu);
		free(g.p);
		free(a.p);
		free(b.p);
		free(whole);
		free(in);
	}
}

/* A failing sink stops the stream (its error is the one returned), and
 * input that fails to be made fails it; the end call comes either way. */
static void t_stream_stops_on_failure(void)
{
	size_t n = 3 * UK_GZIP_MEMBER;
	unsigned char *in = sample(n, 0);
	struct uk_error err = {0};
	struct collect c = {.fail_at = 2};
	struct uk_gzip_input flat = {.p = in, .len = n};
	struct growing g = {.src = in, .len = n, .fail = 1};
	struct uk_gzip_input broken;
	pthread_t t;

	CHECK_EQ_INT(uk_gzip_stream(&flat, 0, collect, &c, &err), -1);
	CHECK_CONTAINS(err.msg, "the sink failed");
	CHECK(c.calls == 2 && c.ends == 1);
	free(c.p);
	memset(&c, 0, sizeof(c));
	memset(&err, 0, sizeof(err));
	g.p = malloc(n);
	pthread_mutex_init(&g.mu, NULL);
	pthread_cond_init(&g.cv, NULL);
	broken = (struct uk_gzip_input){.p = g.p, .len = n, .ready = grown, .ctx = &g};
	CHECK_EQ_INT(pthread_create(&t, NULL, grow, &g), 0);
	CHECK_EQ_INT(uk_gzip_stream(&broken, 0, collect, &c, &err), -1);
	pthread_join(t, NULL);
	CHECK(err.msg[0] != '\0' && c.ends == 1);
	pthread_cond_destroy(&g.cv);
	pthread_mutex_destroy(&g.mu);
	free(g.p);
	free(c.p);
	free(in);
}

int main(void)
{
	RUN(t_round_trip_around_member_sizes);
	RUN(t_same_bytes_every_time);
	RUN(t_noise_adds_only_framing);
	RUN(t_levels_outside_refused);
	RUN(t_stream_same_bytes_as_whole);
	RUN(t_stream_stops_on_failure);
	return check_done();
}
