#include "store/digest.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "util/dynlib.h"

/* libcrypto is loaded on first use (util/dynlib.h): `uk link` and most
 * commands never hash, and loading it costs 0.7 ms at every start. */
static struct {
	__typeof__(&EVP_MD_CTX_new) md_ctx_new;
	__typeof__(&EVP_MD_CTX_free) md_ctx_free;
	__typeof__(&EVP_DigestInit_ex) init;
	__typeof__(&EVP_DigestUpdate) update;
	__typeof__(&EVP_DigestFinal_ex) final;
	__typeof__(&EVP_sha256) sha256;
} crypto;

static int crypto_ready(void)
{
	static const char *const sonames[] = { "libcrypto.so.3", NULL };
	static const char *const names[] = {
		"EVP_MD_CTX_new",  "EVP_MD_CTX_free",    "EVP_DigestInit_ex",
		"EVP_DigestUpdate", "EVP_DigestFinal_ex", "EVP_sha256",
	};
	static int loaded;

	_Static_assert(sizeof(crypto) == sizeof(names), "one slot per name");
	if (!loaded && uk_dynlib_bind(sonames, "libssl3", names, (void **)&crypto,
				      sizeof(names) / sizeof(names[0]), NULL) == 0)
		loaded = 1;
	return loaded;
}

int uk_sha256_init(struct uk_sha256 *h)
{
	EVP_MD_CTX *ctx;

	h->ctx = NULL;
	h->size = 0;
	if (!crypto_ready())
		return -1;
	ctx = crypto.md_ctx_new();
	if (!ctx)
		return -1;
	if (crypto.init(ctx, crypto.sha256(), NULL) != 1) {
		crypto.md_ctx_free(ctx);
		return -1;
	}
	h->ctx = ctx;
	return 0;
}

void uk_sha256_update(struct uk_sha256 *h, const void *buf, size_t len)
{
	if (len == 0)
		return;
	crypto.update(h->ctx, buf, len);
	h->size += len;
}

void uk_sha256_final(struct uk_sha256 *h, char out[UK_DIGEST_MAX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	crypto.final(h->ctx, md, &n);
	memcpy(out, "sha256:", 7);
	for (i = 0; i < n && i < 32; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
	out[7 + 64] = '\0';
	uk_sha256_free(h);
}

void uk_sha256_free(struct uk_sha256 *h)
{
	if (h->ctx)
		crypto.md_ctx_free(h->ctx);
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

static void *digest_run(void *arg)
{
	struct uk_digest_job *j = arg;

	uk_sha256_update(&j->h, j->buf, j->len);
	uk_sha256_final(&j->h, j->out);
	return NULL;
}

int uk_digest_start(struct uk_digest_job *j, const void *buf, size_t len)
{
	/* libcrypto is loaded here, in the caller's thread. */
	if (uk_sha256_init(&j->h) < 0)
		return -1;
	j->buf = buf;
	j->len = len;
	j->threaded = pthread_create(&j->thread, NULL, digest_run, j) == 0;
	if (!j->threaded)
		digest_run(j);
	return 0;
}

void uk_digest_join(struct uk_digest_job *j, char out[UK_DIGEST_MAX])
{
	if (j->threaded)
		pthread_join(j->thread, NULL);
	j->threaded = 0;
	memcpy(out, j->out, UK_DIGEST_MAX);
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
