/* uk.yaml (a project) and component.yaml (a library-OS component): the
 * parsed, validated forms. Parsing never prints; every problem found in one
 * file is collected into a struct uk_diag list ("FILE:LINE:COL: message"). */
#ifndef UK_MANIFEST_H
#define UK_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* A list of owned strings. */
struct uk_strv {
	char **v;
	size_t n;
};

/* How bad a diagnostic is (uk build --json's "severity"). */
enum uk_severity { UK_SEV_ERROR, UK_SEV_WARNING, UK_SEV_NOTE };

/* One problem in a manifest (or a compiler's, a linker's): where it is and
 * what to do. */
struct uk_diag {
	char *file;         /* NULL: no file (the compiler driver's own) */
	unsigned line, col; /* 1-based; 0 when the whole file is meant */
	char *msg;
	char *hint; /* may be NULL */
	enum uk_severity severity; /* UK_SEV_ERROR unless set */
};

struct uk_diags {
	struct uk_diag *v;
	size_t n;
};

enum uk_target { UK_TARGET_KVM = 1, UK_TARGET_XEN = 2, UK_TARGET_RAW = 4 };

struct uk_env_var {
	char *key, *value;
};

/* Where the host's time zones are (Debian package tzdata) and where
 * `zoneinfo:` puts them in the image: the same path, which musl reads. */
#define UK_ZONEINFO_DIR "/usr/share/zoneinfo"

/* One entry of `files:` (or a zone of `zoneinfo:`): a guest path and the
 * host file or folder that fills it. */
struct uk_file_map {
	char *guest;        /* absolute and clean: "/etc/app.conf" */
	char *host;         /* as written, relative to the manifest's folder;
			     * a zone: its absolute path under UK_ZONEINFO_DIR */
	char *zone;         /* the zone's name, or NULL for a files: entry */
	int is_dir;         /* host is a folder (copied recursively) */
	unsigned line, col; /* where the guest path (the zone) is written */
	unsigned hline, hcol; /* where the host path (the zone) is written */
};

/* uk.yaml */
struct uk_manifest {
	char *path;           /* the file it was read from */
	char *dir;            /* its folder: relative paths in it are relative to this */
	int spec;             /* 1 */
	char *name;           /* required; [a-z0-9][a-z0-9._-]* */
	char *version;        /* default "0.0.0" */
	char *runtime;        /* component reference, default "uk-runtime" */
	char *cache;          /* shared object cache HOST/REPO (uk build --cache), or NULL */
	struct uk_strv libraries;  /* component references */
	struct uk_strv sources;    /* globs, as written */
	struct uk_strv include;    /* folders */
	struct uk_strv cflags;
	struct uk_strv defines;    /* NAME or NAME=VALUE */
	unsigned targets;          /* UK_TARGET_* bits, in file order below */
	enum uk_target target_order[3];
	size_t ntargets;
	uint64_t memory;           /* bytes; default 64 MiB */
	struct uk_strv cmdline;    /* program arguments */
	struct uk_env_var *env;
	size_t nenv;
	struct uk_file_map *files; /* files: then zoneinfo:, in file order */
	size_t nfiles;
	struct uk_strv zoneinfo;   /* zone names, as written */
	int has_volumes;           /* volumes: is there (links the 9p client) */
	struct uk_strv volumes;    /* HOST[:GUEST][:ro], as written */
	int network;               /* 1: uk-net is linked (network: true, ports:
				    * or libraries: [uk-net], which then holds
				    * it); 0: network: false; -1: neither */
	struct uk_strv ports;      /* "HOSTPORT:GUESTPORT[/udp]", normalized */
	unsigned network_line, network_col, ports_line, ports_col;
	int allow_wx;              /* allow_wx: true (links runtime/kernel/link_wx.c) */
};

/* component.yaml: how to compile against and link a component. Paths are
 * relative to the component's folder. */
struct uk_component {
	char *path;
	char *dir;
	int spec;
	char *name;
	char *version;
	char *description;
	char *entry;               /* entry symbol, if this component provides it */
	struct uk_strv include;    /* include dirs added with -isystem */
	struct uk_strv cflags;     /* flags added when compiling users' sources */
	struct uk_strv objects;    /* objects linked always, first (e.g. crt1.o) */
	struct uk_strv archives;   /* archives for every target, in link order */
	struct uk_strv archives_kvm, archives_xen; /* platform archives */
	struct uk_strv keep;       /* GC roots: symbol names or section names */
	struct uk_strv requires;   /* other components by name */
	struct uk_strv link_if;    /* "ANCHOR=SYMBOL": link ANCHOR if SYMBOL is linked */
};

/* Parse and validate. Return 0 when the file is valid; -1 otherwise, with
 * every problem in *diags (caller frees with uk_diags_free) and a summary in
 * err (err->status is 2 for an invalid file, 1 for an I/O error). *diags
 * should start empty ({0}), or be NULL when only err is wanted; problems are in file order, problems about the
 * whole file (line 0) first. err->msg is the first problem formatted
 * without its hint, plus "(and N more problems)"; err->hint is its hint.
 * On failure *m is freed and zeroed; on success free it with
 * uk_manifest_free. Paths (sources, include, objects, archives) are checked
 * to exist relative to the file's folder; aliases are refused. */
int uk_manifest_load(const char *path, struct uk_manifest *m,
		     struct uk_diags *diags, struct uk_error *err);
int uk_component_load(const char *path, struct uk_component *c,
		      struct uk_diags *diags, struct uk_error *err);
/* The same, remembered in $UK_HOME/cache/components/ while the file, and
 * uk, stay the same (component_cache.c); for the builder. */
int uk_component_load_cached(const char *path, struct uk_component *c,
			     struct uk_diags *diags, struct uk_error *err);

/* The keys uk.yaml's reader knows, in its order: the i-th (NULL past the
 * end), with *required when given. share/uk.schema.json, the JSON Schema
 * editors use, lists the same keys (a unit test compares them). */
const char *uk_manifest_key(size_t i, int *required);

/* The files m->sources names: each glob expanded relative to m->dir, as
 * paths joined with m->dir, sorted, without duplicates; appended to *files.
 * Fails (status 2) if a glob no longer matches anything. */
int uk_manifest_sources(const struct uk_manifest *m, struct uk_strv *files,
			struct uk_error *err);

/* A host folder mounted over virtio-9p (uk.yaml volumes:, uk run -v),
 * written HOST[:GUEST][:ro]: GUEST is absolute and clean, by default
 * /mnt/ and HOST's last name. Returns 0, or -1 with *why saying what is
 * wrong. Free with uk_volume_free. */
struct uk_volume {
	char *host, *guest;
	int ro;
};
int uk_volume_parse(const char *spec, struct uk_volume *v, const char **why);
void uk_volume_free(struct uk_volume *v);

/* A port of uk.yaml's ports:, PORT or HOSTPORT:GUESTPORT, then optionally
 * /tcp or /udp. Returns 0, or -1 with *why saying what is wrong. */
int uk_port_parse(const char *spec, unsigned *host, unsigned *guest, int *udp,
		  const char **why);

void uk_manifest_free(struct uk_manifest *m);
void uk_component_free(struct uk_component *c);
void uk_diags_free(struct uk_diags *d);

/* "uk.yaml:3:5: unknown key 'sorces'" (+ "\n  hint: ...") into buf. */
void uk_diag_format(const struct uk_diag *d, char *buf, size_t len);

const char *uk_target_name(enum uk_target t);
int uk_target_parse(const char *s, enum uk_target *t);

/* "64M", "2G", "512K", "1048576" -> bytes; -1 on a bad size. */
int uk_parse_size(const char *s, uint64_t *out);

void uk_strv_push(struct uk_strv *sv, const char *s);
void uk_strv_free(struct uk_strv *sv);

#endif
