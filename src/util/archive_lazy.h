/* libarchive, loaded on first use (see util/dynlib.h). Include this instead
 * of <archive.h> and <archive_entry.h>; call uk_archive_load() before the
 * first archive function. The archive_* names below then go through the
 * loaded library; the constructors (archive_read_new, archive_write_new,
 * archive_entry_new) load it themselves and give NULL when it cannot be
 * loaded, so callers need nothing more than their NULL check. A function
 * not listed here is a link error, on purpose: add it to the list and to
 * archive_lazy.c. */
#ifndef UK_UTIL_ARCHIVE_LAZY_H
#define UK_UTIL_ARCHIVE_LAZY_H

#include <archive.h>
#include <archive_entry.h>

#include "util/error.h"

struct uk_archive_fns {
	__typeof__(&archive_entry_clear) entry_clear;
	__typeof__(&archive_entry_filetype) entry_filetype;
	__typeof__(&archive_entry_free) entry_free;
	__typeof__(&archive_entry_hardlink) entry_hardlink;
	__typeof__(&archive_entry_new) entry_new;
	__typeof__(&archive_entry_pathname) entry_pathname;
	__typeof__(&archive_entry_perm) entry_perm;
	__typeof__(&archive_entry_set_filetype) entry_set_filetype;
	__typeof__(&archive_entry_set_gid) entry_set_gid;
	__typeof__(&archive_entry_set_gname) entry_set_gname;
	__typeof__(&archive_entry_set_mtime) entry_set_mtime;
	__typeof__(&archive_entry_set_pathname) entry_set_pathname;
	__typeof__(&archive_entry_set_perm) entry_set_perm;
	__typeof__(&archive_entry_set_size) entry_set_size;
	__typeof__(&archive_entry_set_uid) entry_set_uid;
	__typeof__(&archive_entry_set_uname) entry_set_uname;
	__typeof__(&archive_error_string) error_string;
	__typeof__(&archive_read_data) read_data;
	__typeof__(&archive_read_free) read_free;
	__typeof__(&archive_read_new) read_new;
	__typeof__(&archive_read_next_header) read_next_header;
	__typeof__(&archive_read_open) read_open;
	__typeof__(&archive_read_open_memory) read_open_memory;
	__typeof__(&archive_read_support_filter_gzip) read_support_filter_gzip;
	__typeof__(&archive_read_support_format_raw) read_support_format_raw;
	__typeof__(&archive_read_support_format_tar) read_support_format_tar;
	__typeof__(&archive_write_add_filter_gzip) write_add_filter_gzip;
	__typeof__(&archive_write_close) write_close;
	__typeof__(&archive_write_data) write_data;
	__typeof__(&archive_write_free) write_free;
	__typeof__(&archive_write_header) write_header;
	__typeof__(&archive_write_new) write_new;
	__typeof__(&archive_write_open) write_open;
	__typeof__(&archive_write_open_filename) write_open_filename;
	__typeof__(&archive_write_set_bytes_in_last_block) write_set_bytes_in_last_block;
	__typeof__(&archive_write_set_filter_option) write_set_filter_option;
	__typeof__(&archive_write_set_format_gnutar) write_set_format_gnutar;
	__typeof__(&archive_write_set_format_pax_restricted) write_set_format_pax_restricted;
	__typeof__(&archive_write_add_filter_none) write_add_filter_none;
	__typeof__(&archive_write_set_bytes_per_block) write_set_bytes_per_block;
	__typeof__(&archive_write_set_format_raw) write_set_format_raw;
	__typeof__(&archive_entry_symlink) entry_symlink;
};

extern struct uk_archive_fns uk_archive_fns;

/* An in-memory archive: uk_archive_mem_write is the write callback for
 * archive_write_open(a, &mem, NULL, uk_archive_mem_write, NULL). */
struct uk_archive_mem {
	unsigned char *p;
	size_t len, cap;
	int oom; /* set when a write could not grow the buffer */
};

la_ssize_t uk_archive_mem_write(struct archive *a, void *ctx, const void *buf, size_t len);

/* Loads libarchive once; later calls are free. */
int uk_archive_load(struct uk_error *err);
/* 1 when loaded (loading it now if needed). */
int uk_archive_ready(void);

#ifndef UK_ARCHIVE_LAZY_IMPL
#define archive_entry_clear (uk_archive_fns.entry_clear)
#define archive_entry_filetype (uk_archive_fns.entry_filetype)
#define archive_entry_free (uk_archive_fns.entry_free)
#define archive_entry_hardlink (uk_archive_fns.entry_hardlink)
#define archive_entry_new() (uk_archive_ready() ? uk_archive_fns.entry_new() : NULL)
#define archive_entry_pathname (uk_archive_fns.entry_pathname)
#define archive_entry_perm (uk_archive_fns.entry_perm)
#define archive_entry_set_filetype (uk_archive_fns.entry_set_filetype)
#define archive_entry_set_gid (uk_archive_fns.entry_set_gid)
#define archive_entry_set_gname (uk_archive_fns.entry_set_gname)
#define archive_entry_set_mtime (uk_archive_fns.entry_set_mtime)
#define archive_entry_set_pathname (uk_archive_fns.entry_set_pathname)
#define archive_entry_set_perm (uk_archive_fns.entry_set_perm)
#define archive_entry_set_size (uk_archive_fns.entry_set_size)
#define archive_entry_set_uid (uk_archive_fns.entry_set_uid)
#define archive_entry_set_uname (uk_archive_fns.entry_set_uname)
#define archive_error_string (uk_archive_fns.error_string)
#define archive_read_data (uk_archive_fns.read_data)
#define archive_read_free (uk_archive_fns.read_free)
#define archive_read_new() (uk_archive_ready() ? uk_archive_fns.read_new() : NULL)
#define archive_read_next_header (uk_archive_fns.read_next_header)
#define archive_read_open (uk_archive_fns.read_open)
#define archive_read_open_memory (uk_archive_fns.read_open_memory)
#define archive_read_support_filter_gzip (uk_archive_fns.read_support_filter_gzip)
#define archive_read_support_format_raw (uk_archive_fns.read_support_format_raw)
#define archive_read_support_format_tar (uk_archive_fns.read_support_format_tar)
#define archive_write_add_filter_gzip (uk_archive_fns.write_add_filter_gzip)
#define archive_write_close (uk_archive_fns.write_close)
#define archive_write_data (uk_archive_fns.write_data)
#define archive_write_free (uk_archive_fns.write_free)
#define archive_write_header (uk_archive_fns.write_header)
#define archive_write_new() (uk_archive_ready() ? uk_archive_fns.write_new() : NULL)
#define archive_write_open (uk_archive_fns.write_open)
#define archive_write_open_filename (uk_archive_fns.write_open_filename)
#define archive_write_set_bytes_in_last_block (uk_archive_fns.write_set_bytes_in_last_block)
#define archive_write_set_filter_option (uk_archive_fns.write_set_filter_option)
#define archive_write_set_format_gnutar (uk_archive_fns.write_set_format_gnutar)
#define archive_write_set_format_pax_restricted (uk_archive_fns.write_set_format_pax_restricted)
#define archive_write_add_filter_none (uk_archive_fns.write_add_filter_none)
#define archive_write_set_bytes_per_block (uk_archive_fns.write_set_bytes_per_block)
#define archive_write_set_format_raw (uk_archive_fns.write_set_format_raw)
#define archive_entry_symlink (uk_archive_fns.entry_symlink)
#endif

#endif
