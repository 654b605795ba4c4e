/* sha256 digests in the OCI form "sha256:<64 lowercase hex>" (libcrypto). */
#ifndef UK_STORE_DIGEST_H
#define UK_STORE_DIGEST_H

#include <pthread.h>
#include <stddef.h>

#ifndef UK_DIGEST_MAX
#define UK_DIGEST_MAX 72 /* "sha256:" + 64 hex + NUL */
#endif

/* An incremental hash; init allocates, final (or free) releases. */
struct uk_sha256 {
	void *ctx; /* EVP_MD_CTX */
	unsigned long long size;
};

int uk_sha256_init(struct uk_sha256 *h);
void uk_sha256_update(struct uk_sha256 *h, const void *buf, size_t len);
void uk_sha256_final(struct uk_sha256 *h, char out[UK_DIGEST_MAX]);
void uk_sha256_free(struct uk_sha256 *h);

/* out = digest of buf[0..len); returns 0, or -1 if libcrypto fails. */
int uk_digest_buf(const void *buf, size_t len, char out[UK_DIGEST_MAX]);

/* A digest of a buffer computed by a second thread, while this one does
 * something else (gzip, a write). start never fails for want of a thread:
 * then the digest is computed in it, before it returns. */
struct uk_digest_job {
	struct uk_sha256 h;
	const void *buf;
	size_t len;
	char out[UK_DIGEST_MAX];
	pthread_t thread;
	int threaded;
};

/* -1 if libcrypto fails; buf must stay valid until join. */
int uk_digest_start(struct uk_digest_job *j, const void *buf, size_t len);
void uk_digest_join(struct uk_digest_job *j, char out[UK_DIGEST_MAX]);

/* 1 if d is "sha256:" followed by exactly 64 lowercase hex digits. */
int uk_digest_valid(const char *d);

/* The hex part of a valid digest. */
const char *uk_digest_hex(const char *d);

#endif
