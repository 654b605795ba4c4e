/* Internals shared by the manifest files: the YAML node tree, the load
 * context that collects diagnostics, and the typed field readers. Nothing
 * outside src/manifest/ includes this. Files call one way: project.c and
 * component.c over files.c, ports.c, volumes.c, paths.c; those over
 * schema.c (fields), over tree.c (nodes), over diag.c and util.c. */
#ifndef UK_MANIFEST_INTERNAL_H
#define UK_MANIFEST_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "manifest/manifest.h"

/* Limits that keep hostile input cheap: a manifest is a few hundred bytes. */
#define MF_MAX_BYTES (1u << 20)
#define MF_MAX_DEPTH 32
#define MF_MAX_NODES 100000
#define MF_MAX_DIAGS 100

enum ynode_kind { YN_SCALAR, YN_SEQ, YN_MAP, YN_ALIAS };

/* One YAML node with where it starts. A mapping's kids alternate key, value. */
struct ynode {
	enum ynode_kind kind;
	unsigned line, col; /* 1-based */
	bool plain;         /* an unquoted scalar: may be null or a number */
	bool has_nul;       /* a "\0" escape: not usable as a C string */
	char *s;            /* scalar text, NUL-terminated */
	struct ynode **kid;
	size_t n, cap;
};

/* What one load collects: where the file is and every problem found. */
struct mctx {
	const char *file; /* as given to the load function */
	const char *dir;  /* its folder, for relative paths */
	struct uk_diags *diags;
	size_t dropped; /* problems past MF_MAX_DIAGS */
};

/* diag.c: add a problem at (line, col), kept in file order. Returns the new
 * entry so a hint can follow, or NULL when the list is full. */
struct uk_diag *mf_diag(struct mctx *c, unsigned line, unsigned col,
			const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
struct uk_diag *mf_diag_at(struct mctx *c, const struct ynode *n,
			   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void mf_hint(struct uk_diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Summarise the diagnostics into err, status 2; returns -1. */
int mf_fail(struct mctx *c, struct uk_error *err);

/* tree.c: read and parse a file into *root. Returns -1 with a diagnostic
 * when there is nothing to validate (I/O error, syntax error, empty file);
 * *io is set for an I/O error. */
int mf_tree_load(struct mctx *c, struct ynode **root, bool *io);
/* Parse bytes already in memory (used by mf_tree_load). */
int mf_tree_parse(struct mctx *c, const char *buf, size_t len,
		  struct ynode **root);
void mf_tree_free(struct ynode *n);
/* A null scalar (plain "", "~", "null", "Null", "NULL"), and what a node is
 * for messages ("a list", "a mapping", "null", "a number", "a string"...). */
bool mf_is_null(const struct ynode *n);
const char *mf_kind(const struct ynode *n);

/* util.c */
void *mf_alloc(size_t n);
void *mf_realloc(void *p, size_t n);
char *mf_strdup(const char *s);
char *mf_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Damerau-style distance, capped: returns at most limit + 1. */
unsigned mf_distance(const char *a, const char *b, unsigned limit);
/* The closest of words[0..n) to s within distance 2, or NULL. */
const char *mf_closest(const char *s, const char *const *words, size_t n);
/* s printable and at most ~60 characters, for quoting in a message. */
const char *mf_q(const char *s, char *buf, size_t len);
#define MF_QBUF 96
bool mf_is_ident(const char *s, size_t len);
bool mf_valid_name(const char *s);
char *mf_dirname(const char *path);
char *mf_join(const char *dir, const char *rel);

/* schema.c: a mapping checked against a table of fields. */
/* Item checks for lists: return false after adding a diagnostic. */
typedef bool (*mf_item_check)(struct mctx *c, const struct ynode *key,
			      const struct ynode *item);

/* How a field's value is read: most fields are declared by their kind and
 * where they go (offsetof in the parsed struct); MF_CUSTOM calls set. */
enum mf_kind { MF_CUSTOM, MF_SPEC, MF_NAME, MF_STR, MF_STRV };

struct mf_field {
	const char *key;
	bool required;
	enum mf_kind kind;
	size_t off;          /* MF_SPEC..MF_STRV: offset of the member */
	bool allow_empty;    /* MF_STR, MF_STRV: "" is a valid value */
	mf_item_check check; /* MF_STRV: checks each item (may be NULL) */
	/* MF_CUSTOM: called with a non-null value (or null when required). */
	void (*set)(struct mctx *c, const struct ynode *key,
		    const struct ynode *val, void *obj);
	const char *missing_hint; /* for a required field */
};
struct mf_synonym {
	const char *wrong, *right;
};
/* Reads c->file and walks its top mapping into obj. *io tells whether a
 * problem was reading the file rather than its content. */
void mf_read(struct mctx *c, const struct mf_field *fields, size_t nfields,
	     const struct mf_synonym *syn, size_t nsyn, void *obj, bool *io);
/* After problems: the summary into err (status 1 for I/O, else 2); frees
 * own (the diagnostics list used when the caller passed none). -1. */
int mf_failed(struct mctx *c, bool io, struct uk_diags *own, struct uk_error *err);
void mf_walk(struct mctx *c, const struct ynode *map,
	     const struct mf_field *fields, size_t nfields,
	     const struct mf_synonym *syn, size_t nsyn, void *obj);

/* The position to blame for a value: the value, or its key when the value
 * is null (libyaml puts an empty value's mark on the next token). */
const struct ynode *mf_blame(const struct ynode *key, const struct ynode *val);

/* A scalar as a string. Replaces *out. Returns 0, or -1 with a diagnostic. */
int mf_get_str(struct mctx *c, const struct ynode *key,
	       const struct ynode *val, char **out, bool allow_empty);
/* One list item as a string, or NULL after a diagnostic. */
const char *mf_item_str(struct mctx *c, const struct ynode *key,
			const struct ynode *item, bool allow_empty);
/* A list of scalars, each checked by check (may be NULL). Items that fail
 * are reported and left out. Returns -1 when the value is not a list. */
int mf_get_strv(struct mctx *c, const struct ynode *key,
		const struct ynode *val, struct uk_strv *out, bool allow_empty,
		mf_item_check check);

/* paths.c: existence checks relative to c->dir. */
bool mf_check_dir(struct mctx *c, const struct ynode *key,
		  const struct ynode *item);
bool mf_check_file(struct mctx *c, const struct ynode *key,
		   const struct ynode *item);
bool mf_check_glob(struct mctx *c, const struct ynode *key,
		   const struct ynode *item);
/* The entry of folder dir closest to base, or NULL (caller frees). */
char *mf_closest_entry(const char *dir, const char *base, bool want_dir);
/* A hint for a path rel (relative to c->dir) that does not exist: a near
 * name in the same folder, a missing folder, or where paths start from. */
void mf_hint_missing(struct mctx *c, struct uk_diag *d, const char *rel,
		     bool want_dir);

/* files.c: uk.yaml's files: and zoneinfo:, and the check of all their
 * guest paths together once both are read. */
void mf_set_files(struct mctx *c, const struct ynode *key,
		  const struct ynode *val, void *obj);
void mf_set_zoneinfo(struct mctx *c, const struct ynode *key,
		     const struct ynode *val, void *obj);
void mf_check_guest_paths(struct mctx *c, struct uk_manifest *m);

/* ports.c: network: and ports:, and what they imply once all is read */
void mf_set_ports(struct mctx *c, const struct ynode *key, const struct ynode *val, void *obj);
void mf_set_network(struct mctx *c, const struct ynode *key, const struct ynode *val,
		    void *obj);
void mf_check_network(struct mctx *c, struct uk_manifest *m);

/* volumes.c */
void mf_set_volumes(struct mctx *c, const struct ynode *key, const struct ynode *val,
		    void *obj);

#endif
