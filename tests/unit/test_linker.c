/* uk's linker: relocations (exact bytes, relaxations included), symbol
 * resolution, archives, GC roots, explanations, and refused inputs. */
#include "test_linker_util.h"

static const char start_hdr[] =
	"\t.globl _start\n\t.section .text._start,\"ax\",@progbits\n_start:\n";

static void t_reloc_basic(void)
{
	const char *in[1];
	const char *keep[] = { "d64" };
	struct uk_link_opts o = { .keep = keep, .nkeep = 1 };
	struct uk_link_result r;
	struct uk_error e;
	struct tl_out out;
	char src[2048];

	snprintf(src, sizeof(src), "%s"
		 "\tcall foo\n\tmovq $foo, %%rax\n\tret\n"
		 "\t.section .text.foo,\"ax\",@progbits\n\t.globl foo\n"
		 "\t.type foo,@function\nfoo:\tret\n\t.size foo, 1\n"
		 "\t.section .data.d,\"aw\",@progbits\n"
		 "\t.globl d64, d32, dpc32, dpc64, dsz32, dsz64, dgoff, dgpc\n"
		 "d64:\t.quad foo + 3\nd32:\t.long foo\ndpc32:\t.long foo - .\n"
		 "dpc64:\t.quad foo - .\ndsz32:\t.long foo@SIZE\n"
		 "dsz64:\t.quad foo@SIZE + 1\n"
		 "dgoff:\t.quad foo@GOTOFF\n"
		 "dgpc:\t.long _GLOBAL_OFFSET_TABLE_ - .\n", start_hdr);
	in[0] = tl_as("basic.o", src);
	CHECK_EQ_INT(tl_link(in, 1, &o, &r, &e), 0);
	tl_read(tl_path("out"), &out);
	uint64_t st = tl_sym(&out, "_start"), foo = tl_sym(&out, "foo");
	CHECK(st >= 0x100000 && foo > st);
	CHECK_EQ_INT(tl_at(&out, st)[0], 0xe8);
	CHECK_EQ_INT(tl_s32(tl_at(&out, st + 1)), (int64_t)(foo - (st + 5)));
	CHECK_EQ_INT(tl_s32(tl_at(&out, st + 8)), (int64_t)foo);
	CHECK_EQ_INT(tl_u64(tl_at(&out, tl_sym(&out, "d64"))), foo + 3);
	CHECK_EQ_INT(tl_s32(tl_at(&out, tl_sym(&out, "d32"))), (int64_t)foo);
	uint64_t p32 = tl_sym(&out, "dpc32"), p64 = tl_sym(&out, "dpc64");
	CHECK_EQ_INT(tl_s32(tl_at(&out, p32)), (int64_t)(foo - p32));
	CHECK_EQ_INT(tl_u64(tl_at(&out, p64)), foo - p64);
	CHECK_EQ_INT(tl_s32(tl_at(&out, tl_sym(&out, "dsz32"))), 1);
	CHECK_EQ_INT(tl_u64(tl_at(&out, tl_sym(&out, "dsz64"))), 2);
	uint64_t got = tl_sym(&out, "_GLOBAL_OFFSET_TABLE_");
	CHECK(got != 0);
	CHECK_EQ_INT(tl_u64(tl_at(&out, tl_sym(&out, "dgoff"))), foo - got);
	uint64_t gpc = tl_sym(&out, "dgpc");
	CHECK_EQ_INT(tl_s32(tl_at(&out, gpc)), (int64_t)(got - gpc));
	free(out.d);
	uk_link_result_free(&r);
}

static void t_gotpcrelx_relaxed(void)
{
	const char *in[1];
	struct uk_link_result r;
	struct uk_error e;
	struct tl_out out;
	char src[2048];

	snprintf(src, sizeof(src), "%s"
		 "\tmovq foo@GOTPCREL(%%rip), %%rax\n"
		 "\tcall *foo@GOTPCREL(%%rip)\n"
		 "\tjmp *foo@GOTPCREL(%%rip)\n"
		 "\taddq foo@GOTPCREL(%%rip), %%rax\n"
		 "\tmovq wk@GOTPCREL(%%rip), %%rcx\n"
		 "\t.weak wk\n"
		 "\t.section .text.foo,\"ax\",@progbits\n\t.globl foo\nfoo:\tret\n",
		 start_hdr);
	in[0] = tl_as("gotx.o", src);
	CHECK_EQ_INT(tl_link(in, 1, NULL, &r, &e), 0);
	tl_read(tl_path("out"), &out);
	uint64_t st = tl_sym(&out, "_start"), foo = tl_sym(&out, "foo");
	const uint8_t *p = tl_at(&out, st);
	/* mov -> lea */
	CHECK(p[0] == 0x48 && p[1] == 0x8d && p[2] == 0x05);
	CHECK_EQ_INT(tl_s32(p + 3), (int64_t)(foo - (st + 7)));
	/* call *GOT -> addr32 call */
	CHECK(p[7] == 0x67 && p[8] == 0xe8);
	CHECK_EQ_INT(tl_s32(p + 9), (int64_t)(foo - (st + 13)));
	/* jmp *GOT -> nop; jmp */
	CHECK(p[13] == 0x90 && p[14] == 0xe9);
	CHECK_EQ_INT(tl_s32(p + 15), (int64_t)(foo - (st + 19)));
	/* add cannot be relaxed: a real GOT slot holding foo */
	CHECK(p[19] == 0x48 && p[20] == 0x03 && p[21] == 0x05);
	uint64_t slot = st + 26 + (uint64_t)(int64_t)tl_s32(p + 22);
	CHECK_EQ_INT(tl_u64(tl_at(&out, slot)), foo);
	/* weak undefined: a GOT slot holding 0 */
	CHECK(p[26] == 0x48 && p[27] == 0x8b && p[28] == 0x0d);
	slot = st + 33 + (uint64_t)(int64_t)tl_s32(p + 29);
	CHECK_EQ_INT(tl_u64(tl_at(&out, slot)), 0);
	free(out.d);
	uk_link_result_free(&r);
}

static void t_tls_relaxed_to_le(void)
{
	static const uint8_t gd[] = { 0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0,
				      0x48, 0x8d, 0x80 };
	static const uint8_t ld[] = { 0x66, 0x66, 0x66, 0x64, 0x48, 0x8b,
				      0x04, 0x25, 0, 0, 0, 0 };
	const char *in[1];
	struct uk_link_result r;
	struct uk_error e;
	struct tl_out out;
	char src[2048];

	snprintf(src, sizeof(src), "%s"
		 "\tmovq %%fs:0, %%rax\n\tleaq x@tpoff(%%rax), %%rax\n"
		 "\tmovq x@gottpoff(%%rip), %%rax\n"
		 "\tmovq y@gottpoff(%%rip), %%r12\n"
		 "\taddq x@gottpoff(%%rip), %%rcx\n"
		 "\t.byte 0x66\n\tleaq x@tlsgd(%%rip), %%rdi\n"
		 "\t.value 0x6666\n\trex64\n\tcall __tls_get_addr@PLT\n"
		 "\tleaq x@tlsld(%%rip), %%rdi\n\tcall __tls_get_addr@PLT\n"
		 "\tleaq y@dtpoff(%%rax), %%rax\n\tret\n"
		 "\t.section .tdata,\"awT\",@progbits\n\t.globl x, y\n"
		 "x:\t.long 1\ny:\t.long 2\n", start_hdr);
	in[0] = tl_as("tls.o", src);
	CHECK_EQ_INT(tl_link(in, 1, NULL, &r, &e), 0);
	if (e.msg[0])
		check_fail(__FILE__, __LINE__, "%s", e.msg);
	tl_read(tl_path("out"), &out);
	const uint8_t *p = tl_at(&out, tl_sym(&out, "_start"));
	CHECK_EQ_INT(tl_s32(p + 12), -8);                       /* TPOFF32 */
	CHECK(p[16] == 0x48 && p[17] == 0xc7 && p[18] == 0xc0); /* IE->LE */
	CHECK_EQ_INT(tl_s32(p + 19), -8);
	CHECK(p[23] == 0x49 && p[24] == 0xc7 && p[25] == 0xc4); /* %r12 */
	CHECK_EQ_INT(tl_s32(p + 26), -4);
	CHECK(p[30] == 0x48 && p[31] == 0x81 && p[32] == 0xc1); /* add */
	CHECK_EQ_INT(tl_s32(p + 33), -8);
	CHECK(!memcmp(p + 37, gd, sizeof(gd)));                 /* GD->LE */
	CHECK_EQ_INT(tl_s32(p + 49), -8);
	CHECK(!memcmp(p + 53, ld, sizeof(ld)));                 /* LD->LE */
	CHECK_EQ_INT(tl_s32(p + 68), -4);                       /* DTPOFF32 */
	free(out.d);
	uk_link_result_free(&r);
}

static void t_overflow_is_an_error(void)
{
	const char *in[1];
	const char *keep[] = { "d" };
	struct uk_link_opts o = { .keep = keep, .nkeep = 1 };
	struct uk_link_result r;
	struct uk_error e;
	char src[1024];

	snprintf(src, sizeof(src), "%s\tret\n\t.section .data.d,\"aw\"\n"
		 "\t.globl d\nd:\t.quad 0\n\t.long _start + 0x100000000\n",
		 start_hdr);
	in[0] = tl_as("ovf.o", src);
	unlink(tl_path("out"));
	CHECK_EQ_INT(tl_link(in, 1, &o, &r, &e), -1);
	CHECK_EQ_INT(e.status, 1);
	CHECK_CONTAINS(e.msg, "ovf.o: section '.data.d' offset 0x8");
	CHECK_CONTAINS(e.msg, "R_X86_64_32 against '_start'");
	CHECK_CONTAINS(e.msg, "does not fit");
	CHECK(access(tl_path("out"), F_OK) != 0);
}

static void t_unknown_reloc_is_an_error(void)
{
	const char *in[1];
	struct uk_link_result r;
	struct uk_error e;
	char src[1024];

	snprintf(src, sizeof(src), "%s\t.reloc ., R_X86_64_16, _start\n"
		 "\t.quad 0\n", start_hdr);
	in[0] = tl_as("unk.o", src);
	CHECK_EQ_INT(tl_link(in, 1, NULL, &r, &e), -1);
	CHECK_CONTAINS(e.msg, "unk.o: section '.text._start' offset 0x0");
	CHECK_CONTAINS(e.msg, "R_X86_64_16 against '_start'");
	CHECK_CONTAINS(e.msg, "unsupported relocation type");
}

static void t_all_undefined_and_duplicates(void)
{
	const char *in[3];
	struct uk_link_result r;
	struct uk_error e;
	char src[1024];

	snprintf(src, sizeof(src), "%s\tcall u1\n\tcall u2\n\tcall dup\n",
		 start_hdr);
	in[0] = tl_as("ua.o", src);
	in[1] = tl_as("ub.o", "\t.text\n\t.globl dup\ndup:\tret\n");
	in[2] = tl_as("uc.o", "\t.text\n\t.globl dup\ndup:\tret\n");
	CHECK_EQ_INT(tl_link(in, 3, NULL, &r, &e), -1);
	CHECK_EQ_INT(e.status, 1);
	CHECK_CONTAINS(e.msg, "2 undefined symbols, 1 duplicate definition");
	CHECK_CONTAINS(e.msg, "undefined symbol 'u1', referenced by");
	CHECK_CONTAINS(e.msg, "ua.o (section '.text._start')");
	CHECK_CONTAINS(e.msg, "undefined symbol 'u2'");
	CHECK_CONTAINS(e.msg, "duplicate symbol 'dup': defined in");
	CHECK_CONTAINS(e.msg, "ub.o (section '.text') and in");
	CHECK_CONTAINS(e.msg, "uc.o (section '.text')");
	uk_link_result_free(&r);
}

static void t_many_undefined_all_listed(void)
{
	const char *in[1];
	struct uk_link_result r;
	struct uk_error e;
	char src[8192];
	size_t n;

	n = (size_t)snprintf(src, sizeof(src), "%s", start_hdr);
	for (int i = 0; i < 60; i++)
		n += (size_t)snprintf(src + n, sizeof(src) - n,
				      "\tcall a_rather_long_undefined_function_name_%d\n",
				      i);
	in[0] = tl_as("many.o", src);
	CHECK_EQ_INT(tl_link(in, 1, NULL, &r, &e), -1);
	CHECK_CONTAINS(e.msg, "60 undefined symbols");
	CHECK_CONTAINS(e.msg, "... and ");
	CHECK(strlen(e.msg) < sizeof(e.msg) - 1);
	CHECK_CONTAINS(r.error_text, "function_name_0'");
	CHECK_CONTAINS(r.error_text, "function_name_59'");
	uk_link_result_free(&r);
}

static void t_refuses_garbage(void)
{
	const char *in[2];
	struct uk_link_result r;
	struct uk_error e;
	struct tl_out good;
	char src[256];

	in[1] = tl_path("garbage.o");
	tl_write("garbage.o", "this is not an object file\n", 27);
	snprintf(src, sizeof(src), "%s\tret\n", start_hdr);
	in[0] = tl_as("g0.o", src);
	CHECK_EQ_INT(tl_link(in, 2, NULL, &r, &e), -1);
	CHECK_CONTAINS(e.msg, "garbage.o: not an ELF object");
	CHECK_EQ_INT(e.status, 1);

	/* truncated: a real object cut short */
	tl_read(in[0], &good);
	tl_write("trunc.o", good.d, 100);
	in[1] = tl_path("trunc.o");
	CHECK_EQ_INT(tl_link(in, 2, NULL, &r, &e), -1);
	CHECK_CONTAINS(e.msg, "trunc.o: malformed ELF object");

	/* section headers pointing past the end */
	{
		Elf64_Ehdr *eh = (Elf64_Ehdr *)good.d;
		Elf64_Shdr *sh = (Elf64_Shdr *)(good.d + eh->e_shoff);
		uint64_t off = sh[1].sh_offset;
		sh[1].sh_offset = 0xfffffffffffff000ull;
		tl_write("badsec.o", good.d, good.n);
		in[1] = tl_path("badsec.o");
		CHECK_EQ_INT(tl_link(in, 2, NULL, &r, &e), -1);
		CHECK_CONTAINS(e.msg, "badsec.o: malformed ELF object: section 1 "
				      "extends past the end of the file");
		sh[1].sh_offset = off;
	}
	/* a symbol's section index: past the sections, SHN_XINDEX, or a
	 * reserved one other than SHN_ABS and SHN_COMMON is refused */
	{
		static const struct {
			uint16_t shndx;
			const char *msg;
		} cases[] = {
			{ 0, "symbol in a section that does not exist" }, /* shnum */
			{ SHN_XINDEX, "extended section indices unsupported" },
			{ SHN_LORESERVE, "symbol in a section that does not exist" },
			{ SHN_ABS, NULL }, /* allowed: the link gets past reading */
		};
		Elf64_Ehdr *eh = (Elf64_Ehdr *)good.d;
		Elf64_Shdr *sh = (Elf64_Shdr *)(good.d + eh->e_shoff);
		Elf64_Sym *sym = NULL;
		uint16_t was = 0;

		for (unsigned i = 1; i < eh->e_shnum; i++)
			if (sh[i].sh_type == SHT_SYMTAB)
				sym = (Elf64_Sym *)(good.d + sh[i].sh_offset) +
				      sh[i].sh_size / sizeof(*sym) - 1; /* _start */
		CHECK(sym != NULL);
		if (sym)
			was = sym->st_shndx;
		for (size_t k = 0; sym && k < sizeof(cases) / sizeof(cases[0]); k++) {
			sym->st_shndx = cases[k].shndx ? cases[k].shndx : eh->e_shnum;
			tl_write("badsym.o", good.d, good.n);
			in[1] = tl_path("badsym.o");
			if (cases[k].msg) {
				CHECK_EQ_INT(tl_link(in + 1, 1, NULL, &r, &e), -1);
				CHECK_CONTAINS(e.msg, cases[k].msg);
			} else if (tl_link(in + 1, 1, NULL, &r, &e) < 0) {
				CHECK(!strstr(e.msg, "malformed"));
			}
			uk_link_result_free(&r);
		}
		if (sym)
			sym->st_shndx = was;
	}
	free(good.d);

	/* an archive with a member that is not ELF: not read when unused (as
	 * with ld); named in the hint when a symbol is undefined */
	{
		const char *mem[2], *two[2];
		mem[0] = tl_as("m.o", "\t.text\n\t.globl mf\nmf:\tret\n");
		tl_write("notes.txt", "hello\n", 6);
		mem[1] = tl_path("notes.txt");
		in[1] = tl_ar("bad.a", mem, 2);
		CHECK_EQ_INT(tl_link(in, 2, NULL, &r, &e), 0);
		uk_link_result_free(&r);
		snprintf(src, sizeof(src), "%s\tcall mf\n\tcall mg\n", start_hdr);
		two[0] = tl_as("g1.o", src);
		two[1] = in[1];
		CHECK_EQ_INT(tl_link(two, 2, NULL, &r, &e), -1);
		CHECK_CONTAINS(e.msg, "undefined symbol 'mg'");
		CHECK_CONTAINS(e.hint, "not ELF objects, so nothing in them was "
				       "seen: ");
		CHECK_CONTAINS(e.hint, "bad.a(notes.txt)");
		uk_link_result_free(&r);
	}
	/* a file that does not exist */
	in[1] = tl_path("missing.o");
	CHECK_EQ_INT(tl_link(in, 2, NULL, &r, &e), -1);
	CHECK_CONTAINS(e.msg, "cannot open");
}

static void t_archive_lazy_any_order(void)
{
	const char *in[2], *mem[3];
	struct uk_link_opts o = { 0 };
	struct uk_link_result r;
	struct uk_error e;
	struct tl_out out;
	char src[512];

	mem[0] = tl_as("m1.o", "\t.text\n\t.globl f1\nf1:\tcall f2\n\tret\n");
	mem[1] = tl_as("m2.o", "\t.text\n\t.globl f2\nf2:\tret\n");
	mem[2] = tl_as("m3.o", "\t.text\n\t.globl f3, wfn\nf3:\nwfn:\tret\n");
	in[0] = tl_ar("lib.a", mem, 3); /* before the object using it */
	snprintf(src, sizeof(src), "%s\tcall f1\n\t.weak wfn\n\t.quad wfn\n",
		 start_hdr);
	in[1] = tl_as("lz.o", src);
	o.report_path = tl_path("lz.json");
	CHECK_EQ_INT(tl_link(in, 2, &o, &r, &e), 0);
	tl_read(tl_path("out"), &out);
	CHECK(tl_sym(&out, "f1") != 0);
	CHECK(tl_sym(&out, "f2") != 0);
	CHECK_EQ_INT(tl_sym(&out, "f3"), 0); /* m3 never loaded */
	CHECK_EQ_INT(tl_u64(tl_at(&out, tl_sym(&out, "_start") + 5)), 0);
	free(out.d);
	tl_read(tl_path("lz.json"), &out);
	out.d = realloc(out.d, out.n + 1);
	out.d[out.n] = 0;
	CHECK_CONTAINS((char *)out.d, "lib.a(m1.o)");
	CHECK(!strstr((char *)out.d, "lib.a(m3.o)"));
	CHECK_CONTAINS((char *)out.d, "\"kept_bytes\"");
	free(out.d);
	uk_link_result_free(&r);
}

static void t_common_and_groups(void)
{
	const char *in[4];
	struct uk_link_result r;
	struct uk_error e;
	struct tl_out out;
	char src[512];

	snprintf(src, sizeof(src), "%s\tmovq $cv, %%rax\n\tcall inl\n"
		 "\t.comm cv, 4, 4\n", start_hdr);
	in[0] = tl_as("c1.o", src);
	in[1] = tl_as("c2.o", "\t.comm cv, 16, 16\n");
	in[2] = tl_as("g1.o", "\t.section .text.inl,\"axG\",@progbits,inl,comdat\n"
			      "\t.globl inl\ninl:\tret\n");
	in[3] = tl_as("g2.o", "\t.section .text.inl,\"axG\",@progbits,inl,comdat\n"
			      "\t.globl inl\ninl:\tnop\n\tret\n");
	CHECK_EQ_INT(tl_link(in, 4, NULL, &r, &e), 0);
	if (e.msg[0])
		check_fail(__FILE__, __LINE__, "%s", e.msg);
	tl_read(tl_path("out"), &out);
	CHECK(tl_sym(&out, "cv") != 0);
	CHECK_EQ_INT(tl_sym(&out, "cv") % 16, 0);
	CHECK_EQ_INT(tl_at(&out, tl_sym(&out, "inl"))[0], 0xc3); /* first */
	free(out.d);
	uk_link_result_free(&r);
}

static void t_gc_roots_and_report(void)
{
	const char *in[1];
	struct uk_link_opts o = { .print_gc_sections = 1, .why_symbol = "leaf" };
	struct uk_link_result r;
	struct uk_error e;
	struct tl_out out;
	char src[2048];

	snprintf(src, sizeof(src), "%s"
		 "\tcall mid\n\tmovq $__start_myset, %%rax\n\tret\n"
		 "\t.section .text.mid,\"ax\",@progbits\n\t.globl mid\n"
		 "mid:\tcall leaf\n\tret\n"
		 "\t.section .text.leaf,\"ax\",@progbits\n\t.globl leaf\n"
		 "leaf:\tret\n"
		 "\t.section .text.dead,\"ax\",@progbits\n\t.globl dead\n"
		 "dead:\tret\n"
		 "\t.section .meta,\"ao\",@progbits,.text.dead\n\t.quad 1\n"
		 "\t.section .meta2,\"ao\",@progbits,.text.leaf\n\t.quad 2\n"
		 "\t.section .text.kept,\"axR\",@progbits\n\t.globl kept\n"
		 "kept:\tret\n"
		 "\t.section myset,\"a\",@progbits\n\t.globl set1\nset1:\t.quad 5\n"
		 "\t.section .init_array,\"aw\",@init_array\n\t.quad 0\n"
		 "\t.section .note.Xen,\"a\",@note\n\t.balign 4\n"
		 "\t.long 4, 4, 18\n\t.asciz \"Xen\"\n\t.long 0x100000\n",
		 start_hdr);
	in[0] = tl_as("gc.o", src);
	CHECK_EQ_INT(tl_link(in, 1, &o, &r, &e), 0);
	if (e.msg[0])
		check_fail(__FILE__, __LINE__, "%s", e.msg);
	CHECK_CONTAINS(r.gc_text, "removing unused section '.text.dead'");
	CHECK_CONTAINS(r.gc_text, "removing unused section '.meta' ");
	CHECK(!strstr(r.gc_text, "'.meta2'"));
	CHECK(!strstr(r.gc_text, ".text.kept"));
	CHECK(!strstr(r.gc_text, "'myset'"));
	CHECK(!strstr(r.gc_text, ".init_array"));
	CHECK(!strstr(r.gc_text, ".note.Xen"));
	CHECK_CONTAINS(r.why_text, "root: entry symbol _start\n");
	CHECK_CONTAINS(r.why_text, "_start (");
	CHECK_CONTAINS(r.why_text, "gc.o:.text._start) -> mid (");
	CHECK_CONTAINS(r.why_text, "mid (");
	CHECK_CONTAINS(r.why_text, "gc.o:.text.mid) -> leaf (");
	CHECK(r.removed_sections >= 2);
	tl_read(tl_path("out"), &out);
	{
		const Elf64_Ehdr *eh = (const void *)out.d;
		const Elf64_Phdr *ph = (const void *)(out.d + eh->e_phoff);
		int note = 0, load0 = 0, stack = 0;
		CHECK_EQ_INT(eh->e_type, ET_EXEC);
		CHECK_EQ_INT(eh->e_entry, tl_sym(&out, "_start"));
		for (unsigned i = 0; i < eh->e_phnum; i++) {
			if (ph[i].p_type == PT_NOTE && ph[i].p_filesz == 20) {
				const uint8_t *n = out.d + ph[i].p_offset;
				note = tl_s32(n + 8) == 18 && !memcmp(n + 12, "Xen", 4);
			}
			if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0 &&
			    ph[i].p_vaddr == 0x100000 && ph[i].p_flags == PF_R)
				load0 = 1;
			if (ph[i].p_type == PT_GNU_STACK)
				stack = 1;
			if (ph[i].p_type == PT_LOAD)
				CHECK_EQ_INT(ph[i].p_vaddr % 4096, 0);
		}
		CHECK(note);
		CHECK(load0);
		CHECK(stack);
	}
	free(out.d);
	uk_link_result_free(&r);
}

static void t_deterministic(void)
{
	const char *in[1];
	struct uk_link_opts o = { 0 };
	struct uk_link_result r;
	struct uk_error e;
	struct tl_out a, b;
	char src[256];

	snprintf(src, sizeof(src), "%s\tcall _start\n", start_hdr);
	in[0] = tl_as("det.o", src);
	o.output = tl_path("det1");
	CHECK_EQ_INT(tl_link(in, 1, &o, &r, &e), 0);
	o.output = tl_path("det2");
	CHECK_EQ_INT(tl_link(in, 1, &o, &r, &e), 0);
	tl_read(tl_path("det1"), &a);
	tl_read(tl_path("det2"), &b);
	CHECK(a.n == b.n && !memcmp(a.d, b.d, a.n));
	free(a.d);
	free(b.d);
}

static void t_keep_section_and_no_gc(void)
{
	const char *in[1];
	const char *keep[] = { ".keep.me" };
	struct uk_link_opts o = { .keep = keep, .nkeep = 1,
				  .print_gc_sections = 1, .why_symbol = "dead" };
	struct uk_link_result r;
	struct uk_error e;
	char src[1024];

	snprintf(src, sizeof(src), "%s\tret\n"
		 "\t.section .text.dead,\"ax\",@progbits\n\t.globl dead\n"
		 "dead:\tret\n"
		 "\t.section .keep.me,\"a\",@progbits\n\t.quad 7\n", start_hdr);
	in[0] = tl_as("keep.o", src);
	CHECK_EQ_INT(tl_link(in, 1, &o, &r, &e), 0);
	CHECK_CONTAINS(r.gc_text, "'.text.dead'");
	CHECK(!strstr(r.gc_text, ".keep.me"));
	CHECK_CONTAINS(r.why_text, "'dead'");
	CHECK_CONTAINS(r.why_text, "was removed");
	uk_link_result_free(&r);
	o.no_gc = 1;
	o.why_symbol = "nosuch";
	CHECK_EQ_INT(tl_link(in, 1, &o, &r, &e), 0);
	CHECK_EQ_INT(r.removed_sections, 0);
	CHECK_EQ_STR(r.gc_text, "");
	CHECK_CONTAINS(r.why_text, "'nosuch' is not defined");
	uk_link_result_free(&r);
}

int main(void)
{
	RUN(t_reloc_basic);
	RUN(t_gotpcrelx_relaxed);
	RUN(t_tls_relaxed_to_le);
	RUN(t_overflow_is_an_error);
	RUN(t_unknown_reloc_is_an_error);
	RUN(t_all_undefined_and_duplicates);
	RUN(t_many_undefined_all_listed);
	RUN(t_refuses_garbage);
	RUN(t_archive_lazy_any_order);
	RUN(t_common_and_groups);
	RUN(t_gc_roots_and_report);
	RUN(t_deterministic);
	RUN(t_keep_section_and_no_gc);
	tl_cleanup();
	return check_done();
}
