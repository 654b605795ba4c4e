#define UK_ARCHIVE_LAZY_IMPL
#include "util/archive_lazy.h"

#include <stdlib.h>
#include <string.h>

#include "util/dynlib.h"

struct uk_archive_fns uk_archive_fns;

int uk_archive_load(struct uk_error *err)
{
	static const char *const sonames[] = { "libarchive.so.13", NULL };
	static const char *const names[] = {
		"archive_entry_clear",
		"archive_entry_filetype",
		"archive_entry_free",
		"archive_entry_hardlink",
		"archive_entry_new",
		"archive_entry_pathname",
		"archive_entry_perm",
		"archive_entry_set_filetype",
		"archive_entry_set_gid",
		"archive_entry_set_gname",
		"archive_entry_set_mtime",
		"archive_entry_set_pathname",
		"archive_entry_set_perm",
		"archive_entry_set_size",
		"archive_entry_set_uid",
		"archive_entry_set_uname",
		"archive_error_string",
		"archive_read_data",
		"archive_read_free",
		"archive_read_new",
		"archive_read_next_header",
		"archive_read_open",
		"archive_read_open_memory",
		"archive_read_support_filter_gzip",
		"archive_read_support_format_raw",
		"archive_read_support_format_tar",
		"archive_write_add_filter_gzip",
		"archive_write_close",
		"archive_write_data",
		"archive_write_free",
		"archive_write_header",
		"archive_write_new",
		"archive_write_open",
		"archive_write_open_filename",
		"archive_write_set_bytes_in_last_block",
		"archive_write_set_filter_option",
		"archive_write_set_format_gnutar",
		"archive_write_set_format_pax_restricted",
		"archive_write_add_filter_none",
		"archive_write_set_bytes_per_block",
		"archive_write_set_format_raw",
		"archive_entry_symlink",
	};
	static int loaded;
	/* The struct is the names' pointers in the same order. */
	_Static_assert(sizeof(uk_archive_fns) == sizeof(names), "one slot per name");

	if (loaded)
		return 0;
	if (uk_dynlib_bind(sonames, "libarchive13", names, (void **)&uk_archive_fns,
			   sizeof(names) / sizeof(names[0]), err) != 0)
		return -1;
	loaded = 1;
	return 0;
}

int uk_archive_ready(void)
{
	return uk_archive_load(NULL) == 0;
}

la_ssize_t uk_archive_mem_write(struct archive *a, void *ctx, const void *buf, size_t len)
{
	struct uk_archive_mem *m = ctx;

	(void)a;
	if (m->len + len > m->cap) {
		size_t cap = m->cap ? m->cap : 65536;
		void *p;

		while (cap < m->len + len)
			cap *= 2;
		if (!(p = realloc(m->p, cap))) {
			m->oom = 1;
			return -1;
		}
		m->p = p;
		m->cap = cap;
	}
	memcpy(m->p + m->len, buf, len);
	m->len += len;
	return (la_ssize_t)len;
}
