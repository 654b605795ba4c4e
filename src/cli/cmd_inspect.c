/* uk inspect: what an image is, from its ELF headers and its metadata. */
#include <elf.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "builder/imagemeta.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "imagefmt/elfinfo.h"
#include "imagefmt/imagefs.h"
#include "util/path.h"

static const char usage[] = "uk inspect [--json] [-C DIR] [-t TARGET] [IMAGE | REF]";

static const char *seg_type(uint32_t t)
{
	switch (t) {
	case PT_LOAD: return "LOAD";
	case PT_NOTE: return "NOTE";
	case PT_TLS: return "TLS";
	case PT_PHDR: return "PHDR";
	case PT_GNU_STACK: return "GNU_STACK";
	default: return "OTHER";
	}
}

static void flags_str(uint32_t f, char out[4])
{
	out[0] = f & PF_R ? 'R' : '-';
	out[1] = f & PF_W ? 'W' : '-';
	out[2] = f & PF_X ? 'X' : '-';
	out[3] = '\0';
}

/* "drwxr-xr-x" */
static void mode_str(uint32_t mode, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";
	uint32_t t = mode & S_IFMT;

	out[0] = t == S_IFDIR ? 'd' : t == S_IFLNK ? 'l' : t == S_IFREG ? '-' : '?';
	for (int i = 0; i < 9; i++)
		out[1 + i] = mode & (0400u >> i) ? rwx[i] : '-';
	out[10] = '\0';
}

static void print_files(const struct ukf_image *f)
{
	if (!f->section_bytes) {
		printf("files:       none\n");
		return;
	}
	printf("files:       %zu entries, %" PRIu64 " bytes of data (section %s, %" PRIu64
	       " bytes)\n",
	       f->n, f->data_bytes, UKF_SECTION, f->section_bytes);
	for (size_t i = 0; i < f->n; i++) {
		char mode[11];

		mode_str(f->v[i].mode, mode);
		printf("  %s %9" PRIu64 "  /%s", mode, f->v[i].size, f->v[i].path);
		if (S_ISLNK(f->v[i].mode) && f->v[i].size < 4096)
			printf(" -> %.*s", (int)f->v[i].size, (const char *)f->v[i].data);
		putchar('\n');
	}
}

static void print_text(const char *image, const char *kernel, const struct uk_elf_info *e,
		       const struct uk_image_meta *m, const struct ukf_image *f)
{
	printf("image:       %s\n", image);
	if (strcmp(kernel, image))
		printf("kernel:      %s (on the disk)\n", kernel);
	printf("name:        %s\n", m->name);
	printf("target:      %s\n", m->target ? m->target : "unknown (no metadata)");
	printf("entry:       0x%" PRIx64 "\n", e->entry);
	if (e->has_pvh_entry)
		printf("pvh entry:   0x%" PRIx64 "\n", e->pvh_entry);
	else
		printf("pvh entry:   none (QEMU, Firecracker and Xen cannot boot it)\n");
	printf("file size:   %" PRIu64 " bytes\n", e->file_bytes);
	printf("loaded size: %" PRIu64 " bytes\n", e->load_bytes);
	printf("memory:      %" PRIu64 " MiB\n", m->memory >> 20);
	printf("segments:\n");
	for (size_t i = 0; i < e->nseg; i++) {
		char f[4];

		flags_str(e->seg[i].flags, f);
		printf("  %-9s %s  0x%08" PRIx64 "  file %8" PRIu64 "  memory %8" PRIu64 "\n",
		       seg_type(e->seg[i].type), f, e->seg[i].vaddr, e->seg[i].filesz,
		       e->seg[i].memsz);
	}
	printf("notes:\n");
	for (size_t i = 0; i < e->nnotes; i++)
		printf("  %-6s type %-3u %u bytes%s\n", e->notes[i].name, e->notes[i].type,
		       e->notes[i].descsz,
		       !strcmp(e->notes[i].name, "Xen") && e->notes[i].type == 18
			       ? "  (PVH entry, XEN_ELFNOTE_PHYS32_ENTRY)"
			       : "");
	printf("components:\n");
	for (size_t i = 0; i < m->ncomponents; i++)
		printf("  %-12s %-12s %s\n", m->components[i].name, m->components[i].version,
		       m->components[i].digest);
	print_files(f);
}

static void print_json(const char *image, const char *kernel, const struct uk_elf_info *e,
		       const struct uk_image_meta *m, const struct ukf_image *f)
{
	json_t *root = json_object(), *segs = json_array(), *notes = json_array(),
	       *comps = json_array(), *files = json_array();
	char *text;

	for (size_t i = 0; i < e->nseg; i++) {
		char f[4];

		flags_str(e->seg[i].flags, f);
		json_array_append_new(segs, json_pack("{s:s, s:s, s:I, s:I, s:I}", "type",
						      seg_type(e->seg[i].type), "flags", f,
						      "vaddr", (json_int_t)e->seg[i].vaddr,
						      "filesz", (json_int_t)e->seg[i].filesz,
						      "memsz", (json_int_t)e->seg[i].memsz));
	}
	for (size_t i = 0; i < e->nnotes; i++)
		json_array_append_new(notes, json_pack("{s:s, s:i, s:i}", "name",
						       e->notes[i].name, "type",
						       (int)e->notes[i].type, "size",
						       (int)e->notes[i].descsz));
	for (size_t i = 0; i < m->ncomponents; i++)
		json_array_append_new(comps, json_pack("{s:s?, s:s?, s:s?}", "name",
						       m->components[i].name, "version",
						       m->components[i].version, "digest",
						       m->components[i].digest));
	json_object_set_new(root, "image", json_string(image));
	json_object_set_new(root, "kernel", json_string(kernel));
	json_object_set_new(root, "disk", json_boolean(m->is_disk));
	json_object_set_new(root, "name", json_string(m->name));
	json_object_set_new(root, "target", m->target ? json_string(m->target) : json_null());
	json_object_set_new(root, "entry", json_integer((json_int_t)e->entry));
	json_object_set_new(root, "pvh_entry",
			    e->has_pvh_entry ? json_integer((json_int_t)e->pvh_entry)
					     : json_null());
	json_object_set_new(root, "file_size", json_integer((json_int_t)e->file_bytes));
	json_object_set_new(root, "loaded_size", json_integer((json_int_t)e->load_bytes));
	json_object_set_new(root, "memory", json_integer((json_int_t)m->memory));
	json_object_set_new(root, "segments", segs);
	json_object_set_new(root, "notes", notes);
	json_object_set_new(root, "components", comps);
	for (size_t i = 0; i < f->n; i++)
		json_array_append_new(files, json_pack("{s:s+, s:I, s:I}", "path", "/",
						       f->v[i].path, "mode",
						       (json_int_t)f->v[i].mode, "size",
						       (json_int_t)f->v[i].size));
	json_object_set_new(root, "files", files);
	json_object_set_new(root, "files_bytes", json_integer((json_int_t)f->section_bytes));
	text = json_dumps(root, JSON_INDENT(2));
	puts(text);
	free(text);
	json_decref(root);
}

int cmd_inspect(int argc, char **argv)
{
	struct uk_elf_info e;
	struct uk_image_meta m;
	struct ukf_image f;
	struct uk_error err = { 0 };
	const char *image = NULL;
	int json = 0;

	if (cli_wants_help(argc, argv)) {
		printf("usage: %s\n\nShows an image's name, target, entry points, sizes, "
		       "segments, ELF notes,\nthe components (with versions and digests) "
		       "it was built from and the files\npacked into it (uk.yaml files: and "
		       "zoneinfo:).\n\n"
		       "  IMAGE      an image file; REF, an image pulled with 'uk pull'\n"
		       "  -C DIR     without IMAGE: the project's image (default: the nearest\n"
		       "             folder upward with a uk.yaml)\n"
		       "  -t TARGET  which of the project's images (default: its first target)\n"
		       "  --json     print one JSON object\n",
		       usage);
		return 0;
	}
	const char *cdir = NULL, *target = NULL;
	char *path = NULL, dir[4096];
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "-C") && i + 1 < argc)
			cdir = argv[++i];
		else if (!strcmp(argv[i], "-t") && i + 1 < argc)
			target = argv[++i];
		else if (argv[i][0] == '-')
			return cli_usage_error(usage, "unknown option '%s'", argv[i]);
		else if (image)
			return cli_usage_error(usage, "unexpected argument '%s'", argv[i]);
		else
			image = argv[i];
	}
	if (image && (cdir || target))
		return cli_usage_error(usage, "give either IMAGE or -C/-t, not both");
	if (!image) { /* the project's image, as uk run finds it */
		if (cli_project_dir(cdir, dir, sizeof(dir), &err) != 0 ||
		    uk_image_locate(dir, target, &path, &err) != 0)
			return cli_report(&err);
	} else {
		path = strdup(image);
		if (!uk_file_exists(path) && cli_resolve_pulled(&path, &err) < 0) {
			free(path);
			return cli_report(&err);
		}
	}
	image = path;
	if (uk_image_meta_load(image, &m, &err) != 0) {
		free(path);
		return cli_report(&err);
	}
	/* A raw disk holds the kernel uk build left beside it as NAME. */
	char *kernel = strdup(image);
	size_t n = strlen(kernel);

	if (m.is_disk && n > 4 && !strcmp(kernel + n - 4, ".img"))
		kernel[n - 4] = '\0';
	if (uk_elf_info_load(kernel, &e, &err) != 0) {
		uk_hintf(&err, "give the path of an image that 'uk build' wrote");
		free(kernel);
		uk_image_meta_free(&m);
		free(path);
		return cli_report(&err);
	}
	if (ukf_image_load(kernel, &f, &err) != 0) {
		free(kernel);
		uk_image_meta_free(&m);
		free(path);
		return cli_report(&err);
	}
	if (json)
		print_json(image, kernel, &e, &m, &f);
	else
		print_text(image, kernel, &e, &m, &f);
	ukf_image_free(&f);
	free(kernel);
	uk_image_meta_free(&m);
	free(path);
	return 0;
}
