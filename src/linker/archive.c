/* Inputs: plain objects are mapped and parsed directly; archives are walked
 * with libbfd, which gives each member's name and offset, and each member
 * is then parsed by input.c from the mapped archive bytes. Members become
 * lazy definitions: they are loaded only when an undefined reference needs
 * them (symbols.c). */
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

static int add_member(struct lk_ctx *c, const char *path, const uint8_t *base,
		      size_t size, bfd *m)
{
	struct stat st;
	const char *name = bfd_get_filename(m);
	uint64_t off = (uint64_t)m->origin;
	struct lk_obj *o;

	if (bfd_stat_arch_elt(m, &st) != 0)
		return bfd_fail(c, path, "cannot read archive member header");
	if (st.st_size < 0 || off > size || (uint64_t)st.st_size > size - off)
		return uk_errorf(c->err, "%s(%s): archive member extends past "
				 "the end of the archive", path,
				 name ? name : "?");
	o = new_obj(c, path, name ? name : "?");
	o->size = (size_t)st.st_size;
	o->data = base + off;
	if ((uintptr_t)o->data % 8) {
		/* ar aligns members to 2 bytes; ELF structures need 8 */
		uint8_t *copy = malloc(o->size ? o->size : 1);
		struct lk_map mp = { copy, o->size, 1 };

		if (!copy)
			abort();
		memcpy(copy, o->data, o->size);
		lk_push(&c->maps, &c->nmaps, &c->capmaps, sizeof(mp), &mp);
		o->data = copy;
	}
	if (lk_obj_parse(c, o) < 0)
		return -1;
	return lk_add_lazy(c, o);
}

static int read_archive(struct lk_ctx *c, const char *path,
			const uint8_t *data, size_t size)
{
	static int inited;
	bfd *a, *m, *prev = NULL;
	int rc = 0;

	if (!inited) {
		bfd_init();
		inited = 1;
	}
	if (size >= 8 && !memcmp(data, "!<thin>\n", 8))
		return uk_errorf(c->err, "%s: thin archives are not supported",
				 path);
	a = bfd_openr(path, "elf64-x86-64");
	if (!a)
		return bfd_fail(c, path, "cannot open archive");
	if (!bfd_check_format(a, bfd_archive)) {
		bfd_fail(c, path, "malformed archive");
		bfd_close(a);
		return -1;
	}
	for (;;) {
		bfd_set_error(bfd_error_no_error);
		m = bfd_openr_next_archived_file(a, prev);
		if (!m) {
			if (bfd_get_error() != bfd_error_no_more_archived_files &&
			    bfd_get_error() != bfd_error_no_error)
				rc = bfd_fail(c, path, "malformed archive");
			break;
		}
		if (add_member(c, path, data, size, m) < 0) {
			rc = -1;
			break;
		}
		prev = m;
	}
	bfd_close(a);
	return rc;
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
