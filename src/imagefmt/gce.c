/* The Google Compute Engine import format: a gzip'd tar (GNU format)
 * holding one file, disk.raw. GCE wants the disk's size a whole number of
 * GiB, so disk.raw is the disk padded with zeros to the next GiB (they
 * compress to almost nothing). Reproducible: fixed metadata, mtime from
 * SOURCE_DATE_EPOCH (else 0), gzip without name or time. */
#include "util/archive_lazy.h"
#include "util/epoch.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imagefmt/image.h"
#include "util/path.h"

#define GIB (1024ull * 1024 * 1024)


static int fail(struct archive *a, const char *out, struct uk_error *err)
{
	return uk_errorf(err, "cannot write '%s': %s", out, archive_error_string(a));
}

int uk_gce_write(const char *disk, const char *out, struct uk_error *err)
{
	static const unsigned char zeros[65536];
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	char *data = NULL, *tmp = NULL;
	size_t len = 0;
	uint64_t size, left;
	int rc = -1;

	if (!a || !e)
		abort();
	if (uk_read_file(disk, &data, &len, err) != 0)
		goto out;
	size = (len + GIB - 1) / GIB * GIB;
	if (asprintf(&tmp, "%s.tmp.%ld", out, (long)getpid()) < 0)
		abort();
	if (archive_write_set_format_gnutar(a) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_filter_option(a, "gzip", "timestamp", NULL) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_filename(a, tmp) != ARCHIVE_OK) {
		fail(a, out, err);
		goto out;
	}
	archive_entry_set_pathname(e, "disk.raw");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_mtime(e, (time_t)uk_source_date_epoch(), 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_uname(e, "root");
	archive_entry_set_gname(e, "root");
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    archive_write_data(a, data, len) != (la_ssize_t)len) {
		fail(a, out, err);
		goto out;
	}
	for (left = size - len; left > 0;) {
		size_t n = left < sizeof(zeros) ? (size_t)left : sizeof(zeros);

		if (archive_write_data(a, zeros, n) != (la_ssize_t)n) {
			fail(a, out, err);
			goto out;
		}
		left -= n;
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		fail(a, out, err);
		goto out;
	}
	if (rename(tmp, out) != 0) {
		uk_errorf(err, "cannot write '%s': %s", out, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (rc != 0 && tmp)
		unlink(tmp);
	archive_entry_free(e);
	archive_write_free(a);
	free(data);
	free(tmp);
	return rc;
}
