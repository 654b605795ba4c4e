/* What uk knows about a built image beyond its bytes: written beside it as
 * <image>.json by `uk build`, read by `uk run` and `uk inspect`. */
#ifndef UK_IMAGEFMT_IMAGEMETA_H
#define UK_IMAGEFMT_IMAGEMETA_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct uk_image_component {
	char *name, *version, *digest;
};

struct uk_image_meta {
	char *name;     /* program name, argv[0] */
	char *target;   /* kvm, xen, raw */
	int is_disk;    /* a raw disk rather than a PVH kernel */
	uint64_t memory;
	char **args;    /* default program arguments */
	size_t nargs;
	char **env;     /* "KEY=VALUE" */
	size_t nenv;
	struct uk_image_component *components;
	size_t ncomponents;
	int has_9p;     /* built with volumes: (uk run -v works) */
	char **volumes; /* the manifest's volumes, HOST absolute */
	size_t nvolumes;
	char **ports;   /* the manifest's ports, "HOSTPORT:GUESTPORT[/udp]" */
	size_t nports;
};

/* Reads <image>.json; when absent, fills defaults from the file itself
 * (name from its file name, 64 MiB, a disk when it has an MBR signature). */
int uk_image_meta_load(const char *image, struct uk_image_meta *m, struct uk_error *err);
int uk_image_meta_write(const char *image, const struct uk_image_meta *m,
			struct uk_error *err);
void uk_image_meta_free(struct uk_image_meta *m);

#endif
