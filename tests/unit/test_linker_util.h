/* Helpers for the linker's unit tests: assemble small inputs with `as`,
 * link them with uk_link, and read back symbols and bytes of the output. */
#ifndef UK_TEST_LINKER_UTIL_H
#define UK_TEST_LINKER_UTIL_H

#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "linker/linker.h"

static char tl_dir[256];

static void tl_setup(void)
{
	if (tl_dir[0])
		return;
	snprintf(tl_dir, sizeof(tl_dir), "/tmp/uk-test-linker.XXXXXX");
	if (!mkdtemp(tl_dir))
		abort();
}

static void tl_cleanup(void)
{
	char cmd[300];

	if (!tl_dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tl_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tl_dir);
}

/* Path of NAME in the test folder (a static buffer among a few). */
static const char *tl_path(const char *name)
{
	static char bufs[128][512];
	static int k;
	char *b = bufs[k++ % 128];

	tl_setup();
	snprintf(b, 512, "%s/%s", tl_dir, name);
	return b;
}

static void tl_write(const char *name, const void *data, size_t n)
{
	FILE *f = fopen(tl_path(name), "wb");

	if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0)
		check_fail(__FILE__, __LINE__, "cannot write %s", name);
}

/* Assembles SRC into NAME.o; returns the .o path. */
static const char *tl_as(const char *name, const char *src)
{
	char s[128], cmd[1400];

	snprintf(s, sizeof(s), "%s.s", name);
	tl_write(s, src, strlen(src));
	snprintf(cmd, sizeof(cmd), "as --64 -o '%s' '%s' 2>&1",
		 tl_path(name), tl_path(s));
	if (system(cmd) != 0)
		check_fail(__FILE__, __LINE__, "as failed for %s", name);
	return tl_path(name);
}

static const char *tl_ar(const char *name, const char *const *members,
			 size_t n)
{
	char cmd[4096];
	size_t len;

	len = (size_t)snprintf(cmd, sizeof(cmd), "rm -f '%s' && ar rcs '%s'",
			       tl_path(name), tl_path(name));
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, " '%s'",
					members[i]);
	if (system(cmd) != 0)
		check_fail(__FILE__, __LINE__, "ar failed for %s", name);
	return tl_path(name);
}

struct tl_out {
	uint8_t *d;
	size_t n;
};

static void tl_read(const char *path, struct tl_out *o)
{
	FILE *f = fopen(path, "rb");
	long n;

	o->d = NULL;
	o->n = 0;
	if (!f)
		check_fail(__FILE__, __LINE__, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	o->d = malloc((size_t)n);
	o->n = (size_t)n;
	if (fread(o->d, 1, o->n, f) != o->n)
		check_fail(__FILE__, __LINE__, "short read %s", path);
	fclose(f);
}

/* Address of a symbol in the output's .symtab, or 0. */
static uint64_t tl_sym(const struct tl_out *o, const char *name)
{
	const Elf64_Ehdr *eh = (const void *)o->d;
	const Elf64_Shdr *sh = (const void *)(o->d + eh->e_shoff);

	for (unsigned i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_SYMTAB)
			continue;
		const Elf64_Sym *s = (const void *)(o->d + sh[i].sh_offset);
		const char *str = (const char *)o->d + sh[sh[i].sh_link].sh_offset;
		for (size_t k = 0; k < sh[i].sh_size / sizeof(*s); k++)
			if (!strcmp(str + s[k].st_name, name))
				return s[k].st_value;
	}
	return 0;
}

/* Pointer to the file bytes at virtual address VA (via PT_LOAD). */
static const uint8_t *tl_at(const struct tl_out *o, uint64_t va)
{
	const Elf64_Ehdr *eh = (const void *)o->d;
	const Elf64_Phdr *ph = (const void *)(o->d + eh->e_phoff);

	for (unsigned i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && va >= ph[i].p_vaddr &&
		    va < ph[i].p_vaddr + ph[i].p_filesz)
			return o->d + ph[i].p_offset + (va - ph[i].p_vaddr);
	check_fail(__FILE__, __LINE__, "address 0x%llx not in the file",
		   (unsigned long long)va);
}

static int32_t tl_s32(const uint8_t *p)
{
	int32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint64_t tl_u64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/* Links INPUTS into "out"; returns uk_link's result. */
static int tl_link(const char *const *inputs, size_t n, struct uk_link_opts *extra,
		   struct uk_link_result *res, struct uk_error *err)
{
	struct uk_link_opts o = { 0 };

	if (extra)
		o = *extra;
	o.inputs = inputs;
	o.ninputs = n;
	if (!o.output)
		o.output = tl_path("out");
	memset(err, 0, sizeof(*err));
	return uk_link(&o, res, err);
}

#endif
