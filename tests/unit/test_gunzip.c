/* util/gunzip: what util/gzip makes (several members) and gzip files with
 * the header's optional fields read back whole, from a source that hands
 * out pieces of any size; trailing bytes after a member end it; a
 * truncated file, a bad CRC, bad deflate data, bytes that are not gzip,
 * no bytes and a source that fails are each an error that says so. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util/gunzip.h"
#include "util/gzip.h"

/* A compressible run, then noise (xorshift), so members differ. */
static unsigned char *sample(size_t n)
{
	unsigned char *p = malloc(n ? n : 1);
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (size_t i = 0; p && i < n; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		p[i] = (i / 4096) % 3 ? (unsigned char)(i % 61) : (unsigned char)x;
	}
	return p;
}

/* The compressed bytes, piece bytes at a time; fails at fail_at (when
 * not 0) bytes. */
struct src {
	const unsigned char *p;
	size_t len, off, piece, fail_at;
};

static ssize_t next(void *ctx, const void **buf)
{
	struct src *s = ctx;
	size_t n = s->len - s->off < s->piece ? s->len - s->off : s->piece;

	if (s->fail_at && s->off >= s->fail_at)
		return -1;
	*buf = s->p + s->off;
	s->off += n;
	return (ssize_t)n;
}

/* Everything gunzip gives for gz[0..len), read piece bytes at a time
 * (the first piece handed over at the start when first); NULL and *msg
 * on an error. */
static unsigned char *gunzip(const void *gz, size_t len, size_t piece, int first,
			     size_t *got, struct uk_error *err)
{
	struct src s = {.p = gz, .len = len, .piece = piece};
	const void *f = NULL, *out;
	size_t fn = 0, cap = 1 << 20;
	unsigned char *all = malloc(cap);
	struct uk_gunzip *g;
	ssize_t n;

	if (first)
		fn = (size_t)next(&s, &f);
	g = uk_gunzip_new(next, &s, f, fn, err);
	CHECK(g != NULL);
	*got = 0;
	while ((n = uk_gunzip_read(g, &out, err)) > 0) {
		while (*got + (size_t)n > cap)
			all = realloc(all, cap *= 2);
		memcpy(all + *got, out, (size_t)n);
		*got += (size_t)n;
	}
	uk_gunzip_free(g);
	if (n < 0) {
		free(all);
		return NULL;
	}
	return all;
}

static void round_trip(const void *gz, size_t gzlen, const unsigned char *want, size_t n,
		       size_t piece, int first)
{
	struct uk_error err = {0};
	size_t got;
	unsigned char *back = gunzip(gz, gzlen, piece, first, &got, &err);

	if (!back)
		check_fail(__FILE__, __LINE__, "piece %zu: %s", piece, err.msg);
	if (got != n || memcmp(back, want, n))
		check_fail(__FILE__, __LINE__, "piece %zu: %zu bytes back of %zu%s", piece, got,
			   n, got == n ? ", different" : "");
	free(back);
}

/* Three members (util/gzip's cut), read in pieces of 1 MiB, 64 KiB + 3
 * and 7 bytes (the small ones over the first member only, for time). */
static void t_members_read_whole(void)
{
	size_t n = 2 * UK_GZIP_MEMBER + 70001, len;
	unsigned char *in = sample(n);
	void *gz = NULL;
	struct uk_error err = {0};

	CHECK_EQ_INT(uk_gzip(in, n, 1, &gz, &len, &err), 0);
	round_trip(gz, len, in, n, 1 << 20, 0);
	round_trip(gz, len, in, n, 65539, 1);
	free(gz);
	CHECK_EQ_INT(uk_gzip(in, 300000, 1, &gz, &len, &err), 0);
	round_trip(gz, len, in, 300000, 7, 1);
	round_trip(gz, len, in, 300000, 1, 0);
	free(gz);
	free(in);
}

/* A header with a name, a comment, an extra field and a header CRC (as
 * gzip -N and other tools write): the same bytes. */
static void t_header_fields_skipped(void)
{
	size_t n = 100000, len, hl = 0;
	unsigned char *in = sample(n), *gz2, h[64];
	void *gz = NULL;
	struct uk_error err = {0};
	uint32_t crc = 0xffffffffu;

	CHECK_EQ_INT(uk_gzip(in, n, 1, &gz, &len, &err), 0);
	memcpy(h, gz, 10);
	h[3] = 2 | 4 | 8 | 16; /* FHCRC FEXTRA FNAME FCOMMENT */
	hl = 10;
	memcpy(h + hl, "\x04\x00" "abcd", 6), hl += 6;
	memcpy(h + hl, "kernel\0", 7), hl += 7;
	memcpy(h + hl, "made by hand\0", 13), hl += 13;
	for (size_t i = 0; i < hl; i++) { /* CRC-32 of the header, low 16 bits */
		crc ^= h[i];
		for (int k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
	}
	crc ^= 0xffffffffu;
	h[hl++] = (unsigned char)crc;
	h[hl++] = (unsigned char)(crc >> 8);
	gz2 = malloc(len - 10 + hl);
	memcpy(gz2, h, hl);
	memcpy(gz2 + hl, (char *)gz + 10, len - 10);
	round_trip(gz2, len - 10 + hl, in, n, 4096, 0);
	free(gz2);
	free(gz);
	free(in);
}

/* Zeros after the last member end the data there (as libarchive does). */
static void t_trailing_bytes_end_it(void)
{
	size_t n = 200000, len;
	unsigned char *in = sample(n), *gz2;
	void *gz = NULL;
	struct uk_error err = {0};

	CHECK_EQ_INT(uk_gzip(in, n, 1, &gz, &len, &err), 0);
	gz2 = calloc(1, len + 1024);
	memcpy(gz2, gz, len);
	round_trip(gz2, len + 1024, in, n, 5000, 1);
	free(gz2);
	free(gz);
	free(in);
}

/* gz[0..len) must fail with an error holding want. */
static void fails(const void *gz, size_t len, const char *want, int line)
{
	struct uk_error err = {0};
	size_t got;
	unsigned char *back = gunzip(gz, len, 4096, 0, &got, &err);

	if (back || !strstr(err.msg, want))
		check_fail(__FILE__, line, "want an error with '%s', got %s", want,
			   back ? "the data" : err.msg);
	free(back);
}

static void t_bad_data_errors(void)
{
	size_t n = 200000, len;
	unsigned char *in = sample(n), *bad;
	void *gz = NULL;
	struct uk_error err = {0};

	CHECK_EQ_INT(uk_gzip(in, n, 1, &gz, &len, &err), 0);
	bad = malloc(len);
	fails(gz, len - 5, "ends inside member 1", __LINE__);
	fails(gz, 6, "ends inside member 1", __LINE__);
	memcpy(bad, gz, len);
	bad[len - 6] ^= 1; /* the CRC */
	fails(bad, len, "CRC-32 or size check failed", __LINE__);
	memcpy(bad, gz, len);
	bad[len - 2] ^= 1; /* the size */
	fails(bad, len, "CRC-32 or size check failed", __LINE__);
	memcpy(bad, gz, len);
	for (size_t i = len / 2; i < len / 2 + 64; i++)
		bad[i] ^= 0x5a;
	fails(bad, len, "(member 1)", __LINE__);
	memcpy(bad, gz, len);
	bad[2] = 7; /* not deflate */
	fails(bad, len, "another method than deflate", __LINE__);
	fails("just text, not gzip", 19, "not a gzip header", __LINE__);
	fails("", 0, "no data", __LINE__);
	free(bad);
	free(gz);
	free(in);
}

static void t_source_failure_errors(void)
{
	size_t n = 200000, len, got;
	unsigned char *in = sample(n);
	void *gz = NULL;
	struct uk_error err = {0};
	struct uk_gunzip *g;
	struct src s;
	const void *out;
	ssize_t r;

	CHECK_EQ_INT(uk_gzip(in, n, 1, &gz, &len, &err), 0);
	s = (struct src){.p = gz, .len = len, .piece = 1000, .fail_at = 3000};
	CHECK((g = uk_gunzip_new(next, &s, NULL, 0, &err)) != NULL);
	got = 0;
	while ((r = uk_gunzip_read(g, &out, &err)) > 0)
		got += (size_t)r;
	CHECK_EQ_INT(r, -1);
	CHECK(strstr(err.msg, "reading failed") != NULL);
	CHECK(got < n);
	uk_gunzip_free(g);
	free(gz);
	free(in);
}

int main(void)
{
	RUN(t_members_read_whole);
	RUN(t_header_fields_skipped);
	RUN(t_trailing_bytes_end_it);
	RUN(t_bad_data_errors);
	RUN(t_source_failure_errors);
	return check_done();
}
