/* The raw-disk layout shared by uk's disk writer (src/imagefmt/rawdisk.c)
 * and the boot loader (loader.S, which includes this file through cpp, so
 * only #defines live here).
 *
 *   LBA 0          MBR: stage 1 of the loader, partition table, 0x55 0xaa
 *   LBA 1..62      stage 2 of the loader (RB_STAGE2_SECTORS, read whole)
 *   LBA 64 (part)  the partition: boot configuration (RB_CONFIG_BYTES),
 *                  then each PT_LOAD's file bytes at a 4 KiB-aligned offset
 *   ...            zeros up to a whole MiB
 *
 * Boot configuration (little-endian), at the partition's first sector:
 *   0   magic "UKBOOT1\0"
 *   8   u32 version (1)      12  u32 flags (RB_FLAG_*)
 *   16  u32 entry (PVH)      20  u32 segment count (<= RB_MAX_SEGS)
 *   24  segments, RB_SEG_BYTES each:
 *         u32 sector (from the partition start), u32 paddr,
 *         u32 filesz, u32 memsz
 *   RB_CFG_TSC      in memory only: the loader's TSC at its first
 *                   instruction and just before the jump to the kernel
 *                   (2 x u64), for boot-time measurements (bench/rawboot)
 *   RB_CMDLINE_OFF  the kernel command line, NUL-terminated */
#ifndef UK_RAWBOOT_H
#define UK_RAWBOOT_H

#define RB_SECTOR          512
#define RB_STAGE2_SECTORS  62
#define RB_LOADER_MAX      ((1 + RB_STAGE2_SECTORS) * RB_SECTOR)
#define RB_PART_LBA        64
#define RB_PART_TYPE       0xda /* "non-FS data" */
#define RB_MBR_FLAGS_OFF   2    /* byte in the MBR: RB_MBR_STOP_* (benchmarks) */
#define RB_MBR_STOP_START  1    /* exit with status 0 as the loader starts */
#define RB_MBR_STOP_KERNEL 2    /* exit with status 0 just before the kernel */
#define RB_MBR_DISKSIG_OFF 440
#define RB_MBR_PART_OFF    446

#define RB_CONFIG_BYTES    4096
#define RB_CONFIG_SECTORS  (RB_CONFIG_BYTES / RB_SECTOR)
#define RB_MAGIC0          0x4f424b55 /* "UKBO" */
#define RB_MAGIC1          0x0031544f /* "OT1\0" */
#define RB_CFG_VERSION     8
#define RB_CFG_FLAGS       12
#define RB_CFG_ENTRY       16
#define RB_CFG_NSEG        20
#define RB_CFG_SEGS        24
#define RB_SEG_BYTES       16
#define RB_MAX_SEGS        8
#define RB_CFG_TSC         240
#define RB_CMDLINE_OFF     256
#define RB_CMDLINE_MAX     (RB_CONFIG_BYTES - RB_CMDLINE_OFF - 1)

/* Where the loader keeps things in low memory (physical addresses). */
#define RB_CONFIG_ADDR     0x20000 /* the boot configuration, read whole */
#define RB_INFO_ADDR       0x21000 /* struct hvm_start_info */
#define RB_MEMMAP_ADDR     0x21100 /* E820 map, 24-byte entries */
#define RB_MEMMAP_MAX      128
#define RB_BOUNCE_ADDR     0x30000 /* disk reads land here, then are copied */
#define RB_BOUNCE_SECTORS  64

/* The loader's reach: every PT_LOAD between 1 MiB and 1 GiB (what the
 * runtime's boot page tables map), file bytes within 32-bit sectors. */
#define RB_LOAD_MIN        0x100000u
#define RB_LOAD_MAX        0x40000000u

#endif
