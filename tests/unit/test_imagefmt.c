/* src/imagefmt: the raw-disk writer (MBR, partition table, boot
 * configuration, segment placement, refusals), the GCE tarball, the xl
 * configuration, the Xen note check and the baked command line. */
#include <archive.h>
#include <archive_entry.h>
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "imagefmt/boot/loader.h"
#include "imagefmt/boot/rawboot.h"
#include "imagefmt/image.h"
#include "imagefmt/rawdisk.h"
#include "util/path.h"

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* A PVH-looking kernel: text at 1 MiB, data+bss after it, a PT_NOTE with
 * the given notes (type, string descriptor; type 18 gets the entry). */
struct note {
	unsigned type;
	const char *str;
};

static unsigned char *make_elf(size_t *len, uint64_t data_paddr, uint64_t bss,
			       const struct note *notes, size_t nnotes)
{
	size_t text_off = 0x1000, data_off = 0x3000, note_off = 0x4000, total = 0x5000;
	unsigned char *b = calloc(1, total);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
	Elf64_Phdr ph[3];
	size_t n = 0, noff = note_off;

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0x100000;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 3;
	for (size_t i = 0; i < nnotes; i++) {
		Elf64_Nhdr nh = { 4, 0, notes[i].type };
		uint64_t entry = 0x100010;

		nh.n_descsz = notes[i].str ? (uint32_t)strlen(notes[i].str) + 1 : 8;
		memcpy(b + noff, &nh, sizeof(nh));
		memcpy(b + noff + sizeof(nh), "Xen", 4);
		if (notes[i].str)
			memcpy(b + noff + sizeof(nh) + 4, notes[i].str, nh.n_descsz);
		else
			memcpy(b + noff + sizeof(nh) + 4, &entry, 8);
		noff += sizeof(nh) + 4 + ((nh.n_descsz + 3) & ~3u);
	}
	memset(ph, 0, sizeof(ph));
	ph[n].p_type = PT_LOAD, ph[n].p_flags = PF_R | PF_X, ph[n].p_offset = text_off;
	ph[n].p_vaddr = ph[n].p_paddr = 0x100000, ph[n].p_filesz = ph[n].p_memsz = 0x1234;
	n++;
	ph[n].p_type = PT_LOAD, ph[n].p_flags = PF_R | PF_W, ph[n].p_offset = data_off;
	ph[n].p_vaddr = ph[n].p_paddr = data_paddr, ph[n].p_filesz = 0x100;
	ph[n].p_memsz = 0x100 + bss;
	n++;
	ph[n].p_type = PT_NOTE, ph[n].p_offset = note_off, ph[n].p_filesz = noff - note_off;
	memcpy(b + eh->e_phoff, ph, sizeof(ph));
	for (size_t i = 0; i < 0x1234; i++)
		b[text_off + i] = (unsigned char)(i * 7);
	memset(b + data_off, 0xd5, 0x100);
	*len = total;
	return b;
}

static const struct note pvh_only[] = { { 18, NULL } };

static void t_disk_layout(void)
{
	size_t elen, dlen;
	unsigned char *elf = make_elf(&elen, 0x103000, 0x5000, pvh_only, 1), *d;
	struct uk_error err = { 0 };
	const unsigned char *pe, *cfg;

	CHECK_EQ_INT(uk_rawdisk_make(elf, elen, "k", "uk.name=k -- a", &d, &dlen, &err), 0);
	CHECK_EQ_INT(dlen, 1 << 20);                 /* a whole MiB */
	CHECK_EQ_INT(d[510], 0x55);
	CHECK_EQ_INT(d[511], 0xaa);
	CHECK(memcmp(d, uk_boot_loader, RB_MBR_DISKSIG_OFF) == 0);
	CHECK(memcmp(d + 512, uk_boot_loader + 512, uk_boot_loader_len - 512) == 0);
	CHECK(get32(d + RB_MBR_DISKSIG_OFF) != 0);
	pe = d + RB_MBR_PART_OFF;
	CHECK_EQ_INT(pe[0], 0x80);                   /* bootable */
	CHECK_EQ_INT(pe[4], RB_PART_TYPE);
	CHECK_EQ_INT(get32(pe + 8), RB_PART_LBA);
	CHECK_EQ_INT(get32(pe + 12), (1 << 20) / 512 - RB_PART_LBA);
	/* CHS of LBA 64 (255 heads, 63 sectors): c 0, h 1, s 2 */
	CHECK_EQ_INT(pe[1], 1);
	CHECK_EQ_INT(pe[2], 2);
	CHECK_EQ_INT(pe[3], 0);
	/* CHS of the last sector, 2047: c 0, h 32, s 32 */
	CHECK_EQ_INT(pe[5], 32);
	CHECK_EQ_INT(pe[6], 32);
	CHECK_EQ_INT(pe[7], 0);
	for (int i = 1; i < 4; i++)                  /* other entries empty */
		for (int k = 0; k < 16; k++)
			CHECK_EQ_INT(pe[16 * i + k], 0);
	cfg = d + RB_PART_LBA * 512;
	CHECK_EQ_INT(get32(cfg), RB_MAGIC0);
	CHECK_EQ_INT(get32(cfg + 4), RB_MAGIC1);
	CHECK(memcmp(cfg, "UKBOOT1", 8) == 0);
	CHECK_EQ_INT(get32(cfg + RB_CFG_ENTRY), 0x100010);
	CHECK_EQ_INT(get32(cfg + RB_CFG_NSEG), 2);
	for (unsigned i = 0; i < 2; i++) {
		const unsigned char *s = cfg + RB_CFG_SEGS + i * RB_SEG_BYTES;
		uint32_t sector = get32(s);

		CHECK_EQ_INT((sector * 512) % 4096, 0); /* 4 KiB-aligned in the partition */
		CHECK(sector >= RB_CONFIG_SECTORS);
		CHECK_EQ_INT(get32(s + 4), i ? 0x103000 : 0x100000);
		CHECK_EQ_INT(get32(s + 8), i ? 0x100 : 0x1234);
		CHECK_EQ_INT(get32(s + 12), i ? 0x5100 : 0x1234);
		CHECK(memcmp(cfg + (uint64_t)sector * 512, elf + (i ? 0x3000 : 0x1000),
			     get32(s + 8)) == 0);
	}
	CHECK_EQ_STR(uk_rawdisk_cmdline(d, dlen), "uk.name=k -- a");
	free(d);
	free(elf);
}

static void t_disk_reproducible_and_cmdline(void)
{
	size_t elen, l1, l2;
	unsigned char *elf = make_elf(&elen, 0x103000, 0, pvh_only, 1), *a, *b;
	struct uk_error err = { 0 };
	char big[RB_CMDLINE_MAX + 2];

	CHECK_EQ_INT(uk_rawdisk_make(elf, elen, "k", "x", &a, &l1, &err), 0);
	CHECK_EQ_INT(uk_rawdisk_make(elf, elen, "k", "x", &b, &l2, &err), 0);
	CHECK(l1 == l2 && memcmp(a, b, l1) == 0);
	CHECK_EQ_INT(uk_rawdisk_set_cmdline(a, l1, "uk.name=z -- new", &err), 0);
	CHECK_EQ_STR(uk_rawdisk_cmdline(a, l1), "uk.name=z -- new");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_EQ_INT(uk_rawdisk_set_cmdline(a, l1, big, &err), -1);
	CHECK_CONTAINS(err.msg, "more than the 3839");
	big[RB_CMDLINE_MAX] = '\0'; /* exactly the most it holds */
	CHECK_EQ_INT(uk_rawdisk_set_cmdline(a, l1, big, &err), 0);
	CHECK_EQ_INT(strlen(uk_rawdisk_cmdline(a, l1)), RB_CMDLINE_MAX);
	a[RB_PART_LBA * 512] ^= 1; /* not a uk disk any more */
	CHECK(uk_rawdisk_cmdline(a, l1) == NULL);
	CHECK_EQ_INT(uk_rawdisk_set_cmdline(a, l1, "x", &err), -1);
	CHECK_CONTAINS(err.msg, "not a uk raw disk");
	CHECK(uk_rawdisk_cmdline(a, 100) == NULL);
	free(a);
	free(b);
	free(elf);
}

static void t_disk_refusals(void)
{
	size_t elen, dlen;
	unsigned char *elf, *d = NULL;
	struct uk_error err = { 0 };
	char big[RB_CMDLINE_MAX + 2];

	elf = make_elf(&elen, 0x103000, 0, NULL, 0); /* no PVH note */
	CHECK_EQ_INT(uk_rawdisk_make(elf, elen, "k", "", &d, &dlen, &err), -1);
	CHECK_CONTAINS(err.msg, "has no PVH entry note");
	CHECK(err.hint[0]);
	CHECK(d == NULL);
	free(elf);

	elf = make_elf(&elen, 0x103000, 0x40000000, pvh_only, 1); /* bss past 1 GiB */
	CHECK_EQ_INT(uk_rawdisk_make(elf, elen, "k", "", &d, &dlen, &err), -1);
	CHECK_CONTAINS(err.msg, "too large for the raw-disk loader");
	free(elf);

	elf = make_elf(&elen, 0x103000, 0, pvh_only, 1);
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_EQ_INT(uk_rawdisk_make(elf, elen, "k", big, &d, &dlen, &err), -1);
	CHECK_CONTAINS(err.msg, "command line is 3840 bytes");
	/* a truncated file: program headers past the end */
	CHECK_EQ_INT(uk_rawdisk_make(elf, 100, "k", "", &d, &dlen, &err), -1);
	CHECK_EQ_INT(uk_rawdisk_make((const unsigned char *)"junk", 4, "k", "", &d, &dlen,
				     &err), -1);
	free(elf);
	elf = make_elf(&elen, 0x100800, 0, pvh_only, 1); /* data inside the text */
	CHECK_EQ_INT(uk_rawdisk_make(elf, elen, "k", "", &d, &dlen, &err), -1);
	CHECK_CONTAINS(err.msg, "segments overlap");
	free(elf);
	elf = make_elf(&elen, 0x103000, 0, pvh_only, 1);
	((Elf64_Ehdr *)elf)->e_phnum = 0xffff; /* program headers past the end */
	CHECK_EQ_INT(uk_rawdisk_make(elf, elen, "k", "", &d, &dlen, &err), -1);
	CHECK_CONTAINS(err.msg, "outside the file");
	((Elf64_Ehdr *)elf)->e_phnum = 3;
	/* a segment whose file bytes run past the end of the file */
	CHECK_EQ_INT(uk_rawdisk_make(elf, 0x3080, "k", "", &d, &dlen, &err), -1);
	free(elf);
}

static void t_cmdline_quoting(void)
{
	char *env[] = { "A=1", "MSG=hello there" };
	char *args[] = { "one", "two words", "q\"uote", "" };
	char *c = uk_image_cmdline("web", env, 2, args, 4);

	CHECK_EQ_STR(c, "uk.name=web uk.env=A=1 \"uk.env=MSG=hello there\" -- one "
			"\"two words\" \"q\\\"uote\" \"\"");
	free(c);
	c = uk_image_cmdline("x", NULL, 0, NULL, 0);
	CHECK_EQ_STR(c, "uk.name=x --");
	free(c);
}

static void t_xlcfg(void)
{
	struct uk_image_params p = { .name = "web", .memory = 64ull << 20,
				     .cmdline = "uk.name=web -- \"a b\"" };
	char *t = uk_xlcfg_text("/img/web", &p);

	CHECK_CONTAINS(t, "\ntype = \"pvh\"\n");
	CHECK_CONTAINS(t, "\nname = \"web\"\n");
	CHECK_CONTAINS(t, "\nkernel = \"/img/web\"\n");
	CHECK_CONTAINS(t, "\nmemory = 64\n");
	CHECK_CONTAINS(t, "\ncmdline = \"uk.name=web -- \\\"a b\\\"\"\n");
	CHECK_CONTAINS(t, "\non_crash = \"destroy\"\n");
	free(t);
	p.memory = (64ull << 20) + 1; /* rounded up to whole MiB */
	t = uk_xlcfg_text("/img/web", &p);
	CHECK_CONTAINS(t, "\nmemory = 65\n");
	free(t);
}

static char *tmpfile_path(const char *tag)
{
	char *p;

	if (asprintf(&p, "%s/uk-test-imagefmt-%ld-%s", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		     (long)getpid(), tag) < 0)
		abort();
	return p;
}

static void t_xen_notes(void)
{
	static const struct note all[] = { { 18, NULL }, { 6, "uk" }, { 7, "0.1.0" },
					   { 5, "xen-3.0" }, { 8, "generic" } };
	size_t elen;
	unsigned char *elf = make_elf(&elen, 0x103000, 0, all, 5);
	char *path = tmpfile_path("xen");
	struct uk_error err = { 0 };

	CHECK_EQ_INT(uk_write_file_atomic(path, elf, elen, 0644, &err), 0);
	CHECK_EQ_INT(uk_xen_notes_check(path, &err), 0);
	free(elf);
	elf = make_elf(&elen, 0x103000, 0, all, 4); /* no LOADER */
	CHECK_EQ_INT(uk_write_file_atomic(path, elf, elen, 0644, &err), 0);
	CHECK_EQ_INT(uk_xen_notes_check(path, &err), -1);
	CHECK_CONTAINS(err.msg, "has no Xen note LOADER (type 8)");
	CHECK_CONTAINS(err.hint, "xen platform");
	unlink(path);
	free(path);
	free(elf);
}

static void t_gce_tarball(void)
{
	size_t elen, dlen;
	unsigned char *elf = make_elf(&elen, 0x103000, 0, pvh_only, 1), *d;
	char *disk = tmpfile_path("disk"), *tgz = tmpfile_path("tgz"), *tgz2 = tmpfile_path("tgz2");
	char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;
	struct uk_error err = { 0 };
	struct archive *ar;
	struct archive_entry *e;
	unsigned char head[512];

	CHECK_EQ_INT(uk_rawdisk_make(elf, elen, "k", "x", &d, &dlen, &err), 0);
	CHECK_EQ_INT(uk_write_file_atomic(disk, d, dlen, 0644, &err), 0);
	CHECK_EQ_INT(uk_gce_write(disk, tgz, &err), 0);
	CHECK_EQ_INT(uk_gce_write(disk, tgz2, &err), 0);
	CHECK_EQ_INT(uk_read_file(tgz, &a, &la, &err), 0);
	CHECK_EQ_INT(uk_read_file(tgz2, &b, &lb, &err), 0);
	CHECK(la == lb && memcmp(a, b, la) == 0); /* reproducible */
	CHECK_EQ_INT((unsigned char)a[0], 0x1f);  /* gzip, no mtime */
	CHECK_EQ_INT(get32((unsigned char *)a + 4), 0);
	ar = archive_read_new();
	archive_read_support_filter_gzip(ar);
	archive_read_support_format_tar(ar);
	CHECK_EQ_INT(archive_read_open_filename(ar, tgz, 65536), ARCHIVE_OK);
	CHECK_EQ_INT(archive_read_next_header(ar, &e), ARCHIVE_OK);
	CHECK_EQ_STR(archive_entry_pathname(e), "disk.raw");
	CHECK_EQ_INT(archive_entry_size(e), 1ll << 30); /* a whole GiB for GCE */
	CHECK_EQ_INT(archive_format(ar), ARCHIVE_FORMAT_TAR_GNUTAR);
	CHECK_EQ_INT(archive_read_data(ar, head, sizeof(head)), 512);
	CHECK(memcmp(head, d, 512) == 0);
	CHECK_EQ_INT(archive_read_data_skip(ar), ARCHIVE_OK);
	CHECK_EQ_INT(archive_read_next_header(ar, &e), ARCHIVE_EOF);
	archive_read_free(ar);
	unlink(disk);
	unlink(tgz);
	unlink(tgz2);
	free(disk);
	free(tgz);
	free(tgz2);
	free(a);
	free(b);
	free(d);
	free(elf);
}

static void t_loader_fits(void)
{
	CHECK(uk_boot_loader_len > 512);
	CHECK(uk_boot_loader_len <= RB_LOADER_MAX);
	CHECK_EQ_INT(uk_boot_loader[510], 0x55);
	CHECK_EQ_INT(uk_boot_loader[511], 0xaa);
	CHECK_EQ_INT(uk_boot_loader[RB_MBR_FLAGS_OFF], 0); /* no benchmark stop */
}

int main(void)
{
	RUN(t_disk_layout);
	RUN(t_disk_reproducible_and_cmdline);
	RUN(t_disk_refusals);
	RUN(t_cmdline_quoting);
	RUN(t_xlcfg);
	RUN(t_xen_notes);
	RUN(t_gce_tarball);
	RUN(t_loader_fits);
	return check_done();
}
