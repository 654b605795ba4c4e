#include "registry/digest.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

int uk_sha256_init(struct uk_sha256 *h)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	h->ctx = NULL;
	h->size = 0;
	if (!ctx)
		return -1;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return -1;
	}
	h->ctx = ctx;
	return 0;
}

void uk_sha256_update(struct uk_sha256 *h, const void *buf, size_t len)
{
	if (len == 0)
		return;
	EVP_DigestUpdate(h->ctx, buf, len);
	h->size += len;
}

void uk_sha256_final(struct uk_sha256 *h, char out[UK_DIGEST_MAX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	EVP_DigestFinal_ex(h->ctx, md, &n);
	memcpy(out, "sha256:", 7);
	for (i = 0; i < n && i < 32; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
	out[7 + 64] = '\0';
	uk_sha256_free(h);
}

void uk_sha256_free(struct uk_sha256 *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

int uk_digest_buf(const void *buf, size_t len, char out[UK_DIGEST_MAX])
{
	struct uk_sha256 h;

	if (uk_sha256_init(&h) < 0)
		return -1;
	uk_sha256_update(&h, buf, len);
	uk_sha256_final(&h, out);
	return 0;
}

int uk_digest_valid(const char *d)
{
	size_t i;

	if (!d || strncmp(d, "sha256:", 7) != 0)
		return 0;
	for (i = 0; i < 64; i++) {
		char c = d[7 + i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
	}
	return d[7 + 64] == '\0';
}

const char *uk_digest_hex(const char *d)
{
	return d + 7;
}
