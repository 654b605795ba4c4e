/* The reference linker path: the same link done by GNU ld with a script
 * that mirrors uk_link's layout, so the two can be compared. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/path.h"
#include "linker/internal.h"
#include "util/spawn.h"

static const char script_body[] =
	"PHDRS {\n"
	"  rodata PT_LOAD FILEHDR PHDRS FLAGS(4);\n"
	"  text PT_LOAD FLAGS(5);\n"
	"  data PT_LOAD FLAGS(6);\n"
	"  note PT_NOTE FLAGS(4);\n"
	"  tls PT_TLS FLAGS(4);\n"
	"  stack PT_GNU_STACK FLAGS(6);\n"
	"}\n"
	"SECTIONS {\n"
	"  PROVIDE(__executable_start = BASE);\n"
	"  . = BASE + SIZEOF_HEADERS;\n"
	"  .note : { KEEP(*(.note .note.*)) } :rodata :note\n"
	"  .rodata : { *(.rodata .rodata.*) } :rodata\n"
	"  . = ALIGN(4096);\n"
	"  .init : { KEEP(*(SORT_NONE(.init))) } :text\n"
	"  .text : { *(.text .text.*) }\n"
	"  .fini : { KEEP(*(SORT_NONE(.fini))) }\n"
	"  PROVIDE(_etext = .); PROVIDE(etext = .); PROVIDE(__etext = .);\n"
	"  . = ALIGN(4096);\n"
	"  .tdata : { *(.tdata .tdata.*) } :data :tls\n"
	"  .tbss : { *(.tbss .tbss.*) } :data :tls\n"
	"  .preinit_array : { PROVIDE_HIDDEN(__preinit_array_start = .);\n"
	"    KEEP(*(.preinit_array)) PROVIDE_HIDDEN(__preinit_array_end = .); } :data\n"
	"  .init_array : { PROVIDE_HIDDEN(__init_array_start = .);\n"
	"    KEEP(*(SORT_BY_INIT_PRIORITY(.init_array.*)))\n"
	"    KEEP(*(.init_array)) PROVIDE_HIDDEN(__init_array_end = .); }\n"
	"  .fini_array : { PROVIDE_HIDDEN(__fini_array_start = .);\n"
	"    KEEP(*(SORT_BY_INIT_PRIORITY(.fini_array.*)))\n"
	"    KEEP(*(.fini_array)) PROVIDE_HIDDEN(__fini_array_end = .); }\n"
	"  .ctors : { KEEP(*(SORT(.ctors.*))) KEEP(*(.ctors)) }\n"
	"  .dtors : { KEEP(*(SORT(.dtors.*))) KEEP(*(.dtors)) }\n"
	"  .data.rel.ro : { *(.data.rel.ro .data.rel.ro.*) }\n"
	"  .got : { *(.got) *(.got.plt) *(.igot.plt) }\n"
	"  .data : { *(.data .data.*) }\n"
	"  PROVIDE(_edata = .); PROVIDE(edata = .);\n"
	"  .bss : { PROVIDE(__bss_start = .); *(.bss .bss.*) *(COMMON) }\n"
	"  PROVIDE(_end = .); PROVIDE(end = .);\n"
	"  /DISCARD/ : { *(.eh_frame) *(.note.GNU-stack) *(.note.gnu.property)\n"
	"    *(.comment) *(.rela.*) }\n"
	"}\n";

static int write_script(const struct uk_link_opts *o, const char *path,
			uint64_t base, struct uk_error *err)
{
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f)
		return uk_errorf(err, "cannot create '%s': %s", path,
				 strerror(errno));
	fprintf(f, "/* written by uk link --linker=bfd */\nENTRY(%s)\n",
		o->entry ? o->entry : "_start");
	for (i = 0; i < o->nkeep; i++)
		if (lk_is_c_ident(o->keep[i]))
			fprintf(f, "EXTERN(%s)\n", o->keep[i]);
	{
		/* BASE is a literal so the script stands alone */
		const char *p = script_body, *q;
		while ((q = strstr(p, "BASE"))) {
			fwrite(p, 1, (size_t)(q - p), f);
			fprintf(f, "0x%llx", (unsigned long long)base);
			p = q + 4;
		}
		fputs(p, f);
	}
	if (ferror(f) | fclose(f))
		return uk_errorf(err, "cannot write '%s'", path);
	return 0;
}

static uint64_t load_bytes(const char *path)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint64_t sum = 0;
	int fd = open(path, O_RDONLY);
	unsigned i;

	if (fd < 0)
		return 0;
	if (pread(fd, &eh, sizeof(eh), 0) == (ssize_t)sizeof(eh) &&
	    eh.e_phentsize == sizeof(ph))
		for (i = 0; i < eh.e_phnum; i++)
			if (pread(fd, &ph, sizeof(ph),
				  (off_t)(eh.e_phoff + i * sizeof(ph))) ==
				    (ssize_t)sizeof(ph) &&
			    ph.p_type == PT_LOAD)
				sum += ph.p_memsz;
	close(fd);
	return sum;
}

int uk_link_bfd(const struct uk_link_opts *o, struct uk_link_result *res,
		struct uk_error *err)
{
	struct timespec t0, t1;
	char *script, *tmp, **argv;
	size_t n = 0, i, anchors, anchors_end;
	struct stat st;
	int rc = 0, status;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (!o->output || !o->ninputs) {
		uk_errorf(err, "no %s given", o->output ? "inputs" : "output");
		err->status = 2;
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	script = lk_xasprintf("%s.ld", o->output);
	tmp = lk_xasprintf("%s.tmp%ld", o->output, (long)getpid());
	if (write_script(o, script, o->base ? o->base : 0x100000, err) < 0) {
		free(script);
		free(tmp);
		return -1;
	}
	argv = lk_xcalloc(o->ninputs + o->nkeep * 2 + o->nlink_if * 2 + 32, sizeof(*argv));
	argv[n++] = "ld.bfd";
	argv[n++] = "-static";
	argv[n++] = "-nostdlib";
	argv[n++] = "--build-id=none";
	argv[n++] = "-z";
	argv[n++] = "noexecstack";
	argv[n++] = "-z";
	argv[n++] = "max-page-size=4096";
	argv[n++] = "--no-warn-rwx-segments";
	if (!o->no_gc)
		argv[n++] = "--gc-sections";
	if (o->print_gc_sections)
		argv[n++] = "--print-gc-sections";
	if (o->strip_all)
		argv[n++] = "--strip-all";
	if (o->map_path) {
		argv[n++] = "-Map";
		argv[n++] = (char *)o->map_path;
	}
	argv[n++] = "-T";
	argv[n++] = script;
	argv[n++] = "-o";
	argv[n++] = tmp;
	/* ld has no conditional inputs: every link_if anchor is linked, so
	 * the image does what uk's would, only bigger */
	anchors = n;
	for (i = 0; i < o->nlink_if; i++) {
		const char *eq = strchr(o->link_if[i], '=');
		if (!eq)
			continue;
		argv[n++] = "--undefined";
		argv[n++] = lk_xasprintf("%.*s", (int)(eq - o->link_if[i]), o->link_if[i]);
	}
	anchors_end = n;
	argv[n++] = "--start-group";
	for (i = 0; i < o->ninputs; i++)
		argv[n++] = (char *)o->inputs[i];
	argv[n++] = "--end-group";
	argv[n] = NULL;
	pid = uk_spawn(argv, NULL, err);
	if (pid < 0) {
		rc = -1;
	} else if ((status = uk_wait(pid)) != 0) {
		rc = uk_errorf(err, "ld.bfd failed with status %d", status);
		uk_hintf(err, "its messages are above; the script is '%s'",
			 script);
	} else if (uk_path_publish(tmp, o->output) < 0) {
		rc = uk_errorf(err, "cannot rename '%s' to '%s': %s", tmp,
			       o->output, strerror(errno));
	}
	if (rc < 0)
		unlink(tmp);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res->seconds = (double)(t1.tv_sec - t0.tv_sec) +
		       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (rc == 0 && stat(o->output, &st) == 0) {
		res->file_bytes = (uint64_t)st.st_size;
		res->load_bytes = load_bytes(o->output);
	}
	for (i = anchors + 1; i < anchors_end; i += 2)
		free(argv[i]); /* the anchor names made above */
	free(argv);
	free(script);
	free(tmp);
	return rc;
}
