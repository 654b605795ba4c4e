/* Pushing a tree from a layout: blobs, then manifests by digest, then the
 * top document under its tag. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry/remote.h"
#include "store/layout.h"
#include "util/path.h"

#define BLOB_MAX (4ull << 30)

/* The blob's bytes, its size checked: mapped from the file (no copy, and
 * no 64 MiB of fresh memory to fault in for a big layer), else read.
 * *mapped says which, for release_blob. Not hashed here: the registry
 * checks the digest of what it receives and refuses a mismatch, and
 * hashing a big layer twice would double the cost of a push. */
static int read_blob(const char *root, const struct uk_descriptor *d,
		     char **buf, int *mapped, struct uk_error *err)
{
	int fd = uk_layout_open_blob(root, d->digest, err);
	struct stat st;
	size_t off = 0;
	char *p;

	*mapped = 0;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (unsigned long long)st.st_size != d->size || d->size > BLOB_MAX) {
		close(fd);
		uk_errorf(err, "blob %s in the store '%s' is not %llu bytes", d->digest,
			  root, d->size);
		return uk_hintf(err, "the store is damaged; run 'uk gc' and pack or "
				     "pull the artifact again");
	}
	if (d->size > 0 &&
	    (p = mmap(NULL, d->size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0)) !=
		    MAP_FAILED) {
		close(fd);
		*buf = p;
		*mapped = 1;
		return 0;
	}
	if (!(p = malloc(d->size + 1))) {
		close(fd);
		return uk_errorf(err, "out of memory");
	}
	while (off < d->size) {
		ssize_t n = read(fd, p + off, d->size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	if (off != d->size) {
		free(p);
		return uk_errorf(err, "cannot read blob %s from the store '%s'",
				 d->digest, root);
	}
	*buf = p;
	return 0;
}

static void release_blob(char *buf, int mapped, unsigned long long size)
{
	if (mapped)
		munmap(buf, size);
	else
		free(buf);
}

/* Where blobs went: <root>/cache/pushed/<hex> lists "host repo" lines, so
 * a later push of the same blob to another repository of that registry
 * can mount it instead of uploading it. Best effort: a read-only store
 * simply remembers nothing. */
#define PUSHED_MAX 8

static char *pushed_path(const char *root, const char *digest)
{
	char *p;

	if (asprintf(&p, "%s/cache/pushed/%s", root, uk_digest_hex(digest)) < 0)
		return NULL;
	return p;
}

/* A repository of c's registry, other than c's, that has the blob. */
static char *mount_source(const struct uk_client *c, const char *root,
			  const char *digest)
{
	char *path = pushed_path(root, digest), host[300], repo[300], *from = NULL;
	FILE *f = path ? fopen(path, "r") : NULL;

	while (f && !from && fscanf(f, "%299s %299s", host, repo) == 2)
		if (!strcmp(host, c->host) && strcmp(repo, c->repo))
			from = strdup(repo);
	if (f)
		fclose(f);
	free(path);
	return from;
}

static void remember(const struct uk_client *c, const char *root,
		     const char *digest)
{
	char *path = pushed_path(root, digest), line[620], old[620], *text = NULL;
	struct uk_error ignored = {0};
	size_t len = 0;
	int kept = 0;
	FILE *f;

	if (!path)
		return;
	snprintf(line, sizeof(line), "%s %s\n", c->host, c->repo);
	if (!(text = strdup(line)))
		goto out;
	len = strlen(text);
	f = fopen(path, "r");
	while (f && fgets(old, sizeof(old), f) && kept < PUSHED_MAX - 1) {
		char *t;

		if (!strcmp(old, line) || !(t = realloc(text, len + strlen(old) + 1)))
			continue;
		text = t;
		memcpy(text + len, old, strlen(old) + 1);
		len += strlen(old);
		kept++;
	}
	if (f)
		fclose(f);
	*strrchr(path, '/') = '\0';
	if (uk_mkdirs(path, &ignored) == 0) {
		path[strlen(path)] = '/';
		uk_write_file_unsynced(path, text, len, 0644, &ignored); /* a cache */
	}
out:
	free(text);
	free(path);
}

static int push_blob(struct uk_client *c, const char *root,
		     const struct uk_descriptor *d, const char *mount_from,
		     struct uk_error *err)
{
	char *buf = NULL, *from = NULL;
	int exists, rc, mapped;

	/* Streamed while it was packed (push_stream.c): there already. */
	if (uk_client_sent(c, d->digest)) {
		remember(c, root, d->digest);
		return 0;
	}
	/* HEAD first: a blob the registry has is not even read. */
	if (uk_client_blob_exists(c, d->digest, d->size, &exists, err) < 0)
		return -1;
	if (exists) {
		c->stats.blobs_skipped++;
		remember(c, root, d->digest);
		return 0;
	}
	if (read_blob(root, d, &buf, &mapped, err) < 0)
		return -1;
	if (!mount_from)
		mount_from = from = mount_source(c, root, d->digest);
	rc = uk_client_upload_blob(c, buf, (size_t)d->size, d->digest, mount_from, err);
	if (rc == 0)
		remember(c, root, d->digest);
	free(from);
	release_blob(buf, mapped, d->size);
	return rc;
}

static int put_doc(struct uk_client *c, const char *root,
		   const char *media_type, const char *digest,
		   unsigned long long size, const char *tag,
		   struct uk_error *err)
{
	char *buf;
	size_t len;
	int rc;

	if (uk_layout_read_blob(root, digest, (long long)size, UK_LAYOUT_DOC_MAX,
				&buf, &len, err) < 0)
		return -1;
	rc = uk_client_push_manifest(c, tag ? tag : digest, media_type, buf, len,
				     err);
	free(buf);
	return rc;
}

static int push_manifest(struct uk_client *c, const char *root,
			 const char *digest, unsigned long long size,
			 const char *tag, const char *mount_from,
			 struct uk_error *err)
{
	struct uk_oci_manifest m;
	size_t i;
	int rc;

	if (uk_oci_manifest_read(root, digest, (long long)size, &m, err) < 0)
		return -1;
	rc = push_blob(c, root, &m.config, mount_from, err);
	for (i = 0; i < m.nlayers && rc == 0; i++)
		rc = push_blob(c, root, &m.layers[i], mount_from, err);
	uk_oci_manifest_free(&m);
	if (rc == 0)
		rc = put_doc(c, root, UK_MT_MANIFEST, digest, size, tag, err);
	return rc;
}

static int push_index(struct uk_client *c, const char *root,
		      const char *digest, unsigned long long size,
		      const char *tag, const char *mount_from,
		      struct uk_error *err)
{
	char *buf, why[128];
	size_t len, i;
	json_t *j, *e;
	int rc = 0;

	if (uk_layout_read_blob(root, digest, (long long)size, UK_LAYOUT_DOC_MAX,
				&buf, &len, err) < 0)
		return -1;
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
	free(buf);
	if (!json_is_array(json_object_get(j, "manifests")))
		rc = uk_errorf(err, "index %s in the store '%s' has no manifests",
			       digest, root);
	json_array_foreach(json_object_get(j, "manifests"), i, e) {
		struct uk_descriptor d;

		if (rc < 0)
			break;
		if (uk_descriptor_parse(e, &d, why, sizeof(why)) < 0)
			rc = uk_errorf(err, "index %s: manifests[%zu]: %s", digest, i, why);
		else if (strcmp(d.media_type, UK_MT_MANIFEST))
			rc = uk_errorf(err, "index %s: manifests[%zu] is %s; uk pushes "
					    "OCI image manifests only", digest, i,
				       d.media_type);
		else
			rc = push_manifest(c, root, d.digest, d.size, NULL, mount_from,
					   err);
	}
	json_decref(j);
	if (rc == 0)
		rc = put_doc(c, root, UK_MT_INDEX, digest, size, tag, err);
	return rc;
}

int uk_push_tree(struct uk_client *c, const char *root, const char *media_type,
		 const char *digest, unsigned long long size, const char *tag,
		 const char *mount_from, struct uk_error *err)
{
	if (!strcmp(media_type, UK_MT_INDEX))
		return push_index(c, root, digest, size, tag, mount_from, err);
	if (!strcmp(media_type, UK_MT_MANIFEST))
		return push_manifest(c, root, digest, size, tag, mount_from, err);
	return uk_errorf(err, "%s in the store '%s' is %s; uk pushes OCI image "
			      "indexes and manifests", digest, root, media_type);
}
