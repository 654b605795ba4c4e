/* The manifest readers. Most cases are data: tests/manifest/<case>.yaml
 * with <case>.expected holding the exact diagnostics, or "ok" followed by
 * field=value lines that must appear in a dump of what was parsed. Files
 * named component-*.yaml are read as component.yaml. Set
 * UK_MANIFEST_BLESS=1 to rewrite the .expected files from what is printed
 * (then read the diff). The rest are unit tests of the helpers and of
 * hostile input. */
#include "check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "manifest/manifest.h"

static int case_failures;
static char tmpdir[256];

/* A growable text buffer. */
struct buf {
	char *s;
	size_t n, cap;
};

static void bputs(struct buf *b, const char *s)
{
	size_t len = strlen(s);

	if (b->n + len + 1 > b->cap) {
		b->cap = (b->n + len + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	memcpy(b->s + b->n, s, len + 1);
	b->n += len;
}

static void bstrv(struct buf *b, const char *key, const struct uk_strv *sv)
{
	size_t i;

	bputs(b, key);
	bputs(b, "=[");
	for (i = 0; i < sv->n; i++) {
		bputs(b, i ? ", \"" : "\"");
		bputs(b, sv->v[i]);
		bputs(b, "\"");
	}
	bputs(b, "]\n");
}

static void bkv(struct buf *b, const char *key, const char *val)
{
	bputs(b, key);
	bputs(b, "=");
	bputs(b, val ? val : "(null)");
	bputs(b, "\n");
}

static void dump_manifest(struct buf *b, const struct uk_manifest *m)
{
	char num[64];
	size_t i;

	snprintf(num, sizeof(num), "%d", m->spec);
	bkv(b, "spec", num);
	bkv(b, "name", m->name);
	bkv(b, "version", m->version);
	bkv(b, "runtime", m->runtime);
	bstrv(b, "libraries", &m->libraries);
	bstrv(b, "sources", &m->sources);
	bstrv(b, "include", &m->include);
	bstrv(b, "cflags", &m->cflags);
	bstrv(b, "defines", &m->defines);
	bputs(b, "targets=[");
	for (i = 0; i < m->ntargets; i++) {
		bputs(b, i ? ", " : "");
		bputs(b, uk_target_name(m->target_order[i]));
	}
	bputs(b, "]\n");
	snprintf(num, sizeof(num), "%llu", (unsigned long long)m->memory);
	bkv(b, "memory", num);
	bstrv(b, "cmdline", &m->cmdline);
	bputs(b, "env=[");
	for (i = 0; i < m->nenv; i++) {
		bputs(b, i ? ", \"" : "\"");
		bputs(b, m->env[i].key);
		bputs(b, "=");
		bputs(b, m->env[i].value);
		bputs(b, "\"");
	}
	bputs(b, "]\n");
	bputs(b, "files=[");
	for (i = 0; i < m->nfiles; i++) {
		const struct uk_file_map *f = &m->files[i];

		snprintf(num, sizeof(num), "%s%u:%u", f->is_dir ? " dir " : " ",
			 f->line, f->col);
		bputs(b, i ? ", \"" : "\"");
		bputs(b, f->guest);
		bputs(b, "=");
		bputs(b, f->host);
		bputs(b, "\"");
		bputs(b, num);
	}
	bputs(b, "]\n");
	bstrv(b, "zoneinfo", &m->zoneinfo);
	if (m->has_volumes)
		bstrv(b, "volumes", &m->volumes);
	if (m->network >= 0) {
		snprintf(num, sizeof(num), "%d", m->network);
		bkv(b, "network", num);
	}
	if (m->ports.n)
		bstrv(b, "ports", &m->ports);
	if (m->allow_wx)
		bkv(b, "allow_wx", "true");
}

static void dump_component(struct buf *b, const struct uk_component *c)
{
	char num[32];

	snprintf(num, sizeof(num), "%d", c->spec);
	bkv(b, "spec", num);
	bkv(b, "name", c->name);
	bkv(b, "version", c->version);
	bkv(b, "description", c->description);
	bkv(b, "entry", c->entry);
	bstrv(b, "include", &c->include);
	bstrv(b, "cflags", &c->cflags);
	bstrv(b, "objects", &c->objects);
	bstrv(b, "archives", &c->archives);
	bstrv(b, "archives_kvm", &c->archives_kvm);
	bstrv(b, "archives_xen", &c->archives_xen);
	bstrv(b, "keep", &c->keep);
	bstrv(b, "requires", &c->requires);
}

static void dump_diags(struct buf *b, const struct uk_diags *d)
{
	char line[2048];
	size_t i;

	for (i = 0; i < d->n; i++) {
		uk_diag_format(&d->v[i], line, sizeof(line));
		bputs(b, line);
		bputs(b, "\n");
	}
}

static char *slurp(const char *path)
{
	struct buf b = { 0 };
	char chunk[4096];
	FILE *f = fopen(path, "r");
	size_t r;

	if (!f)
		return NULL;
	bputs(&b, "");
	while ((r = fread(chunk, 1, sizeof(chunk) - 1, f)) > 0) {
		chunk[r] = '\0';
		bputs(&b, chunk);
	}
	fclose(f);
	return b.s;
}

static void spit(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f)
		abort();
	fwrite(data, 1, len, f);
	fclose(f);
}

/* Loads one case and returns what it printed: diagnostics, or "ok" and a
 * dump. Also checks the contract between return value, diags and err. */
static char *run_case(const char *file, const char **why)
{
	struct uk_diags d = { 0 };
	struct uk_error err = { 0 };
	struct buf b = { 0 };
	int rc;

	*why = NULL;
	bputs(&b, "");
	if (strncmp(file, "component-", 10) == 0) {
		struct uk_component c;

		rc = uk_component_load(file, &c, &d, &err);
		if (rc == 0) {
			bputs(&b, "ok\n");
			dump_component(&b, &c);
		}
		uk_component_free(&c);
	} else {
		struct uk_manifest m;

		rc = uk_manifest_load(file, &m, &d, &err);
		if (rc == 0) {
			bputs(&b, "ok\n");
			dump_manifest(&b, &m);
		}
		uk_manifest_free(&m);
	}
	if (rc == 0 && d.n != 0)
		*why = "returned 0 with diagnostics";
	if (rc != 0 && (d.n == 0 || err.status != 2 || !err.msg[0]))
		*why = "failed without diagnostics or status 2";
	dump_diags(&b, &d);
	uk_diags_free(&d);
	return b.s;
}

/* For a valid case every expected line must be in the dump; for an invalid
 * one the text must be equal. */
static bool matches(const char *got, const char *want)
{
	const char *line, *nl;

	if (strncmp(want, "ok\n", 3) != 0 || strncmp(got, "ok\n", 3) != 0)
		return strcmp(got, want) == 0;
	for (line = want + 3; *line; line = nl + 1) {
		char needle[1024];
		size_t len;

		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line);
		len = (size_t)(nl - line) + 1;
		if (len >= sizeof(needle))
			return false;
		needle[0] = '\n';
		memcpy(needle + 1, line, len - 1);
		needle[len] = '\n';
		needle[len + 1] = '\0';
		if (len > 1 && !strstr(got + 2, needle))
			return false;
		if (!*nl)
			break;
	}
	return true;
}

static int yaml_only(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 5 && strcmp(e->d_name + n - 5, ".yaml") == 0;
}

static void run_cases(void)
{
	const char *root = getenv("UK_ROOT");
	bool bless = getenv("UK_MANIFEST_BLESS") != NULL;
	char dir[4096], old[4096];
	struct dirent **list;
	int n, i;

	snprintf(dir, sizeof(dir), "%s/tests/manifest", root ? root : ".");
	if (!getcwd(old, sizeof(old)) || chdir(dir) < 0) {
		printf("FAIL manifest cases: cannot enter '%s'\n", dir);
		case_failures++;
		return;
	}
	n = scandir(".", &list, yaml_only, alphasort);
	for (i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		char exp[512], *want, *got;
		const char *why;

		snprintf(exp, sizeof(exp), "%.*s.expected",
			 (int)strlen(name) - 5, name);
		got = run_case(name, &why);
		want = slurp(exp);
		if (bless && !why) {
			spit(exp, got, strlen(got));
			printf("PASS case %s (blessed)\n", name);
		} else if (!why && want && matches(got, want)) {
			printf("PASS case %s\n", name);
		} else {
			printf("FAIL case %s: %s\n--- want\n%s--- got\n%s---\n",
			       name, why ? why : want ? "output differs"
						      : "no .expected file",
			       want ? want : "", got);
			case_failures++;
		}
		free(want);
		free(got);
		free(list[i]);
	}
	if (n >= 0)
		free(list);
	if (n < 25) {
		printf("FAIL manifest cases: only %d cases in '%s'\n", n, dir);
		case_failures++;
	}
	if (chdir(old) < 0)
		abort();
}

/* ---- helpers ---- */

static void t_parse_size(void)
{
	static const struct {
		const char *s;
		int rc;
		uint64_t v;
	} cases[] = {
		{ "0", 0, 0 },
		{ "1048576", 0, 1048576 },
		{ "512K", 0, 512 << 10 },
		{ "512k", 0, 512 << 10 },
		{ "64M", 0, 64 << 20 },
		{ "64MiB", 0, 64 << 20 },
		{ "64MB", 0, 64 << 20 },
		{ "2G", 0, (uint64_t)2 << 30 },
		{ "1T", 0, (uint64_t)1 << 40 },
		{ "100B", 0, 100 },
		{ "18446744073709551615", -1, 0 },
		{ "99999999999999999999", -1, 0 },
		{ "16777216T", -1, 0 },
		{ "64X", -1, 0 },
		{ "", -1, 0 },
		{ "M", -1, 0 },
		{ "-1M", -1, 0 },
		{ " 64M", -1, 0 },
		{ "64M ", -1, 0 },
		{ "1.5G", -1, 0 },
		{ "64MM", -1, 0 },
		{ "64iB", -1, 0 },
		{ "0x10", -1, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 12345;
		int rc = uk_parse_size(cases[i].s, &v);

		if (rc != cases[i].rc)
			check_fail(__FILE__, __LINE__, "'%s': rc %d",
				   cases[i].s, rc);
		if (rc == 0 && v != cases[i].v)
			check_fail(__FILE__, __LINE__, "'%s': %llu",
				   cases[i].s, (unsigned long long)v);
	}
	CHECK_EQ_INT(uk_parse_size(NULL, NULL), -1);
}

static void t_targets(void)
{
	enum uk_target t;

	CHECK_EQ_INT(uk_target_parse("kvm", &t), 0);
	CHECK_EQ_INT(t, UK_TARGET_KVM);
	CHECK_EQ_INT(uk_target_parse("xen", &t), 0);
	CHECK_EQ_INT(t, UK_TARGET_XEN);
	CHECK_EQ_INT(uk_target_parse("raw", &t), 0);
	CHECK_EQ_INT(t, UK_TARGET_RAW);
	CHECK_EQ_INT(uk_target_parse("KVM", &t), -1);
	CHECK_EQ_INT(uk_target_parse("", &t), -1);
	CHECK_EQ_INT(uk_target_parse(NULL, &t), -1);
	CHECK_EQ_STR(uk_target_name(UK_TARGET_KVM), "kvm");
	CHECK_EQ_STR(uk_target_name(UK_TARGET_XEN), "xen");
	CHECK_EQ_STR(uk_target_name(UK_TARGET_RAW), "raw");
	CHECK_EQ_STR(uk_target_name((enum uk_target)0), "unknown");
}

static void t_diag_format(void)
{
	struct uk_diag d = { "uk.yaml", 3, 5, "unknown key 'sorces'", NULL, UK_SEV_ERROR };
	char buf[256], small[12];

	uk_diag_format(&d, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "uk.yaml:3:5: unknown key 'sorces'");
	d.hint = "did you mean 'sources'?";
	uk_diag_format(&d, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "uk.yaml:3:5: unknown key 'sorces'\n"
			  "  hint: did you mean 'sources'?");
	d.line = 0;
	d.hint = NULL;
	d.msg = "file is empty";
	uk_diag_format(&d, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "uk.yaml: file is empty");
	uk_diag_format(&d, small, sizeof(small));
	CHECK_EQ_STR(small, "uk.yaml: fi");
}

static void t_strv(void)
{
	struct uk_strv sv = { 0 };

	uk_strv_push(&sv, "a");
	uk_strv_push(&sv, "b");
	CHECK_EQ_INT(sv.n, 2);
	CHECK_EQ_STR(sv.v[1], "b");
	CHECK(sv.v[2] == NULL);
	uk_strv_free(&sv);
	CHECK_EQ_INT(sv.n, 0);
	CHECK(sv.v == NULL);
	uk_strv_free(&sv);
}

/* ---- loading from a scratch folder ---- */

static void mkfile(const char *rel, const char *text)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	spit(path, text, strlen(text));
}

static void mkfolder(const char *rel)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		abort();
}

static const char *tpath(const char *rel)
{
	static char path[4][1024];
	static int k;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", tmpdir, rel);
	return path[k];
}

static void t_defaults(void)
{
	struct uk_diags d = { 0 };
	struct uk_error err = { 0 };
	struct uk_manifest m;

	mkfolder("p");
	mkfolder("p/src");
	mkfile("p/src/main.c", "int main(void) { return 0; }\n");
	mkfile("p/uk.yaml", "spec: 1\nname: hello\nsources: [src/*.c]\n");
	CHECK_EQ_INT(uk_manifest_load(tpath("p/uk.yaml"), &m, &d, &err), 0);
	CHECK_EQ_INT(d.n, 0);
	CHECK_EQ_INT(m.spec, 1);
	CHECK_EQ_STR(m.name, "hello");
	CHECK_EQ_STR(m.version, "0.0.0");
	CHECK_EQ_STR(m.runtime, "uk-runtime");
	CHECK_EQ_STR(m.path, tpath("p/uk.yaml"));
	CHECK_EQ_STR(m.dir, tpath("p"));
	CHECK_EQ_INT(m.targets, UK_TARGET_KVM);
	CHECK_EQ_INT(m.ntargets, 1);
	CHECK_EQ_INT(m.target_order[0], UK_TARGET_KVM);
	CHECK_EQ_INT(m.memory, 64 << 20);
	CHECK_EQ_INT(m.libraries.n, 0);
	CHECK_EQ_INT(m.cmdline.n, 0);
	CHECK_EQ_INT(m.nenv, 0);
	uk_manifest_free(&m);
	CHECK(m.name == NULL);
	uk_manifest_free(&m); /* twice is harmless */
}

static void t_sources_expand(void)
{
	struct uk_diags d = { 0 };
	struct uk_error err = { 0 };
	struct uk_strv files = { 0 };
	struct uk_manifest m;

	mkfolder("s");
	mkfolder("s/src");
	mkfolder("s/src/sub.c"); /* a folder matching *.c is not a source */
	mkfile("s/src/b.c", "");
	mkfile("s/src/a.c", "");
	mkfile("s/main.c", "");
	mkfile("s/uk.yaml", "spec: 1\nname: x\n"
			    "sources: [src/*.c, main.c, src/a.c]\n");
	CHECK_EQ_INT(uk_manifest_load(tpath("s/uk.yaml"), &m, &d, &err), 0);
	CHECK_EQ_INT(uk_manifest_sources(&m, &files, &err), 0);
	CHECK_EQ_INT(files.n, 3);
	CHECK_EQ_STR(files.v[0], tpath("s/main.c"));
	CHECK_EQ_STR(files.v[1], tpath("s/src/a.c"));
	CHECK_EQ_STR(files.v[2], tpath("s/src/b.c"));
	uk_strv_free(&files);
	/* A file that vanished after loading. */
	unlink(tpath("s/main.c"));
	CHECK_EQ_INT(uk_manifest_sources(&m, &files, &err), -1);
	CHECK_EQ_INT(err.status, 2);
	CHECK_CONTAINS(err.msg, "no file matches 'main.c'");
	uk_strv_free(&files);
	uk_manifest_free(&m);
}

/* Globs in the manifest's folder name must not act as wildcards. */
static void t_dir_with_wildcards(void)
{
	struct uk_diags d = { 0 };
	struct uk_error err = { 0 };
	struct uk_manifest m;

	mkfolder("w[1]");
	mkfolder("w[1]/src");
	mkfile("w[1]/src/main.c", "");
	mkfile("w[1]/uk.yaml", "spec: 1\nname: w\nsources: [src/*.c]\n");
	CHECK_EQ_INT(uk_manifest_load(tpath("w[1]/uk.yaml"), &m, &d, &err), 0);
	uk_manifest_free(&m);
	uk_diags_free(&d);
}

static void t_error_summary(void)
{
	struct uk_diags d = { 0 };
	struct uk_error err = { 0 };
	struct uk_manifest m;

	mkfile("sum.yaml", "spec: 1\nname: x\nsorces: [a]\nmemory: 1X\n");
	CHECK_EQ_INT(uk_manifest_load(tpath("sum.yaml"), &m, &d, &err), -1);
	CHECK_EQ_INT(err.status, 2);
	/* No "missing 'sources'": the misspelt key says it all. */
	CHECK_EQ_INT(d.n, 2);
	CHECK(m.name == NULL && m.path == NULL);
	CHECK_CONTAINS(err.msg, "sum.yaml:3:1: unknown key 'sorces' (and 1 "
				"more problem)");
	CHECK_EQ_STR(err.hint, "did you mean 'sources'?");
	CHECK_EQ_STR(d.v[0].file, tpath("sum.yaml"));
	CHECK_EQ_INT(d.v[1].line, 4);
	uk_diags_free(&d);
	mkfile("sum.yaml", "spec: 1\nname: x\nmemory: 1X\n");
	CHECK_EQ_INT(uk_manifest_load(tpath("sum.yaml"), &m, &d, &err), -1);
	/* The missing field is blamed on the top mapping, at 1:1. */
	CHECK_CONTAINS(err.msg, "sum.yaml:1:1: missing required field "
				"'sources' (and 1 more problem)");
	CHECK_EQ_STR(err.hint, "list the C files to build, like 'sources: "
			       "[src/*.c]'");
	uk_diags_free(&d);
	CHECK_EQ_INT(d.n, 0);
	/* Without a list, err still sums up. */
	uk_error_clear(&err);
	CHECK_EQ_INT(uk_manifest_load(tpath("sum.yaml"), &m, NULL, NULL), -1);
	CHECK_EQ_INT(uk_manifest_load(tpath("sum.yaml"), &m, NULL, &err), -1);
	CHECK_EQ_INT(err.status, 2);
	CHECK_CONTAINS(err.msg, "missing required field 'sources'");
}

static void t_io_error(void)
{
	struct uk_diags d = { 0 };
	struct uk_error err = { 0 };
	struct uk_manifest m;
	struct uk_component c;

	CHECK_EQ_INT(uk_manifest_load(tpath("nope.yaml"), &m, &d, &err), -1);
	CHECK_EQ_INT(err.status, 1);
	CHECK_EQ_INT(d.n, 1);
	CHECK_EQ_INT(d.v[0].line, 0);
	CHECK_CONTAINS(err.msg, "cannot read: No such file or directory");
	uk_diags_free(&d);
	uk_error_clear(&err);
	CHECK_EQ_INT(uk_component_load(tmpdir, &c, &d, &err), -1);
	CHECK_EQ_INT(err.status, 1);
	CHECK_CONTAINS(err.msg, "Is a directory");
	uk_diags_free(&d);
}

static void t_component(void)
{
	struct uk_diags d = { 0 };
	struct uk_error err = { 0 };
	struct uk_component c;

	mkfolder("c");
	mkfolder("c/lib");
	mkfolder("c/include");
	mkfile("c/lib/crt1.o", "");
	mkfile("c/lib/libc.a", "");
	mkfile("c/lib/libplat.a", "");
	mkfile("c/component.yaml",
	       "spec: 1\nname: musl\nversion: 1.2.3\n"
	       "description: the C library\nentry: _start\n"
	       "include: [include]\ncflags: [-nostdinc]\n"
	       "objects: [lib/crt1.o]\narchives: [lib/libc.a]\n"
	       "archives_kvm: [lib/libplat.a]\nkeep: [.note.uk]\n"
	       "requires: [uk-runtime]\n");
	CHECK_EQ_INT(uk_component_load(tpath("c/component.yaml"), &c, &d,
				       &err),
		     0);
	CHECK_EQ_STR(c.name, "musl");
	CHECK_EQ_STR(c.version, "1.2.3");
	CHECK_EQ_STR(c.description, "the C library");
	CHECK_EQ_STR(c.entry, "_start");
	CHECK_EQ_STR(c.dir, tpath("c"));
	CHECK_EQ_STR(c.objects.v[0], "lib/crt1.o");
	CHECK_EQ_STR(c.archives.v[0], "lib/libc.a");
	CHECK_EQ_STR(c.archives_kvm.v[0], "lib/libplat.a");
	CHECK_EQ_INT(c.archives_xen.n, 0);
	CHECK_EQ_STR(c.keep.v[0], ".note.uk");
	CHECK_EQ_STR(c.requires.v[0], "uk-runtime");
	uk_component_free(&c);

	/* A broken package: every missing file is named. */
	mkfile("c/component.yaml",
	       "spec: 1\nname: musl\nversion: 1\n"
	       "objects: [lib/crt0.o]\narchives: [lib/libc.a, lib/libm.a]\n"
	       "include: [inc]\n");
	CHECK_EQ_INT(uk_component_load(tpath("c/component.yaml"), &c, &d,
				       &err),
		     -1);
	CHECK_EQ_INT(err.status, 2);
	CHECK_EQ_INT(d.n, 3);
	CHECK_EQ_STR(d.v[0].msg, "file 'lib/crt0.o' does not exist");
	CHECK_EQ_STR(d.v[0].hint, "did you mean 'lib/crt1.o'?");
	CHECK_EQ_STR(d.v[1].msg, "file 'lib/libm.a' does not exist");
	CHECK_EQ_STR(d.v[2].msg, "folder 'inc' does not exist");
	uk_diags_free(&d);
}

/* ---- hostile input ---- */

/* Loads bytes as a manifest and checks the contract holds. */
static void load_bytes(const char *data, size_t len, int *rc,
		       struct uk_diags *d)
{
	struct uk_error err = { 0 };
	struct uk_manifest m;

	spit(tpath("h/uk.yaml"), data, len);
	*rc = uk_manifest_load(tpath("h/uk.yaml"), &m, d, &err);
	if (*rc == 0 && d->n)
		check_fail(__FILE__, __LINE__, "ok with diagnostics");
	if (*rc != 0 && (d->n == 0 || err.status != 2))
		check_fail(__FILE__, __LINE__, "failed without diagnostics");
	uk_manifest_free(&m);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 11);
}

static void t_garbage(void)
{
	char buf[4096];
	int i, rc;

	mkfolder("h");
	mkfolder("h/src");
	mkfile("h/src/main.c", "");
	for (i = 0; i < 300; i++) {
		struct uk_diags d = { 0 };
		size_t len = rnd() % sizeof(buf), j;

		for (j = 0; j < len; j++)
			buf[j] = (char)rnd();
		load_bytes(buf, len, &rc, &d);
		CHECK_EQ_INT(rc, -1);
		uk_diags_free(&d);
	}
}

/* Random edits of a valid manifest: any outcome, but the contract holds,
 * and YAML-ish garbage gets deeper than random bytes do. */
static void t_mutations(void)
{
	static const char base[] =
		"spec: 1\nname: hello\nversion: 1.0\nsources: [src/*.c]\n"
		"targets: [kvm, xen]\nmemory: 128M\ncmdline: [-v, \"a b\"]\n"
		"env:\n  A: 1\n  B: x\ndefines: [X, Y=2]\n"
		"include:\n  - src\nlibraries:\n  - {a: b}\n  - &x [1]\n"
		"  - *x\n  - \"\\0\"\n";
	static const char alphabet[] = ":-[]{},&*!|>'\"#?\n \t\\%@`0a";
	char buf[sizeof(base) + 64];
	int i, rc, ok = 0;

	for (i = 0; i < 3000; i++) {
		struct uk_diags d = { 0 };
		size_t len = sizeof(base) - 1, k, edits = 1 + rnd() % 4;

		memcpy(buf, base, len);
		for (k = 0; k < edits; k++) {
			size_t at = rnd() % len;

			switch (rnd() % 3) {
			case 0:
				buf[at] = alphabet[rnd() % (sizeof(alphabet) - 1)];
				break;
			case 1:
				len = at;
				break;
			default:
				buf[at] = (char)rnd();
			}
			if (len == 0)
				break;
		}
		load_bytes(buf, len, &rc, &d);
		ok += rc == 0;
		uk_diags_free(&d);
	}
	(void)ok;
}

static void t_binary(void)
{
	static const char elf[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0";
	struct uk_diags d = { 0 };
	int rc;

	load_bytes(elf, sizeof(elf) - 1, &rc, &d);
	CHECK_EQ_INT(d.n, 1);
	CHECK_EQ_INT(d.v[0].line, 1);
	CHECK_CONTAINS(d.v[0].msg, "syntax error: control characters are not "
				   "allowed");
	CHECK_CONTAINS(d.v[0].hint, "UTF-8");
	uk_diags_free(&d);
	load_bytes("name: a\0b\n", 10, &rc, &d);
	CHECK_EQ_INT(d.n, 1);
	CHECK_EQ_INT(d.v[0].col, 8);
	uk_diags_free(&d);
	/* A NUL written as an escape parses, and is refused. */
	load_bytes("spec: 1\nname: \"a\\0b\"\nsources: [src/*.c]\n", 40, &rc,
		   &d);
	CHECK_EQ_INT(d.n, 1);
	CHECK_EQ_STR(d.v[0].msg, "'name' must not contain NUL characters");
	uk_diags_free(&d);
}

static void t_huge(void)
{
	size_t len = (2u << 20) + 7, i;
	char *big = malloc(len);
	struct uk_diags d = { 0 };
	int rc;

	if (!big)
		abort();
	for (i = 0; i < len; i++)
		big[i] = i % 64 == 63 ? '\n' : 'a';
	load_bytes(big, len, &rc, &d);
	free(big);
	CHECK_EQ_INT(d.n, 1);
	CHECK_EQ_STR(d.v[0].msg, "file is too large (more than 1048576 bytes)");
	uk_diags_free(&d);
}

/* Just under the size limit, one long list: must be quick and fine. */
static void t_long_list(void)
{
	struct buf b = { 0 };
	struct uk_diags d = { 0 };
	clock_t t0 = clock();
	int rc, i;

	bputs(&b, "spec: 1\nname: big\nsources: [src/main.c]\ncflags:\n");
	for (i = 0; i < 60000; i++)
		bputs(&b, "  - -O2\n");
	bputs(&b, "env:\n");
	for (i = 0; i < 10000; i++)
		bputs(&b, "  A: 1\n");
	load_bytes(b.s, b.n, &rc, &d);
	free(b.s);
	CHECK_EQ_INT(rc, -1);
	CHECK_EQ_INT(d.n, 101); /* 100 duplicates and "N more" */
	CHECK_EQ_STR(d.v[100].msg, "9899 more problems not shown");
	CHECK(clock() - t0 < 20 * CLOCKS_PER_SEC);
	uk_diags_free(&d);
}

static void t_deep(void)
{
	size_t len = 200000, i;
	char *deep = malloc(len);
	struct uk_diags d = { 0 };
	struct buf b = { 0 };
	int rc;

	if (!deep)
		abort();
	for (i = 0; i < len; i++)
		deep[i] = i < len / 2 ? '[' : ']';
	load_bytes(deep, len, &rc, &d);
	free(deep);
	CHECK_EQ_INT(d.n, 1);
	CHECK_EQ_STR(d.v[0].msg, "nesting is too deep (more than 32 levels)");
	uk_diags_free(&d);

	/* Block style: each level indented one more. */
	for (i = 0; i < 40; i++) {
		char line[128];

		snprintf(line, sizeof(line), "%*sk%zu:\n", (int)i, "", i);
		bputs(&b, line);
	}
	load_bytes(b.s, b.n, &rc, &d);
	free(b.s);
	CHECK_EQ_INT(d.n, 1);
	CHECK_CONTAINS(d.v[0].msg, "nesting is too deep");
	uk_diags_free(&d);
}

static void t_billion_laughs(void)
{
	struct buf b = { 0 };
	struct uk_diags d = { 0 };
	int rc, i, j;

	bputs(&b, "spec: 1\nname: lol\nsources: [src/*.c]\n"
		  "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (i = 1; i < 10; i++) {
		char line[64];

		snprintf(line, sizeof(line), "a%d: &a%d [", i, i);
		bputs(&b, line);
		for (j = 0; j < 9; j++) {
			snprintf(line, sizeof(line), "%s*a%d", j ? ", " : "",
				 i - 1);
			bputs(&b, line);
		}
		bputs(&b, "]\n");
	}
	bputs(&b, "cmdline: *a9\n");
	load_bytes(b.s, b.n, &rc, &d);
	free(b.s);
	CHECK_EQ_INT(rc, -1);
	CHECK_EQ_INT(d.n, 92); /* 81 aliases, 1 in cmdline, 10 unknown keys */
	CHECK_EQ_STR(d.v[0].msg, "unknown key 'a0'");
	CHECK_EQ_STR(d.v[2].msg, "aliases are not supported");
	CHECK_EQ_STR(d.v[2].hint, "write the value out instead of '*a0'");
	uk_diags_free(&d);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/uk-manifest-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		printf("FAIL setup: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	run_cases();
	RUN(t_parse_size);
	RUN(t_targets);
	RUN(t_diag_format);
	RUN(t_strv);
	RUN(t_defaults);
	RUN(t_sources_expand);
	RUN(t_dir_with_wildcards);
	RUN(t_error_summary);
	RUN(t_io_error);
	RUN(t_component);
	RUN(t_garbage);
	RUN(t_mutations);
	RUN(t_binary);
	RUN(t_huge);
	RUN(t_long_list);
	RUN(t_deep);
	RUN(t_billion_laughs);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			printf("FAIL cleanup: %s\n", cmd);
	}
	return check_done() || case_failures ? 1 : 0;
}
