/* Finding the image's files in a kernel: section uk_files by name, every
 * section header offset checked against the file before use. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "imagefmt/imagefs.h"
#include "util/path.h"

static int fits(uint64_t off, uint64_t len, uint64_t total)
{
	return off <= total && len <= total - off;
}

/* Where section name is in the file: *off and *size, or *size 0 when
 * there is none. -1 only for a malformed file. */
static int find_section(const unsigned char *b, size_t len, const char *name, const char *file,
			uint64_t *off, uint64_t *size, struct uk_error *err)
{
	Elf64_Ehdr eh;
	Elf64_Shdr str, sh;

	*size = 0;
	*off = 0;
	if (len < sizeof(eh) || memcmp(b, ELFMAG, SELFMAG) != 0)
		return uk_errorf(err, "'%s' is not an ELF file", file);
	memcpy(&eh, b, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64)
		return uk_errorf(err, "'%s' is not an ELF64 file", file);
	if (eh.e_shnum == 0)
		return 0;
	if (eh.e_shentsize != sizeof(sh) ||
	    !fits(eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(sh), len) ||
	    eh.e_shstrndx >= eh.e_shnum)
		return uk_errorf(err, "'%s': section headers lie outside the file", file);
	memcpy(&str, b + eh.e_shoff + (uint64_t)eh.e_shstrndx * sizeof(sh), sizeof(str));
	if (!fits(str.sh_offset, str.sh_size, len))
		return uk_errorf(err, "'%s': the section name table lies outside the file", file);
	for (unsigned i = 1; i < eh.e_shnum; i++) {
		size_t n = strlen(name) + 1;

		memcpy(&sh, b + eh.e_shoff + (uint64_t)i * sizeof(sh), sizeof(sh));
		if (sh.sh_name >= str.sh_size || str.sh_size - sh.sh_name < n ||
		    memcmp(b + str.sh_offset + sh.sh_name, name, n) != 0)
			continue;
		if (sh.sh_type != SHT_PROGBITS || !fits(sh.sh_offset, sh.sh_size, len))
			return uk_errorf(err, "'%s': section %s lies outside the file", file, name);
		*off = sh.sh_offset;
		*size = sh.sh_size;
		return 0;
	}
	return 0;
}

int ukf_image_parse(const unsigned char *buf, size_t len, const char *name,
		    struct ukf_image *im, struct uk_error *err)
{
	uint64_t off, size;

	if (find_section(buf, len, UKF_SECTION, name, &off, &size, err) != 0)
		return -1;
	im->section_bytes = size;
	if (size == 0)
		return 0;
	if (ukf_list(buf + off, (size_t)size, &im->v, &im->n, err) != 0)
		return uk_error_wrap(err, "'%s'", name);
	for (size_t i = 0; i < im->n; i++)
		im->data_bytes += im->v[i].size;
	return 0;
}

int ukf_image_load(const char *path, struct ukf_image *im, struct uk_error *err)
{
	char *data;
	size_t len;

	memset(im, 0, sizeof(*im));
	if (uk_read_file(path, &data, &len, err) != 0)
		return -1;
	im->file = (unsigned char *)data;
	im->file_len = len;
	if (ukf_image_parse(im->file, len, path, im, err) != 0) {
		ukf_image_free(im);
		return -1;
	}
	return 0;
}

void ukf_image_free(struct ukf_image *im)
{
	free(im->file);
	free(im->v);
	memset(im, 0, sizeof(*im));
}
