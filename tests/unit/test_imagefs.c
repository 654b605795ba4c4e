/* The image's files as uk build packs them (src/imagefmt/imagefs.h), read
 * back through the runtime's own definitions (runtime/include/uk/imagefs.h):
 * both headers are compiled here and must agree field by field. Then the
 * reader uk inspect uses, on every truncation and on broken fields, and
 * the object that carries the blob to the linker. */
#include "check.h"

#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "../../runtime/include/uk/imagefs.h"
#include "imagefmt/imagefs.h"
#include "imagefmt/secobj.h"

#define SAME(a, b, f)                                                                  \
	_Static_assert(offsetof(struct a, f) == offsetof(struct b, f) &&               \
			       sizeof(((struct a *)0)->f) == sizeof(((struct b *)0)->f), \
		       #f " differs between host and runtime")
SAME(ukf_header, uk_imagefs_header, magic);
SAME(ukf_header, uk_imagefs_header, version);
SAME(ukf_header, uk_imagefs_header, count);
SAME(ukf_header, uk_imagefs_header, size);
SAME(ukf_header, uk_imagefs_header, entries_off);
SAME(ukf_header, uk_imagefs_header, names_off);
SAME(ukf_header, uk_imagefs_header, data_off);
SAME(ukf_entry, uk_imagefs_entry, name_off);
SAME(ukf_entry, uk_imagefs_entry, mode);
SAME(ukf_entry, uk_imagefs_entry, uid);
SAME(ukf_entry, uk_imagefs_entry, gid);
SAME(ukf_entry, uk_imagefs_entry, mtime);
SAME(ukf_entry, uk_imagefs_entry, data_off);
SAME(ukf_entry, uk_imagefs_entry, size);
_Static_assert(sizeof(struct ukf_header) == sizeof(struct uk_imagefs_header), "header");
_Static_assert(sizeof(struct ukf_entry) == sizeof(struct uk_imagefs_entry), "entry");
_Static_assert(UKF_VERSION == UK_IMAGEFS_VERSION, "version");

static struct ukf_item item(const char *path, uint32_t mode, const char *data)
{
	struct ukf_item it = { (char *)path, mode, (unsigned char *)data,
			       data ? strlen(data) : 0 };
	return it;
}

/* Given in no order, with folders missing above them. */
static const struct ukf_item *sample(size_t *n)
{
	static struct ukf_item v[6];

	v[0] = item("srv/www/index.html", S_IFREG | 0644, "<h1>hi</h1>\n");
	v[1] = item("etc/app.conf", S_IFREG | 0600, "port = 8080\n");
	v[2] = item("srv/www", S_IFDIR | 0750, NULL);
	v[3] = item("srv/www/home.html", S_IFLNK | 0777, "index.html");
	v[4] = item("etc/empty", S_IFREG | 0644, NULL);
	v[5] = item("srv-x", S_IFREG | 0755, "#!");
	*n = 6;
	return v;
}

static void t_headers_agree(void)
{
	CHECK_EQ_STR(UKF_MAGIC, UK_IMAGEFS_MAGIC);
	CHECK_EQ_STR(UKF_SECTION, UK_IMAGEFS_SECTION);
}

/* Read with the runtime's structs, as the guest does. */
static void t_pack_read_by_runtime_layout(void)
{
	static const char *const want[] = { "etc",	  "etc/app.conf",	 "etc/empty",
					    "srv",	  "srv-x",		 "srv/www",
					    "srv/www/home.html", "srv/www/index.html" };
	size_t n, len;
	const struct ukf_item *v = sample(&n);
	unsigned char *blob;
	const struct uk_imagefs_header *h;
	const struct uk_imagefs_entry *e;

	CHECK_EQ_INT(ukf_pack(v, n, 1700000000, &blob, &len, NULL), 0);
	h = (const void *)blob;
	CHECK(memcmp(h->magic, UK_IMAGEFS_MAGIC, 8) == 0);
	CHECK_EQ_INT(h->version, UK_IMAGEFS_VERSION);
	CHECK_EQ_INT(h->count, 8);
	CHECK_EQ_INT(h->size, len);
	CHECK_EQ_INT(len % 8, 0);
	CHECK_EQ_INT(h->entries_off, sizeof(*h));
	CHECK_EQ_INT(h->names_off, sizeof(*h) + 8 * sizeof(*e));
	CHECK_EQ_INT(h->data_off % 8, 0);
	CHECK(h->data_off >= h->names_off && h->data_off <= h->size);
	e = (const void *)(blob + h->entries_off);
	for (uint32_t i = 0; i < h->count; i++) {
		const char *p = (const char *)blob + h->names_off + e[i].name_off;

		CHECK_EQ_STR(p, want[i]);
		CHECK_EQ_INT(e[i].uid, 0);
		CHECK_EQ_INT(e[i].gid, 0);
		CHECK_EQ_INT(e[i].mtime, 1700000000);
		CHECK(e[i].data_off >= h->data_off && e[i].data_off + e[i].size <= h->size);
		if (e[i].size)
			CHECK_EQ_INT(e[i].data_off % 8, 0);
		if ((e[i].mode & S_IFMT) == S_IFDIR)
			CHECK_EQ_INT(e[i].size, 0);
	}
	/* The folders uk added, and the modes it was given. */
	CHECK_EQ_INT(e[0].mode, S_IFDIR | 0755);
	CHECK_EQ_INT(e[3].mode, S_IFDIR | 0755);
	CHECK_EQ_INT(e[5].mode, S_IFDIR | 0750);
	CHECK_EQ_INT(e[1].mode, S_IFREG | 0600);
	CHECK_EQ_INT(e[6].mode, S_IFLNK | 0777);
	CHECK_EQ_INT(e[6].size, 10);
	CHECK(memcmp(blob + e[6].data_off, "index.html", 10) == 0);
	CHECK_EQ_INT(e[1].size, 12);
	CHECK(memcmp(blob + e[1].data_off, "port = 8080\n", 12) == 0);
	CHECK_EQ_INT(e[2].size, 0);
	free(blob);
}

static void t_pack_reproducible(void)
{
	struct ukf_item r[6];
	unsigned char *a, *b;
	size_t n, la, lb;
	const struct ukf_item *v = sample(&n);

	for (size_t i = 0; i < n; i++)
		r[i] = v[n - 1 - i];
	CHECK_EQ_INT(ukf_pack(v, n, 0, &a, &la, NULL), 0);
	CHECK_EQ_INT(ukf_pack(r, n, 0, &b, &lb, NULL), 0);
	CHECK_EQ_INT(la, lb);
	CHECK(memcmp(a, b, la) == 0);
	free(a);
	free(b);
}

static void t_pack_refusals(void)
{
	struct ukf_item twice[2] = { item("a", S_IFREG | 0644, "x"),
				     item("a", S_IFREG | 0644, "y") };
	struct ukf_item under[2] = { item("a", S_IFREG | 0644, "x"),
				     item("a/b", S_IFREG | 0644, "y") };
	struct uk_error err = { 0 };
	unsigned char *b;
	size_t len;

	CHECK_EQ_INT(ukf_pack(twice, 2, 0, &b, &len, &err), -1);
	CHECK_CONTAINS(err.msg, "'/a' is packed twice");
	CHECK(b == NULL);
	memset(&err, 0, sizeof(err));
	CHECK_EQ_INT(ukf_pack(under, 2, 0, &b, &len, &err), -1);
	CHECK_CONTAINS(err.msg, "'/a/b' is below '/a', which is not a folder");
	CHECK_EQ_INT(ukf_pack(NULL, 0, 0, &b, &len, NULL), 0);
	CHECK_EQ_INT(len, sizeof(struct ukf_header));
	free(b);
}

static void t_list_roundtrip(void)
{
	struct ukf_listed *l;
	unsigned char *blob;
	size_t n, len, nl;
	const struct ukf_item *v = sample(&n);

	CHECK_EQ_INT(ukf_pack(v, n, 7, &blob, &len, NULL), 0);
	CHECK_EQ_INT(ukf_list(blob, len, &l, &nl, NULL), 0);
	CHECK_EQ_INT(nl, 8);
	CHECK_EQ_STR(l[7].path, "srv/www/index.html");
	CHECK_EQ_INT(l[7].size, 12);
	CHECK(memcmp(l[7].data, "<h1>hi</h1>\n", 12) == 0);
	CHECK_EQ_INT(l[7].mtime, 7);
	free(l);
	free(blob);
}

/* Every prefix of a blob, and blobs with one field broken: refused or
 * listed, never read outside (ASan watches each copy). */
static void t_list_broken(void)
{
	static const size_t fields[] = { 8, 12, 16, 24, 32, 40, 48, 56, 72, 80 };
	struct ukf_listed *l;
	unsigned char *blob, *c;
	size_t n, len, nl;
	const struct ukf_item *v = sample(&n);

	CHECK_EQ_INT(ukf_pack(v, n, 0, &blob, &len, NULL), 0);
	for (size_t cut = 0; cut < len; cut++) {
		c = malloc(cut ? cut : 1);
		memcpy(c, blob, cut);
		if (ukf_list(c, cut, &l, &nl, NULL) == 0)
			free(l);
		free(c);
	}
	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
		for (int bit = 0; bit < 64; bit += 7) {
			c = malloc(len);
			memcpy(c, blob, len);
			c[fields[f] + (size_t)bit / 8] ^= (unsigned char)(1u << (bit % 8));
			if (ukf_list(c, len, &l, &nl, NULL) == 0) {
				for (size_t i = 0; i < nl; i++)
					CHECK(l[i].path >= (char *)c && l[i].path < (char *)c + len);
				free(l);
			}
			free(c);
		}
	{
		struct uk_error err = { 0 };

		c = malloc(len);
		memcpy(c, blob, len);
		c[0] = 'X';
		CHECK_EQ_INT(ukf_list(c, len, &l, &nl, &err), -1);
		CHECK_CONTAINS(err.msg, "does not start with UKFILES1");
		free(c);
	}
	free(blob);
}

/* The object carries the blob as an allocated, retained, read-only section
 * that the image reader finds by name. */
static void t_section_object(void)
{
	static const char data[] = "UKFILES1 and more";
	struct ukf_image im = { 0 };
	struct uk_error err = { 0 };
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	unsigned char *o;
	size_t len;
	int found = 0;

	uk_secobj_make("uk_files", data, sizeof(data), 8, &o, &len);
	eh = (const void *)o;
	CHECK(memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0);
	CHECK_EQ_INT(eh->e_type, ET_REL);
	CHECK_EQ_INT(eh->e_machine, EM_X86_64);
	CHECK(eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(*sh) <= len);
	sh = (const void *)(o + eh->e_shoff);
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		const char *name = (const char *)o + sh[eh->e_shstrndx].sh_offset + sh[i].sh_name;

		if (strcmp(name, "uk_files"))
			continue;
		found = 1;
		CHECK_EQ_INT(sh[i].sh_type, SHT_PROGBITS);
		CHECK_EQ_INT(sh[i].sh_flags, SHF_ALLOC | (1u << 21));
		CHECK_EQ_INT(sh[i].sh_addralign, 8);
		CHECK_EQ_INT(sh[i].sh_offset % 8, 0);
		CHECK_EQ_INT(sh[i].sh_size, sizeof(data));
		CHECK(memcmp(o + sh[i].sh_offset, data, sizeof(data)) == 0);
	}
	CHECK(found);
	/* A global symbol over the bytes, for a component's link_if rule. */
	found = 0;
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		const Elf64_Sym *y = (const void *)(o + sh[i].sh_offset);
		const char *str = (const char *)o + sh[sh[i].sh_link].sh_offset;

		if (sh[i].sh_type != SHT_SYMTAB)
			continue;
		CHECK_EQ_INT(sh[i].sh_size / sizeof(*y), 3);
		CHECK_EQ_INT(sh[i].sh_info, 2);
		CHECK_EQ_STR(str + y[2].st_name, "uk_files");
		CHECK_EQ_INT(ELF64_ST_BIND(y[2].st_info), STB_GLOBAL);
		CHECK_EQ_INT(ELF64_ST_TYPE(y[2].st_info), STT_OBJECT);
		CHECK_EQ_INT(y[2].st_size, sizeof(data));
		CHECK_EQ_STR((const char *)o + sh[eh->e_shstrndx].sh_offset +
				     sh[y[2].st_shndx].sh_name,
			     "uk_files");
		found = 1;
	}
	CHECK(found);
	/* Not a valid blob inside: the reader says so and names the file. */
	CHECK_EQ_INT(ukf_image_parse(o, len, "obj", &im, &err), -1);
	CHECK_CONTAINS(err.msg, "obj");
	free(im.v);
	free(o);
}

static void t_image_without_files(void)
{
	struct ukf_image im = { 0 };
	unsigned char *o;
	size_t len;

	uk_secobj_make("other", "x", 1, 1, &o, &len);
	CHECK_EQ_INT(ukf_image_parse(o, len, "obj", &im, NULL), 0);
	CHECK_EQ_INT(im.section_bytes, 0);
	CHECK_EQ_INT(im.n, 0);
	/* Truncated section headers are an error, not "no files". */
	CHECK_EQ_INT(ukf_image_parse(o, len - 1, "obj", &im, NULL), -1);
	free(o);
}

int main(void)
{
	RUN(t_headers_agree);
	RUN(t_pack_read_by_runtime_layout);
	RUN(t_pack_reproducible);
	RUN(t_pack_refusals);
	RUN(t_list_roundtrip);
	RUN(t_list_broken);
	RUN(t_section_object);
	RUN(t_image_without_files);
	return check_done();
}
