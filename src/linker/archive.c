/* Inputs: plain objects are mapped and parsed directly. Archives are read
 * with libbfd: its symbol index (armap) gives, for each defined symbol, the
 * member defining it; members become lazy definitions and are opened
 * (bfd_get_elt_at_index, then parsed by input.c from the mapped archive
 * bytes) only when an undefined reference needs them, like ld does. Every
 * member is still checked to be ELF, so a stray file in an archive is an
 * error rather than silently ignored. */
#define PACKAGE "uk"
#define PACKAGE_VERSION "0"
#include <bfd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "linker/internal.h"

static struct lk_obj *new_obj(struct lk_ctx *c, const char *path,
			      const char *member)
{
	struct lk_obj *o = lk_xcalloc(1, sizeof(*o));

	o->path = path;
	if (member) {
		o->member = lk_xstrdup(member);
		o->display = lk_xasprintf("%s(%s)", path, member);
	} else {
		o->display = lk_xstrdup(path);
	}
	lk_push(&c->all, &c->nall, &c->capall, sizeof(o), &o);
	return o;
}

static int bfd_fail(struct lk_ctx *c, const char *path, const char *what)
{
	uk_errorf(c->err, "%s: %s: %s", path, what,
		  bfd_errmsg(bfd_get_error()));
	return uk_hintf(c->err, "check that the archive is a complete ar file "
				"made by 'ar rcs'");
}

/* Checks every member's ar header and ELF magic: GNU ar format, headers
 * of 60 bytes, sizes in decimal, members padded to 2 bytes. */
static int check_members(struct lk_ctx *c, const char *path,
			 const uint8_t *d, size_t size)
{
	const char *longnames = NULL;
	size_t off = 8, nlong = 0;

	while (off < size) {
		char sz[11], name[17];
		unsigned long long len;
		char *end;
		const uint8_t *h = d + off;

		if (size - off < 60 || h[58] != '`' || h[59] != '\n')
			return uk_errorf(c->err, "%s: malformed archive: bad "
					 "member header at offset %zu",
					 path, off);
		memcpy(sz, h + 48, 10);
		sz[10] = '\0';
		len = strtoull(sz, &end, 10);
		if (end == sz || len > size - off - 60)
			return uk_errorf(c->err, "%s: malformed archive: member "
					 "at offset %zu extends past the end",
					 path, off);
		memcpy(name, h, 16);
		name[16] = '\0';
		if (!strncmp(name, "// ", 3)) {
			longnames = (const char *)h + 60;
			nlong = len;
		} else if (name[0] != '/' || (name[1] >= '0' && name[1] <= '9')) {
			if (len < 4 || memcmp(h + 60, ELFMAG, SELFMAG)) {
				char shown[64];
				size_t k = 0;
				const char *src = name;
				size_t max = 16;

				if (name[0] == '/' && longnames) {
					unsigned long lo = strtoul(name + 1, NULL, 10);
					if (lo < nlong) {
						src = longnames + lo;
						max = nlong - lo;
					}
				}
				while (k < max && k < sizeof(shown) - 1 &&
				       src[k] != '/' && src[k] != '\n')
					shown[k] = src[k], k++;
				shown[k] = '\0';
				uk_errorf(c->err, "%s(%s): not an ELF object "
					  "(archive member at offset %zu)",
					  path, shown, off);
				return uk_hintf(c->err, "archives must hold only "
						"ELF64 x86_64 objects; remove "
						"the member with 'ar d'");
			}
		}
		off += 60 + len;
		off += off & 1;
	}
	return 0;
}

struct stub_map {
	uint64_t *keys;
	struct lk_obj **vals;
	size_t cap;
};

static struct lk_obj *stub_for(struct lk_ctx *c, struct stub_map *m,
			       const char *path, bfd *a, symindex idx,
			       uint64_t off)
{
	size_t i = (off * 0x9e3779b97f4a7c15ull >> 20) & (m->cap - 1);
	struct lk_obj *o;

	while (m->vals[i] && m->keys[i] != off)
		i = (i + 1) & (m->cap - 1);
	if (m->vals[i])
		return m->vals[i];
	o = lk_xcalloc(1, sizeof(*o));
	o->path = path;
	o->ar_bfd = a;
	o->ar_index = (long)idx;
	lk_push(&c->all, &c->nall, &c->capall, sizeof(o), &o);
	m->keys[i] = off;
	m->vals[i] = o;
	return o;
}

static int read_archive(struct lk_ctx *c, const char *path,
			const uint8_t *data, size_t size)
{
	static int inited;
	struct stub_map m = { 0 };
	symindex i = BFD_NO_MORE_SYMBOLS;
	carsym *cs;
	size_t n = 0;
	bfd *a;

	if (!inited) {
		bfd_init();
		inited = 1;
	}
	if (!memcmp(data, "!<thin>\n", 8))
		return uk_errorf(c->err, "%s: thin archives are not supported",
				 path);
	if (check_members(c, path, data, size) < 0)
		return -1;
	a = bfd_openr(path, "elf64-x86-64");
	if (!a)
		return bfd_fail(c, path, "cannot open archive");
	lk_push(&c->bfds, &c->nbfds, &c->capbfds, sizeof(a), &a);
	if (!bfd_check_format(a, bfd_archive))
		return bfd_fail(c, path, "malformed archive");
	if (!bfd_has_map(a)) {
		uk_errorf(c->err, "%s: archive has no symbol index", path);
		return uk_hintf(c->err, "run 'ranlib %s' (or make it with "
					"'ar rcs')", path);
	}
	while ((i = bfd_get_next_mapent(a, i, &cs)) != BFD_NO_MORE_SYMBOLS)
		n++;
	m.cap = 64;
	while (m.cap < n * 2)
		m.cap *= 2;
	m.keys = lk_xcalloc(m.cap, sizeof(*m.keys));
	m.vals = lk_xcalloc(m.cap, sizeof(*m.vals));
	i = BFD_NO_MORE_SYMBOLS;
	while ((i = bfd_get_next_mapent(a, i, &cs)) != BFD_NO_MORE_SYMBOLS)
		lk_add_lazy(c, stub_for(c, &m, path, a, i, cs->file_offset),
			    cs->name);
	free(m.keys);
	free(m.vals);
	return 0;
}

int lk_member_open(struct lk_ctx *c, struct lk_obj *o)
{
	bfd *a = o->ar_bfd;
	bfd *m = bfd_get_elt_at_index(a, (symindex)o->ar_index);
	const uint8_t *base = NULL;
	size_t size = 0, k;
	struct stat st;
	uint64_t off;

	if (!m)
		return bfd_fail(c, o->path, "cannot open archive member");
	o->member = lk_xstrdup(bfd_get_filename(m));
	o->display = lk_xasprintf("%s(%s)", o->path, o->member);
	for (k = c->nmaps; k-- > 0;)
		if (!c->maps[k].heap && c->maps[k].path == o->path) {
			base = c->maps[k].p;
			size = c->maps[k].len;
			break;
		}
	if (!base)
		return uk_errorf(c->err, "%s: archive is not mapped", o->path);
	off = (uint64_t)m->origin;
	if (bfd_stat_arch_elt(m, &st) != 0)
		return bfd_fail(c, o->path, "cannot read archive member header");
	if (st.st_size < 0 || off > size || (uint64_t)st.st_size > size - off)
		return uk_errorf(c->err, "%s: archive member extends past the "
				 "end of the archive", o->display);
	o->size = (size_t)st.st_size;
	o->data = base + off;
	if ((uintptr_t)o->data % 8) {
		/* ar aligns members to 2 bytes; ELF structures need 8 */
		uint8_t *copy = malloc(o->size ? o->size : 1);
		struct lk_map mp = { copy, o->size, 1, NULL };

		if (!copy)
			abort();
		memcpy(copy, o->data, o->size);
		lk_push(&c->maps, &c->nmaps, &c->capmaps, sizeof(mp), &mp);
		o->data = copy;
	}
	return lk_obj_parse(c, o);
}

void lk_close_archives(struct lk_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nbfds; i++)
		bfd_close(c->bfds[i]);
	free(c->bfds);
	c->bfds = NULL;
	c->nbfds = 0;
}

int lk_read_input(struct lk_ctx *c, const char *path)
{
	const uint8_t *data;
	size_t size;
	struct lk_obj *o;

	if (lk_map_file(c, path, &data, &size) < 0)
		return -1;
	if (size >= 8 && (!memcmp(data, "!<arch>\n", 8) ||
			  !memcmp(data, "!<thin>\n", 8)))
		return read_archive(c, path, data, size);
	o = new_obj(c, path, NULL);
	o->data = data;
	o->size = size;
	if (lk_obj_parse(c, o) < 0)
		return -1;
	return lk_add_object(c, o);
}
