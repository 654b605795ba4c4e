/* util/gzip: gzip members of UK_GZIP_MEMBER input bytes, read back with
 * libarchive (as uk pull and uk run read layers), the same bytes every
 * time, a stored (level 0) gzip no bigger than the data and framing. */
#include <archive.h>
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
		round_trip(sizes[i], 0);
		round_trip(sizes[i], 1);
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

/* Stored: the data plus gzip's framing (5 bytes a 64 KiB block, 18 a
 * member), never recompressed. */
static void t_stored_adds_only_framing(void)
{
	size_t n = UK_GZIP_MEMBER + 100000, len;
	unsigned char *in = sample(n, 1);
	void *gz = NULL;
	struct uk_error err = {0};

	CHECK_EQ_INT(uk_gzip(in, n, 0, &gz, &len, &err), 0);
	CHECK(len > n && len < n + n / 1000 + 2 * 18);
	free(gz);
	free(in);
}

int main(void)
{
	RUN(t_round_trip_around_member_sizes);
	RUN(t_same_bytes_every_time);
	RUN(t_stored_adds_only_framing);
	return check_done();
}
