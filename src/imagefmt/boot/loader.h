/* The raw-disk boot loader, assembled from loader.S when uk is built
 * (build/gen/bootloader.c): stage 1 in the first 512 bytes (partition
 * table left zero), stage 2 after it. Layout in rawboot.h. */
#ifndef UK_IMAGEFMT_BOOT_LOADER_H
#define UK_IMAGEFMT_BOOT_LOADER_H

extern const unsigned char uk_boot_loader[];
extern const unsigned long uk_boot_loader_len;

#endif
