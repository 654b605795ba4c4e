/* Writes the raw BIOS disk (boot/rawboot.h): uk's loader in the MBR and
 * the sectors after it, a bootable partition from LBA RB_PART_LBA to the
 * end holding the boot configuration, then every PT_LOAD's file bytes at
 * a 4 KiB-aligned offset. The loader copies them to their addresses and
 * zeroes the rest of each segment, so it needs no ELF parser of its own. */
#include "imagefmt/rawdisk.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "imagefmt/boot/loader.h"
#include "imagefmt/boot/rawboot.h"
#include "imagefmt/elfinfo.h"
#include "imagefmt/image.h"
#include "util/path.h"

#define MIB (1024u * 1024u)
#define SEG_ALIGN 4096u

_Static_assert(RB_CFG_SEGS + RB_MAX_SEGS * RB_SEG_BYTES <= RB_CFG_TSC &&
		       RB_CFG_TSC + 16 <= RB_CMDLINE_OFF,
	       "boot configuration fields overlap");
_Static_assert(RB_PART_LBA > RB_STAGE2_SECTORS, "partition overlaps the loader");
_Static_assert(RB_BOUNCE_SECTORS <= 127, "INT 13h reads at most 127 sectors");

struct seg {
	uint64_t off, filesz, paddr, memsz;
};

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* CHS of an LBA for the usual 255-head, 63-sector geometry; beyond
 * cylinder 1023 the conventional 1023/254/63 says "use the LBA". */
static void chs(unsigned char *p, uint32_t lba)
{
	uint32_t c = lba / (255 * 63), h = (lba / 63) % 255, s = lba % 63 + 1;

	if (c > 1023) {
		c = 1023;
		h = 254;
		s = 63;
	}
	p[0] = (unsigned char)h;
	p[1] = (unsigned char)(s | ((c >> 2) & 0xc0));
	p[2] = (unsigned char)c;
}

/* The PT_LOADs, bounds-checked against the file and the loader's reach. */
static int load_segments(const unsigned char *elf, size_t len, const char *name,
			 struct seg *segs, unsigned *nseg, struct uk_error *err)
{
	Elf64_Ehdr eh;

	*nseg = 0;
	if (len < sizeof(eh) || memcmp(elf, ELFMAG, SELFMAG) != 0)
		return uk_errorf(err, "'%s' is not an ELF file", name);
	memcpy(&eh, elf, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr))
		return uk_errorf(err, "'%s' is not an x86-64 ELF kernel", name);
	if (eh.e_phoff > len || (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > len - eh.e_phoff)
		return uk_errorf(err, "'%s': program headers run past the end of the file",
				 name);
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, elf + eh.e_phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_offset > len || ph.p_filesz > len - ph.p_offset ||
		    ph.p_filesz > ph.p_memsz)
			return uk_errorf(err, "'%s': segment %u runs past the end of the file",
					 name, i);
		if (*nseg == RB_MAX_SEGS) {
			uk_errorf(err, "'%s' has more than %d loadable segments, the most the "
				       "raw-disk loader takes", name, RB_MAX_SEGS);
			return uk_hintf(err, "link it with uk's linker or the runtime's uk.ld");
		}
		if (ph.p_paddr < RB_LOAD_MIN || ph.p_paddr > RB_LOAD_MAX ||
		    ph.p_memsz > RB_LOAD_MAX - ph.p_paddr) {
			uk_errorf(err, "kernel '%s' is too large for the raw-disk loader: segment "
				       "%u at 0x%llx-0x%llx is outside its reach, 1 MiB to 1 GiB",
				  name, i, (unsigned long long)ph.p_paddr,
				  (unsigned long long)(ph.p_paddr + ph.p_memsz));
			return uk_hintf(err, "make the program's static data smaller, or use "
					     "the kvm target");
		}
		if (*nseg && ph.p_paddr < segs[*nseg - 1].paddr + segs[*nseg - 1].memsz)
			return uk_errorf(err, "'%s': segments overlap or are out of order", name);
		segs[*nseg].off = ph.p_offset;
		segs[*nseg].filesz = ph.p_filesz;
		segs[*nseg].paddr = ph.p_paddr;
		segs[*nseg].memsz = ph.p_memsz;
		(*nseg)++;
	}
	if (*nseg == 0)
		return uk_errorf(err, "'%s' has no loadable segment", name);
	return 0;
}

/* A disk signature from the contents, so that equal inputs give equal disks. */
static uint32_t signature(const unsigned char *p, size_t n, const char *cmdline)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	for (; *cmdline; cmdline++)
		h = (h ^ (unsigned char)*cmdline) * 16777619u;
	return h ? h : 1;
}

static int check_cmdline(const char *cmdline, struct uk_error *err)
{
	size_t n = strlen(cmdline);

	if (n > RB_CMDLINE_MAX) {
		uk_errorf(err, "the command line is %zu bytes, more than the %d a raw disk's "
			       "boot configuration holds", n, RB_CMDLINE_MAX);
		return uk_hintf(err, "shorten 'cmdline' and 'env' in uk.yaml");
	}
	return 0;
}

int uk_rawdisk_make(const unsigned char *elf, size_t elflen, const char *name,
		    const char *cmdline, unsigned char **disk, size_t *len,
		    struct uk_error *err)
{
	struct uk_elf_info info;
	struct seg segs[RB_MAX_SEGS];
	unsigned nseg, i;
	uint64_t data = RB_CONFIG_BYTES, total;
	unsigned char *d, *cfg, *part;

	*disk = NULL;
	*len = 0;
	if (uk_elf_info_parse(elf, elflen, name, &info, err) != 0)
		return -1;
	if (!info.has_pvh_entry) {
		uk_errorf(err, "kernel '%s' has no PVH entry note (Xen note type 18), which "
			       "the raw-disk loader jumps to", name);
		return uk_hintf(err, "link it with the uk runtime, whose .note.uk.pvh "
				     "announces the entry");
	}
	if (info.pvh_entry < RB_LOAD_MIN || info.pvh_entry >= RB_LOAD_MAX)
		return uk_errorf(err, "kernel '%s': PVH entry 0x%llx is outside the loader's "
				      "reach, 1 MiB to 1 GiB", name,
				 (unsigned long long)info.pvh_entry);
	if (check_cmdline(cmdline, err) != 0)
		return -1;
	if (load_segments(elf, elflen, name, segs, &nseg, err) != 0)
		return -1;
	if (uk_boot_loader_len > RB_LOADER_MAX || uk_boot_loader_len < RB_SECTOR)
		return uk_errorf(err, "uk's boot loader is %lu bytes; it must fit in %d",
				 uk_boot_loader_len, RB_LOADER_MAX);
	for (i = 0; i < nseg; i++) {
		uint64_t at = (data + SEG_ALIGN - 1) & ~(uint64_t)(SEG_ALIGN - 1);

		data = at + segs[i].filesz;
	}
	total = (uint64_t)RB_PART_LBA * RB_SECTOR + data;
	total = (total + MIB - 1) & ~(uint64_t)(MIB - 1);
	if (total / RB_SECTOR > UINT32_MAX)
		return uk_errorf(err, "kernel '%s' is too large for a raw disk", name);
	d = calloc(1, total);
	if (!d)
		return uk_errorf(err, "out of memory for a %llu-byte disk",
				 (unsigned long long)total);

	/* the loader, then the partition table around it */
	memcpy(d, uk_boot_loader, uk_boot_loader_len);
	memset(d + RB_MBR_DISKSIG_OFF, 0, RB_MBR_PART_OFF + 64 - RB_MBR_DISKSIG_OFF);
	d[510] = 0x55;
	d[511] = 0xaa;
	{
		unsigned char *pe = d + RB_MBR_PART_OFF;
		uint32_t first = RB_PART_LBA, count = (uint32_t)(total / RB_SECTOR) - RB_PART_LBA;

		pe[0] = 0x80; /* bootable */
		chs(pe + 1, first);
		pe[4] = RB_PART_TYPE;
		chs(pe + 5, first + count - 1);
		put32(pe + 8, first);
		put32(pe + 12, count);
	}

	/* the boot configuration and the segments' bytes */
	part = d + (uint64_t)RB_PART_LBA * RB_SECTOR;
	cfg = part;
	put32(cfg, RB_MAGIC0);
	put32(cfg + 4, RB_MAGIC1);
	put32(cfg + RB_CFG_VERSION, 1);
	put32(cfg + RB_CFG_FLAGS, 0);
	put32(cfg + RB_CFG_ENTRY, (uint32_t)info.pvh_entry);
	put32(cfg + RB_CFG_NSEG, nseg);
	data = RB_CONFIG_BYTES;
	for (i = 0; i < nseg; i++) {
		unsigned char *e = cfg + RB_CFG_SEGS + i * RB_SEG_BYTES;
		uint64_t at = (data + SEG_ALIGN - 1) & ~(uint64_t)(SEG_ALIGN - 1);

		memcpy(part + at, elf + segs[i].off, segs[i].filesz);
		put32(e, (uint32_t)(at / RB_SECTOR));
		put32(e + 4, (uint32_t)segs[i].paddr);
		put32(e + 8, (uint32_t)segs[i].filesz);
		put32(e + 12, (uint32_t)segs[i].memsz);
		data = at + segs[i].filesz;
	}
	memcpy(cfg + RB_CMDLINE_OFF, cmdline, strlen(cmdline) + 1);
	put32(d + RB_MBR_DISKSIG_OFF, signature(elf, elflen, cmdline));
	*disk = d;
	*len = total;
	return 0;
}

static unsigned char *config_of(unsigned char *disk, size_t len)
{
	unsigned char *cfg;

	if (len < (uint64_t)RB_PART_LBA * RB_SECTOR + RB_CONFIG_BYTES || disk[510] != 0x55 ||
	    disk[511] != 0xaa || get32(disk + RB_MBR_PART_OFF + 8) != RB_PART_LBA)
		return NULL;
	cfg = disk + (uint64_t)RB_PART_LBA * RB_SECTOR;
	if (get32(cfg) != RB_MAGIC0 || get32(cfg + 4) != RB_MAGIC1)
		return NULL;
	return cfg;
}

int uk_rawdisk_set_cmdline(unsigned char *disk, size_t len, const char *cmdline,
			   struct uk_error *err)
{
	unsigned char *cfg = config_of(disk, len);

	if (!cfg) {
		uk_errorf(err, "not a uk raw disk: no uk boot configuration at LBA %d",
			  RB_PART_LBA);
		return uk_hintf(err, "build it with 'uk build -t raw', or boot it without "
				     "program arguments");
	}
	if (check_cmdline(cmdline, err) != 0)
		return -1;
	memset(cfg + RB_CMDLINE_OFF, 0, RB_CONFIG_BYTES - RB_CMDLINE_OFF);
	memcpy(cfg + RB_CMDLINE_OFF, cmdline, strlen(cmdline) + 1);
	return 0;
}

const char *uk_rawdisk_cmdline(const unsigned char *disk, size_t len)
{
	const unsigned char *cfg = config_of((unsigned char *)disk, len);

	if (!cfg || !memchr(cfg + RB_CMDLINE_OFF, 0, RB_CONFIG_BYTES - RB_CMDLINE_OFF))
		return NULL;
	return (const char *)cfg + RB_CMDLINE_OFF;
}

int uk_rawdisk_write(const char *kernel, const char *name, const char *cmdline,
		     const char *out, struct uk_error *err)
{
	char *elf = NULL;
	unsigned char *disk = NULL;
	size_t elflen = 0, len = 0;
	int rc;

	if (uk_read_file(kernel, &elf, &elflen, err) != 0)
		return -1;
	(void)name;
	rc = uk_rawdisk_make((const unsigned char *)elf, elflen, kernel, cmdline, &disk, &len,
			     err);
	if (rc == 0)
		rc = uk_write_file_atomic(out, disk, len, 0644, err);
	free(elf);
	free(disk);
	return rc;
}
