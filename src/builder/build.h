/* uk build as a function: manifest -> plan -> compile -> link -> image.
 * Never prints; progress goes through a callback the CLI may set. */
#ifndef UK_BUILD_H
#define UK_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "manifest/manifest.h"
#include "util/error.h"

struct uk_build_opts {
	const char *dir;        /* project folder (holds uk.yaml) */
	const char *out;        /* output folder; NULL: DIR/build */
	unsigned targets;       /* UK_TARGET_* bits; 0: the manifest's targets */
	unsigned jobs;          /* parallel compiler jobs; 0: number of CPUs */
	const char *linker;     /* "uk" (default) or "bfd" (GNU ld reference) */
	int debug;              /* <name>.debug at link time (uk build --debug) */
	int no_debug;           /* no <name>.debug, nor its recipe to make it later */
	int gce;                /* raw: also <name>.tar.gz for Google Compute Engine */
	const char *why;        /* --why SYMBOL: each image's why (relinks) */
	const char *cache_ref;  /* --cache HOST/REPO ("": none); NULL: $UK_BUILD_CACHE, uk.yaml cache: */
	void (*progress)(void *ctx, const char *fmt, ...);
	void (*command)(void *ctx, char *const argv[]); /* each compiler run (--verbose) */
	/* said once when the --cache registry is given up (the build goes on) */
	void (*notice)(void *ctx, const char *msg);
	/* the compiler's messages for one source, whole, as its job ends
	 * (failed: it did not compile); NULL: the compiler writes on stderr
	 * itself and r->compiler stays empty */
	void (*compiler_output)(void *ctx, const char *text, int failed);
	int color;                      /* the compiler's messages in color */
	void *progress_ctx;             /* for all of them */
};

struct uk_build_image {
	enum uk_target target;
	char *path;             /* build/kvm/hello */
	char *report;           /* build/kvm/hello.report.json */
	uint64_t file_bytes, load_bytes, removed_bytes;
	uint64_t files_bytes;   /* section uk_files (uk.yaml files:, zoneinfo:); 0: none */
	size_t files_count;     /* its entries, folders included */
	double seconds;         /* link + image time */
	int relinked;           /* 0 when the image was already up to date */
	char *why;              /* with opts.why: the chain keeping it, inputs by name */
};

struct uk_build_result {
	struct uk_build_image images[3];
	size_t nimages;
	size_t compiled, cached; /* sources compiled now / taken from a cache */
	size_t shared, remote;   /* of the cached: from $UK_HOME/cache, from --cache */
	size_t hashed;           /* files read to hash them (0 on a no-op) */
	unsigned pushed, fetched; /* objects sent to / found in the --cache registry */
	int cache_gave_up;       /* the registry failed: the rest was compiled */
	double seconds;
	struct uk_diags diags;   /* manifest problems (err->status 2), or the
				  * link's (status 1); warnings (severity) of
				  * a build that succeeded (unsupported calls) */
	struct uk_diags compiler; /* the compiler's errors, warnings and notes
				   * (with opts.compiler_output; it showed them) */
};

int uk_build(const struct uk_build_opts *o, struct uk_build_result *r,
	     struct uk_error *err);
void uk_build_result_free(struct uk_build_result *r);

#endif
