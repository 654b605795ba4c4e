/* uk's static linker: ELF64 x86_64 objects and archives in, one ELF64 EXEC
 * out, with whole-program dead-code elimination (section reachability).
 * Never prints: explanations come back as text in struct uk_link_result. */
#ifndef UK_LINKER_H
#define UK_LINKER_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct uk_link_opts {
	const char *const *inputs; /* objects (.o) and archives (.a), any order */
	size_t ninputs;
	const char *output;        /* written to a temp file, renamed on success */
	const char *entry;         /* entry symbol; NULL means "_start" */
	const char *const *keep;   /* extra GC roots: symbols, or section names */
	size_t nkeep;
	/* "ANCHOR=SYMBOL": when SYMBOL is defined by a loaded input, ANCHOR is
	 * linked as if referenced (component.yaml link_if:) */
	const char *const *link_if;
	size_t nlink_if;
	uint64_t base;             /* first load address; 0 means 1 MiB */
	int no_gc;                 /* keep every section of every loaded input */
	int strip_all;             /* no .symtab/.strtab */
	const char *map_path;      /* --map FILE, or NULL */
	const char *report_path;   /* --report FILE (JSON), or NULL */
	const char *why_symbol;    /* --why SYMBOL, or NULL */
	const char *debug_path;    /* --debug-out FILE: the image plus the
				    * inputs' DWARF, relocated (debug_out.c) */
	int print_gc_sections;     /* fill result->gc_text */
};

struct uk_link_result {
	uint64_t load_bytes;       /* sum of PT_LOAD p_memsz */
	uint64_t file_bytes;       /* size of the output file */
	uint64_t kept_bytes, removed_bytes; /* allocated input sections */
	size_t kept_sections, removed_sections;
	uint64_t merged_bytes;     /* SHF_MERGE strings and constants saved */
	size_t folded_sections;    /* identical functions folded (ICF) */
	uint64_t folded_bytes;
	double seconds;            /* wall time of the link */
	char *why_text;            /* chain for why_symbol, one step a line */
	char *gc_text;             /* "removed 'sec' in 'file'" lines */
	char *error_text;          /* on failure with undefined or duplicate
				    * symbols: all of them, one a line (err->msg
				    * holds what fits in it); else NULL */
};

/* Links; on failure nothing is left at opts->output and err says what and
 * where (file, member, section, offset, symbol). Every undefined symbol and
 * duplicate definition is listed in err->msg (one per line), status 1. */
int uk_link(const struct uk_link_opts *opts, struct uk_link_result *res,
	    struct uk_error *err);
/* Frees the texts of a result, also after a failed uk_link. */
void uk_link_result_free(struct uk_link_result *res);

/* The reference path: writes a GNU ld script equivalent to uk_link's layout
 * (same base, segments, synthesized symbols, roots) next to opts->output
 * and runs `ld.bfd` with it (--gc-sections unless no_gc, archives in a
 * group). For `uk build --linker=bfd`, differential tests and benchmarks.
 * Fills load_bytes, file_bytes and seconds; why_text and gc_text stay
 * NULL (ld prints --print-gc-sections itself, on stderr). */
int uk_link_bfd(const struct uk_link_opts *opts, struct uk_link_result *res,
		struct uk_error *err);

#endif
