/* rootfs.diff_ids: the sha256 of a layer's uncompressed tar stream. */
#include "util/archive_lazy.h"

#include "registry/layer.h"

int uk_layer_diff_id(const void *tgz, size_t len, char out[UK_DIGEST_MAX],
		     struct uk_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct uk_sha256 h;
	char buf[65536];
	la_ssize_t n;
	int rc = 0;

	if (!a || uk_sha256_init(&h) < 0) {
		archive_read_free(a);
		return uk_errorf(err, "out of memory");
	}
	archive_read_support_filter_gzip(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_memory(a, tgz, len) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		rc = uk_errorf(err, "reading the layer: %s", archive_error_string(a));
	} else {
		while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
			uk_sha256_update(&h, buf, (size_t)n);
		if (n < 0)
			rc = uk_errorf(err, "reading the layer: %s",
				       archive_error_string(a));
	}
	uk_sha256_final(&h, out);
	archive_read_free(a);
	return rc;
}
