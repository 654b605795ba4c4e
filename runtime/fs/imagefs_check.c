/* Every field of the image's files checked before the file system uses
 * them (format in uk/imagefs.h). Offsets are compared by subtraction from
 * bounds already checked, so no sum can wrap. */
#include <uk/imagefs.h>

#include "imagefs_check.h"

#define S_IFMT   0170000
#define S_IFREG  0100000
#define S_IFDIR  0040000
#define S_IFLNK  0120000
#define NAME_MAX 255
#define PATH_MAX 4096

/* The path of e, or 0 if it does not end inside the names area. */
static const char *name_of(const struct uk_imagefs_header *h, const struct uk_imagefs_entry *e)
{
	uint64_t room = h->data_off - h->names_off;
	if (e->name_off >= room)
		return 0;
	const char *s = (const char *)h + h->names_off + e->name_off;
	for (uint64_t i = 0; i < room - e->name_off; i++)
		if (!s[i])
			return s;
	return 0;
}

static const char *path_problem(const char *p)
{
	if (!*p)
		return "empty path";
	if (*p == '/')
		return "path starts with '/'";
	const char *c = p;
	for (;;) {
		const char *e = c;
		while (*e && *e != '/')
			e++;
		uint64_t n = (uint64_t)(e - c);
		if (!n)
			return "empty path component";
		if (c[0] == '.' && (n == 1 || (n == 2 && c[1] == '.')))
			return "'.' or '..' in a path";
		if (n > NAME_MAX)
			return "path component longer than 255 bytes";
		if (!*e)
			return e - p >= PATH_MAX ? "path longer than 4095 bytes" : 0;
		c = e + 1;
	}
}

/* Byte order of a NUL-terminated a against the n bytes at b (no NUL). */
static int compare(const char *a, const char *b, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] ? (unsigned char)a[i] - (unsigned char)b[i] : -1;
	return a[n] ? 1 : 0;
}

static int order(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

/* The index of the entry among [0, n) whose path is the plen bytes at p. */
static int64_t find(const struct uk_imagefs_header *h, uint32_t n, const char *p, uint64_t plen)
{
	const struct uk_imagefs_entry *ents = (const void *)((const char *)h + h->entries_off);
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = compare(name_of(h, &ents[mid]), p, plen);
		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static const char *data_problem(const struct uk_imagefs_header *h, const struct uk_imagefs_entry *e)
{
	uint32_t type = e->mode & S_IFMT;
	if (type == S_IFDIR)
		return e->size ? "directory with data" : 0;
	if (e->data_off < h->data_off || e->data_off > h->size || e->size > h->size - e->data_off)
		return "data outside the data area";
	if (type == S_IFLNK) {
		if (!e->size || e->size >= PATH_MAX)
			return "symlink target empty or longer than 4095 bytes";
		const char *t = (const char *)h + e->data_off;
		for (uint64_t i = 0; i < e->size; i++)
			if (!t[i])
				return "NUL in a symlink target";
	}
	return 0;
}

static const char *entry_problem(const struct uk_imagefs_header *h, uint32_t i, const char **prev)
{
	const struct uk_imagefs_entry *ents = (const void *)((const char *)h + h->entries_off);
	const struct uk_imagefs_entry *e = &ents[i];
	uint32_t type = e->mode & S_IFMT;
	if (type != S_IFREG && type != S_IFDIR && type != S_IFLNK)
		return "file type not regular, directory or symlink";
	if (e->mode & ~(uint32_t)(S_IFMT | 07777))
		return "unknown mode bits";
	const char *p = name_of(h, e), *why;
	if (!p)
		return "name not NUL-terminated inside the names area";
	if ((why = path_problem(p)))
		return why;
	if (*prev && order(*prev, p) >= 0)
		return "paths not sorted or repeated";
	*prev = p;
	const char *slash = 0;
	for (const char *s = p; *s; s++)
		if (*s == '/')
			slash = s;
	if (slash) {
		int64_t parent = find(h, i, p, (uint64_t)(slash - p));
		if (parent < 0 || (ents[parent].mode & S_IFMT) != S_IFDIR)
			return "parent directory not listed before it";
	}
	return data_problem(h, e);
}

const char *uk_imagefs_check(const void *blob, uint64_t len, uint32_t *entry)
{
	const struct uk_imagefs_header *h = blob;
	*entry = UK_IMAGEFS_NO_ENTRY;
	if (len < sizeof(*h))
		return "truncated header";
	for (int i = 0; i < 8; i++)
		if (h->magic[i] != UK_IMAGEFS_MAGIC[i])
			return "bad magic";
	if (h->version != UK_IMAGEFS_VERSION)
		return "unknown version";
	if (h->size < sizeof(*h) || h->size > len)
		return "size past the end of the section";
	if (h->entries_off != sizeof(*h))
		return "entries not right after the header";
	if (h->count > (h->size - sizeof(*h)) / sizeof(struct uk_imagefs_entry))
		return "entries past the end";
	uint64_t entries_end = sizeof(*h) + (uint64_t)h->count * sizeof(struct uk_imagefs_entry);
	if (h->names_off < entries_end || h->names_off > h->data_off || h->data_off > h->size)
		return "names or data area out of order or past the end";
	const char *prev = 0;
	for (uint32_t i = 0; i < h->count; i++) {
		const char *why = entry_problem(h, i, &prev);
		if (why) {
			*entry = i;
			return why;
		}
	}
	return 0;
}
