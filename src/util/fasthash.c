/* XXH64 as its specification describes it; two seeds make 128 bits. */
#include "util/fasthash.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL
#define P3 0x165667B19E3779F9ULL
#define P4 0x85EBCA77C2B2AE63ULL
#define P5 0x27D4EB2F165667C5ULL

static uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* Little-endian loads, whatever the alignment. */
static uint64_t rd64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t round64(uint64_t acc, uint64_t lane)
{
	acc += lane * P2;
	acc = rotl(acc, 31);
	return acc * P1;
}

static uint64_t merge(uint64_t acc, uint64_t v)
{
	acc ^= round64(0, v);
	return acc * P1 + P4;
}

uint64_t uk_xxh64(const void *buf, size_t len, uint64_t seed)
{
	const unsigned char *p = buf, *end = p + len;
	uint64_t acc;

	if (len >= 32) {
		uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;

		for (; end - p >= 32; p += 32) {
			v1 = round64(v1, rd64(p));
			v2 = round64(v2, rd64(p + 8));
			v3 = round64(v3, rd64(p + 16));
			v4 = round64(v4, rd64(p + 24));
		}
		acc = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
		acc = merge(acc, v1);
		acc = merge(acc, v2);
		acc = merge(acc, v3);
		acc = merge(acc, v4);
	} else {
		acc = seed + P5;
	}
	acc += (uint64_t)len;
	for (; end - p >= 8; p += 8) {
		acc ^= round64(0, rd64(p));
		acc = rotl(acc, 27) * P1 + P4;
	}
	if (end - p >= 4) {
		acc ^= (uint64_t)rd32(p) * P1;
		acc = rotl(acc, 23) * P2 + P3;
		p += 4;
	}
	for (; p < end; p++) {
		acc ^= (uint64_t)*p * P5;
		acc = rotl(acc, 11) * P1;
	}
	acc ^= acc >> 33;
	acc *= P2;
	acc ^= acc >> 29;
	acc *= P3;
	acc ^= acc >> 32;
	return acc;
}

void uk_fasthash_hex(const void *buf, size_t len, char out[UK_FASTHASH_HEX])
{
	uint64_t a = uk_xxh64(buf, len, 0), b = uk_xxh64(buf, len, P5 ^ (uint64_t)len);

	snprintf(out, UK_FASTHASH_HEX, "%016llx%016llx", (unsigned long long)a,
		 (unsigned long long)b);
}

void uk_hashbuf_add(struct uk_hashbuf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 256;
		b->data = realloc(b->data, b->cap);
		if (!b->data)
			abort();
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
}

void uk_hashbuf_str(struct uk_hashbuf *b, const char *s)
{
	uk_hashbuf_add(b, s ? s : "", strlen(s ? s : "") + 1);
}

void uk_hashbuf_hex(struct uk_hashbuf *b, char out[UK_FASTHASH_HEX])
{
	uk_fasthash_hex(b->data ? b->data : "", b->len, out);
}

void uk_hashbuf_free(struct uk_hashbuf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

int uk_fasthash_file(const char *path, char out[UK_FASTHASH_HEX])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *map;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	if (st.st_size == 0) {
		close(fd);
		uk_fasthash_hex("", 0, out);
		return 0;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -1;
	uk_fasthash_hex(map, (size_t)st.st_size, out);
	munmap(map, (size_t)st.st_size);
	return 0;
}
