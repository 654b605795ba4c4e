/* Internal model of uk's linker, shared by its files and never by other
 * modules: objects, input sections, global symbols, output sections.
 * Files call one way, down this order: link.c; archive.c, layout.c;
 * symbols.c, reloc.c, uk_symtab.c, gc.c, icf.c, merge.c, the outputs;
 * input.c; symhash.c; lazy.c;
 * util.c (layout.c drives reloc.c's GOT scan and the uk_symtab section it
 * makes, which only read the model). */
#ifndef UK_LINKER_INTERNAL_H
#define UK_LINKER_INTERNAL_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include "linker/linker.h"
#include "util/error.h"

struct lk_obj;
struct lk_osec;

struct lk_sec {
	struct lk_obj *obj;
	const char *name;
	const Elf64_Shdr *sh;  /* validated: data lies inside obj */
	const uint8_t *data;   /* NULL for SHT_NOBITS and synthetic bss */
	uint64_t size, align, flags;
	uint32_t type;
	uint32_t idx;          /* section index in obj */
	uint32_t rela;         /* index of its SHT_RELA section, or 0 */
	uint32_t group;        /* index of its SHT_GROUP section, or 0 */
	uint8_t live, discarded, gc_candidate;
	uint8_t kind;          /* LK_SK_* from its name (input.c) */
	struct lk_osec *osec;
	uint64_t addr;         /* final virtual address */
	uint32_t prio;         /* init_array sort key */
	/* why it is live: a root description, or the section + symbol that
	 * reached it first */
	const char *root;
	struct lk_sec *from;
	const char *via;
	struct lk_sec *next;   /* in its output section */
	/* merge.c: the merged section holding its pieces, and 2 words a
	 * piece (input offset, output offset); icf.c: with no pieces, the
	 * identical section it is folded into */
	struct lk_sec *into;
	uint32_t *pieces;
	uint32_t npieces;
	uint8_t no_merge;      /* a reference merging would misplace */
	uint8_t rela_ok;       /* its relocations' symbols checked */
	uint8_t addr_taken;    /* reached by more than direct branches */
	uint32_t merged;       /* a merged section: how many inputs it holds */
	uint64_t merged_in;    /* and their bytes, each padded to its alignment */
};

#define LK_SK_DROP 1 /* never output: .eh_frame, .comment, .debug*, ... */
#define LK_SK_ROOT 2 /* .init, .fini, .init_array[.N], .ctors, ... */

struct lk_obj {
	const char *path;      /* file as given */
	const char *member;    /* archive member name (member_len bytes, in
				* the mapped archive) once opened, or NULL */
	uint32_t member_len;
	char *display;         /* "libc.a(printf.lo)" or "hello.o", in the
				* arena; a member's made when it is loaded */
	const uint8_t *data;
	size_t size;
	const Elf64_Shdr *shdrs;
	uint32_t shnum;
	const char *shstr;
	size_t shstr_size;
	const Elf64_Sym *syms;
	uint32_t nsyms, first_global, symtab_idx;
	const char *strtab;
	size_t strtab_size;
	struct lk_sec *secs;    /* shnum entries, after load */
	struct lk_sym **gsyms;  /* nsyms entries, NULL for locals */
	int loaded, queued;
	int ar_member;          /* lazy archive member, parsed when needed */
	const struct lk_archive *ar; /* and its archive, header offset */
	uint64_t ar_hdr;
	uint32_t id;            /* load order */
	struct lk_obj *next;    /* all loaded objects, in load order */
};

enum lk_state { LK_UNDEF, LK_LAZY, LK_DEFINED, LK_COMMON };

struct lk_sym {
	const char *name;
	uint32_t hash;
	uint8_t state, weak, strong_ref, type, vis, is_abs, synth;
	uint8_t referenced;
	uint32_t seq;          /* creation order (symhash.c), counting the
				* names of archive indexes not yet asked for
				* where the archive was read */
	struct lk_obj *obj;    /* definer, or lazy archive member */
	struct lk_sec *sec;    /* defining section, NULL when absolute */
	uint64_t value, size, align;
	uint64_t addr;         /* final address (valid after layout) */
	struct lk_obj *ref_obj; /* first reference from a live section */
	const char *ref_sec;
	uint8_t live_ref;       /* referenced from a live section or a root */
	int32_t got, gottp;     /* GOT slot indices or -1 */
	uint8_t startstop;      /* __start_X/__stop_X marked X already */
	struct lk_sym *next;    /* creation order */
};

/* Bump allocation for the many small records of a link, freed at once. */
struct lk_arena {
	struct lk_chunk *head;
	size_t used, cap;
};

/* An archive's members and the names its index (armap) gives that were
 * not in the symbol table when it was read (lazy.c): a name leaves it
 * for the table, as a lazy symbol, when the link first asks for it, so
 * reading an archive costs what the link uses of it. */
struct lk_member {
	uint64_t hdr;          /* offset of its ar header, as the index names
				* it: read and checked when the member is
				* loaded (archive.c) */
	struct lk_obj *obj;    /* made when a symbol first names it */
};

struct lk_lazy_ent {
	const char *name;      /* in the armap libbfd read */
	uint32_t hash;         /* lk_name_hash */
	uint32_t member;       /* index in mem */
};

struct lk_archive {
	const char *path;
	const uint8_t *data;   /* the mapped archive */
	size_t size;
	const char *longnames; /* the "//" member's table, or NULL */
	size_t nlong;
	struct lk_member *mem; /* the members the index names, by offset */
	size_t nmem, capmem, hint;
	struct lk_lazy_ent *ent; /* first definer of each name, index order */
	size_t nent, capent;
	uint32_t *slots;       /* open addressing: ent index + 1, 0 empty */
	uint32_t mask;
	uint32_t seq0;         /* ent[k]'s symbol is created as seq0 + k */
	struct lk_archive *next; /* in read order: the first one wins */
};

struct lk_symtab {
	struct lk_arena *arena; /* where symbols live; NULL: malloc each */
	struct lk_sym **slots;
	size_t cap, count;
	struct lk_sym *first, *last; /* by seq */
	struct lk_sym *late;   /* out of seq order, for lk_symtab_order */
	size_t nlate;
	struct lk_sym *before_lazy; /* the last symbol before the first
				     * archive: every late one goes after */
	uint32_t nseq;
	uint8_t ordered;       /* lk_symtab_order ran: insert by seq */
	struct lk_archive *lazy, *lazy_last; /* consulted on a miss */
};

/* R: headers, notes, rodata; RX: text; RW: tls, arrays, data, bss;
 * SYMS: the runtime's uk_symtab, last so that it moves no address */
enum lk_seg { LK_SEG_R, LK_SEG_RX, LK_SEG_RW, LK_SEG_SYMS, LK_NSEGS };

struct lk_osec {
	char *name;
	enum lk_seg seg;
	uint32_t type;         /* SHT_PROGBITS, SHT_NOBITS, SHT_NOTE, ... */
	uint64_t flags, align, addr, size;
	int order;             /* sort key within its segment */
	int is_tls, sort_prio;
	struct lk_sec *first, *last;
	size_t nsecs;
	uint32_t shndx;        /* index in the output section headers */
};

struct lk_map {
	void *p;
	size_t len;
	const char *path;
};

struct lk_got {
	struct lk_sym *sym;
	int tp;                /* holds the TP offset instead of the address */
};

struct lk_ctx {
	const struct uk_link_opts *opts;
	struct lk_arena arena;
	struct uk_error *err;
	uint64_t base;
	struct lk_symtab syms;
	struct lk_symtab groups; /* COMDAT signatures seen */
	struct lk_obj *objs, *objs_last; /* loaded, in order */
	void **bfds;            /* open archives (libbfd), closed at the end */
	size_t nbfds, capbfds;
	struct lk_obj **queue;  /* members to extract */
	size_t nqueue, capqueue;
	struct lk_map *maps;    /* the inputs mapped (inmap.c) */
	size_t nmaps, capmaps;
	struct lk_osec **osecs;
	size_t nosecs;
	struct lk_got *got;
	size_t ngot, capgot;
	struct lk_osec *got_osec;
	int need_got;           /* GOTOFF64/GOTPC* name the GOT's address */
	struct lk_sec **extra;  /* COMMON symbols' sections, made here */
	size_t nextra, capextra;
	char *dup_msgs;         /* duplicate definitions, one per line */
	char *error_text;       /* every resolution error, for the result */
	size_t ndups;
	uint64_t seg_start[LK_NSEGS], seg_end[LK_NSEGS], seg_fend[LK_NSEGS];
	uint64_t seg_foff[LK_NSEGS]; /* file offset of each segment (write_elf.c) */
	uint64_t file_end;           /* end of the segments' bytes in the file */
	int seg_used[LK_NSEGS];
	uint64_t tls_start, tls_end, tls_align, tls_memsz, tls_filesz;
	uint64_t entry_addr;
	size_t nphdrs;
	uint64_t hdr_size;
	uint8_t *out;
	size_t out_size;
	uint64_t img_end;       /* end of file-backed image */
	int written;            /* the output file exists */
	struct lk_debug_job *debug_job; /* debug_out.c, while it runs */
	struct lk_sec **live;   /* gc.c: every live section, in marking order */
	size_t nlive;
	struct lk_sec **merged; /* merge.c's sections, placed like inputs */
	size_t nmerged, capmerged;
	struct lk_sec **moved;  /* inputs merged or folded (their into) */
	size_t nmoved, capmoved;
	uint64_t merged_str, merged_const; /* bytes merging saved */
	size_t nfolded;         /* icf.c: sections folded, and their bytes */
	uint64_t folded_bytes;
	struct lk_osec *ukst_osec; /* uk_symtab made by the linker */
	uint8_t *ukst;
	size_t ukst_size;
	double t0;
};

/* util.c */
void *lk_arena_alloc(struct lk_arena *a, size_t size); /* zeroed */
void lk_arena_free(struct lk_arena *a);
void *lk_xcalloc(size_t n, size_t size);
/* tmp, complete, replaces path atomically (uk_path_publish's rules) */
int lk_publish(const char *tmp, const char *path);
char *lk_xstrdup(const char *s);
char *lk_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lk_append(char **buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lk_push(void *arrp, size_t *n, size_t *cap, size_t elem, const void *v);
int lk_is_c_ident(const char *s);
const char *lk_reloc_name(uint32_t type);
uint64_t lk_align_up(uint64_t v, uint64_t a);
/* The final address of byte off of an input section, also when merge.c
 * moved its pieces or icf.c folded it (valid after layout). */
uint64_t lk_piece_addr(const struct lk_sec *s, uint64_t off);
static inline uint64_t lk_sec_addr(const struct lk_sec *s, uint64_t off)
{
	return s->pieces ? lk_piece_addr(s, off) : s->addr + off;
}

/* inmap.c: input files, read or mapped for the link's life */
int lk_map_file(struct lk_ctx *c, const char *path, const uint8_t **data,
		size_t *size);
void lk_unmap_inputs(struct lk_ctx *c);

/* input.c: ELF relocatable objects, every read bounds-checked */
int lk_obj_parse(struct lk_ctx *c, struct lk_obj *o);   /* headers+symtab */
int lk_obj_load(struct lk_ctx *c, struct lk_obj *o);    /* sections */
const char *lk_sym_name(const struct lk_obj *o, const Elf64_Sym *s);
int lk_member_open(struct lk_ctx *c, struct lk_obj *m); /* lazy -> parsed */
char *lk_ar_strays(struct lk_ctx *c); /* non-ELF members, or NULL */
int lk_rela_get(struct lk_ctx *c, const struct lk_sec *s,
		const Elf64_Rela **rel, size_t *n);

/* archive.c: objects, and archives through libbfd */
int lk_read_input(struct lk_ctx *c, const char *path);
void lk_close_archives(struct lk_ctx *c);

/* symhash.c: tables of names. A miss in the table looks in its archives'
 * indexes (lazy.c): a name found there joins the table, lazy, as if it
 * had been added when its archive was read. */
uint32_t lk_name_hash(const char *name);
struct lk_sym *lk_sym_find(struct lk_symtab *t, const char *name);
struct lk_sym *lk_sym_get(struct lk_symtab *t, const char *name);
/* the table alone, no archive index: what reading an archive asks */
struct lk_sym *lk_sym_peek(struct lk_symtab *t, const char *name, uint32_t h);
/* an archive's index (lk_lazy_index made) joins the table's, last */
void lk_symtab_add_archive(struct lk_symtab *t, struct lk_archive *ar);
/* first..last in creation order (seq); later inserts keep it */
void lk_symtab_order(struct lk_symtab *t);
void lk_symtab_free(struct lk_symtab *t);

/* lazy.c */
/* ent[] deduplicated (the first of a name kept) and hashed in the arena */
void lk_lazy_index(struct lk_arena *a, struct lk_archive *ar);
const struct lk_lazy_ent *lk_lazy_find(const struct lk_archive *ar,
				       const char *name, uint32_t h);
/* the member's lk_obj, made the first time (in the arena) */
struct lk_obj *lk_member_obj(struct lk_arena *a, struct lk_archive *ar,
			     struct lk_member *m);
void lk_lazy_free(struct lk_archive *list);

/* symbols.c */
int lk_add_object(struct lk_ctx *c, struct lk_obj *o);
/* an undefined symbol an archive member defines becomes lazy */
void lk_add_lazy(struct lk_ctx *c, struct lk_sym *g, struct lk_obj *member);
int lk_drain_queue(struct lk_ctx *c);
int lk_check_resolution(struct lk_ctx *c);
void lk_define_commons(struct lk_ctx *c);
int lk_apply_link_if(struct lk_ctx *c);
/* A defined symbol's address once sections are placed (0 if undefined). */
uint64_t lk_sym_addr(const struct lk_sym *s);

/* gc.c */
int lk_gc(struct lk_ctx *c);

/* A stable radix sort by key (a byte a pass; passes where every key has
 * the same byte are skipped): no comparison calls, for the hot sorts. */
struct lk_keyed {
	uint64_t key;
	void *p;
};
void lk_radix_sort(struct lk_keyed *v, size_t n);
/* sections in input order: by object, then section index */
void lk_sort_secs(struct lk_sec **v, size_t n);

/* merge.c: SHF_MERGE strings and constants, after gc */
int lk_merge(struct lk_ctx *c);
/* merged and folded sections take their addresses (layout.c, once the
 * sections holding them are placed) */
void lk_merge_place(struct lk_ctx *c);

/* icf.c: identical functions whose address is never taken, after merge */
int lk_icf(struct lk_ctx *c);

/* layout.c */
int lk_layout(struct lk_ctx *c);

/* uk_symtab.c: the runtime's symbol table (runtime/include/uk/symtab.h) */
int lk_ukst_wanted(struct lk_ctx *c); /* layout.c then makes its osec */
void lk_ukst_build(struct lk_ctx *c);

/* reloc.c */
int lk_scan_got(struct lk_ctx *c);
int lk_relocate(struct lk_ctx *c);

/* write_elf.c */
int lk_write(struct lk_ctx *c, uint64_t *file_bytes);

/* debug_out.c: opts->debug_path, made on a thread started with the link;
 * from lk_debug_inputs (every input loaded) it reads the objects' sections,
 * from lk_debug_layout (the layout final) their addresses and symbols, and
 * writes nothing of the link's; lk_debug_image says whether the image was
 * written, lk_debug_finish ends the job (always called before the state is
 * freed; -1 when the debug file failed) */
void lk_debug_start(struct lk_ctx *c);
void lk_debug_inputs(struct lk_ctx *c);
void lk_debug_layout(struct lk_ctx *c);
void lk_debug_image(struct lk_ctx *c, int written);
int lk_debug_finish(struct lk_ctx *c);

/* report.c, map.c, why.c; the report made (a malloc'd buffer), then
 * written atomically to opts->report_path */
char *lk_report_render(struct lk_ctx *c, const struct uk_link_result *res, size_t *len);
int lk_report_publish(struct lk_ctx *c, const char *text, size_t len);
int lk_write_map(struct lk_ctx *c);
char *lk_why(struct lk_ctx *c, const char *symbol);
char *lk_gc_text(struct lk_ctx *c);

#endif
