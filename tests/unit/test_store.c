/* The local store: digests, reproducible layers, add/find/pin/miss, broken
 * blobs and indexes, concurrent writers. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include <signal.h>

#include "check.h"
#include "store/layer.h"
#include "store/layout.h"
#include "store/store.h"
#include "util/cleanup.h"
#include "util/path.h"

static char tmpdir[256];

static char *P(const char *fmt, const char *a)
{
	static char buf[8][2048];
	static int i;
	char rel[900];

	i = (i + 1) % 8;
	snprintf(rel, sizeof(rel), fmt, a ? a : "");
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, rel);
	return buf[i];
}

/* A path that stays valid for a test (the stores keep pointers to
 * their roots): one of 16 buffers, none taken twice by one test. */
static char *S(const char *name)
{
	static char buf[16][4096];
	static unsigned i;

	i = (i + 1) % 16;
	snprintf(buf[i], sizeof(buf[i]), "%s", P("%s", name));
	return buf[i];
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	CHECK(f != NULL);
	fputs(text, f);
	fclose(f);
}

/* path's contents, or NULL; valid until the 8th call after */
static char *read_text(const char *path)
{
	static char *ring[8];
	static unsigned i;
	char *data = NULL;
	size_t len;
	struct uk_error err = {0};

	if (uk_read_file(path, &data, &len, &err) < 0)
		return NULL;
	i = (i + 1) % 8;
	free(ring[i]);
	ring[i] = data;
	return data;
}

/* A component folder NAME-VERSION under tmpdir. */
static const char *make_component(const char *name, const char *version)
{
	static char dir[1024];
	char sub[4096], yaml[4096];

	snprintf(dir, sizeof(dir), "%s/src-%s-%s", tmpdir, name, version);
	snprintf(sub, sizeof(sub), "%s/lib", dir);
	CHECK(uk_mkdirs(sub, NULL) == 0);
	snprintf(sub, sizeof(sub), "%s/include/%s", dir, name);
	CHECK(uk_mkdirs(sub, NULL) == 0);
	snprintf(sub, sizeof(sub), "%s/lib/lib%s.a", dir, name);
	write_text(sub, "!<arch>\n");
	snprintf(sub, sizeof(sub), "%s/include/%s/%s.h", dir, name, name);
	write_text(sub, "int f(void);\n");
	snprintf(sub, sizeof(sub), "%s/junk.o", dir);
	write_text(sub, "not packed\n");
	snprintf(yaml, sizeof(yaml),
		 "spec: 1\nname: %s\nversion: %s\ninclude:\n  - include\n"
		 "archives:\n  - lib/lib%s.a\n",
		 name, version, name);
	snprintf(sub, sizeof(sub), "%s/component.yaml", dir);
	write_text(sub, yaml);
	return dir;
}

static void t_open_roots(void)
{
	struct uk_store s;
	struct uk_error err = {0};
	char cwd[1024], want[2048];

	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	setenv("UK_HOME", "rel/home", 1);
	setenv("UK_BUILTIN_STORE", P("builtin-x", NULL), 1);
	CHECK_EQ_INT(uk_store_open(&s, &err), 0);
	snprintf(want, sizeof(want), "%s/rel/home", cwd);
	CHECK_EQ_STR(s.user_root, want);
	CHECK_EQ_STR(s.builtin_root, P("builtin-x", NULL));
	CHECK(!uk_file_exists("rel/home"));
	uk_store_close(&s);
	unsetenv("UK_HOME");
	setenv("HOME", P("home", NULL), 1);
	CHECK_EQ_INT(uk_store_open(&s, &err), 0);
	CHECK_EQ_STR(s.user_root, P("home/.local/share/uk", NULL));
	CHECK(!uk_file_exists(s.user_root));
	uk_store_close(&s);
	unsetenv("UK_BUILTIN_STORE");
}

static void t_digest(void)
{
	char d[UK_DIGEST_MAX];

	CHECK_EQ_INT(uk_digest_buf("abc", 3, d), 0);
	CHECK_EQ_STR(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK_EQ_INT(uk_digest_buf("", 0, d), 0);
	CHECK_EQ_STR(d, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK(uk_digest_valid(d));
	CHECK(!uk_digest_valid("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"));
	CHECK(!uk_digest_valid("sha256:e3b0"));
	CHECK(!uk_digest_valid("sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	CHECK(!uk_digest_valid("sha256:../../../../etc/passwd"));
	CHECK(!uk_digest_valid(NULL));
}

static void t_version_order(void)
{
	CHECK(uk_store_version_cmp("0.10.0", "0.9.0") > 0);
	CHECK(uk_store_version_cmp("1.0.0", "1.0.0") == 0);
	CHECK(uk_store_version_cmp("1.0", "1.0.0") == 0);
	CHECK(uk_store_version_cmp("1.0.0-rc1", "1.0.0") < 0);
	CHECK(uk_store_version_cmp("1.0.0-rc.2", "1.0.0-rc.10") < 0);
	CHECK(uk_store_version_cmp("1.0.1", "1.0.0+build5") > 0);
	CHECK(uk_store_version_cmp("2", "10") < 0);
}

static void pack_dir(const char *dir, long long mtime, void **buf, size_t *len)
{
	static const char *const paths[] = {"component.yaml", "include", "lib"};
	struct uk_error err = {0};

	if (uk_layer_pack(dir, paths, 3, mtime, buf, len, &err) < 0)
		check_fail(__FILE__, __LINE__, "pack: %s", err.msg);
}

static void t_layer_reproducible(void)
{
	const char *dir = make_component("repro", "1.0.0");
	void *a, *b, *c;
	size_t la, lb, lc;
	struct utimbuf old = {1000, 1000};
	char path[4096];

	pack_dir(dir, 0, &a, &la);
	/* Not padded to a tar block size after compression. */
	CHECK(la < 1024);
	/* Other mtimes and modes on disk must not change the bytes. */
	snprintf(path, sizeof(path), "%s/lib/librepro.a", dir);
	CHECK_EQ_INT(utime(path, &old), 0);
	CHECK_EQ_INT(chmod(path, 0600), 0);
	pack_dir(dir, 0, &b, &lb);
	CHECK_EQ_INT(la, lb);
	CHECK(memcmp(a, b, la) == 0);
	/* gzip header: no name flag, no timestamp. */
	CHECK_EQ_INT(((unsigned char *)a)[3] & 0x08, 0);
	CHECK_EQ_INT(((unsigned char *)a)[4] | ((unsigned char *)a)[5] |
			     ((unsigned char *)a)[6] | ((unsigned char *)a)[7],
		     0);
	pack_dir(dir, 1700000000, &c, &lc);
	CHECK(la != lc || memcmp(a, c, la) != 0);
	free(a);
	free(b);
	free(c);
}

static void t_layer_metadata(void)
{
	const char *dir = make_component("meta", "1.0.0");
	char path[4096];
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	const char *prev = "";
	char last[512] = "";
	void *buf;
	size_t len;
	int n = 0;

	snprintf(path, sizeof(path), "%s/lib/tool", dir);
	write_text(path, "#!/bin/sh\n");
	chmod(path, 0700);
	pack_dir(dir, 42, &buf, &len);
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	CHECK_EQ_INT(archive_read_open_memory(a, buf, len), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);

		CHECK(strcmp(prev, name) < 0);
		snprintf(last, sizeof(last), "%s", name);
		prev = last;
		CHECK_EQ_INT(archive_entry_mtime(e), 42);
		CHECK_EQ_INT(archive_entry_uid(e), 0);
		CHECK_EQ_INT(archive_entry_gid(e), 0);
		CHECK(archive_entry_uname(e) == NULL || !*archive_entry_uname(e));
		if (!strcmp(name, "lib/tool") || archive_entry_filetype(e) == AE_IFDIR)
			CHECK_EQ_INT(archive_entry_perm(e), 0755);
		else
			CHECK_EQ_INT(archive_entry_perm(e), 0644);
		CHECK(strcmp(name, "junk.o") != 0);
		n++;
	}
	CHECK_EQ_INT(n, 7); /* yaml, include/, include/meta/, .h, lib/, .a, tool */
	archive_read_free(a);
	free(buf);
}

static void t_add_find(void)
{
	const char *root = P("store-a", NULL);
	struct uk_store s = {S("store-a"), NULL};
	struct uk_store_component c;
	struct uk_error err = {0};
	char d1[UK_DIGEST_MAX], d2[UK_DIGEST_MAX];
	char *idx;

	CHECK_EQ_INT(uk_store_add_component(root, make_component("demo", "1.0.0"),
					    d1, &err), 0);
	CHECK(uk_digest_valid(d1));
	CHECK(uk_file_exists(P("store-a/oci-layout", NULL)));
	CHECK_EQ_STR(read_text(P("store-a/oci-layout", NULL)),
		     "{\"imageLayoutVersion\":\"1.0.0\"}");
	/* The same input again: the same digest, still one index entry. */
	CHECK_EQ_INT(uk_store_add_component(root, make_component("demo", "1.0.0"),
					    d2, &err), 0);
	CHECK_EQ_STR(d1, d2);
	idx = read_text(P("store-a/index.json", NULL));
	CHECK_CONTAINS(idx, "\"org.opencontainers.image.ref.name\": \"demo:1.0.0\"");
	CHECK(strstr(idx, "demo:1.0.0") == strrchr(idx, 'd') - 0 ||
	      strstr(strstr(idx, "demo:1.0.0") + 1, "demo:1.0.0") == NULL);

	CHECK_EQ_INT(uk_store_find_component(&s, "demo", NULL, &c, &err), 0);
	CHECK_EQ_STR(c.name, "demo");
	CHECK_EQ_STR(c.version, "1.0.0");
	CHECK_EQ_STR(c.digest, d1);
	CHECK(c.root == s.user_root);
	CHECK_CONTAINS(c.dir, "/unpacked/");
	{
		struct stat st;

		CHECK_EQ_INT(stat(c.dir, &st), 0);
		CHECK_EQ_INT(st.st_mode & 07777, 0755);
	}
	{
		char path[4096];

		snprintf(path, sizeof(path), "%s/lib/libdemo.a", c.dir);
		CHECK(uk_file_exists(path));
		snprintf(path, sizeof(path), "%s/include/demo/demo.h", c.dir);
		CHECK(uk_file_exists(path));
		snprintf(path, sizeof(path), "%s/junk.o", c.dir);
		CHECK(!uk_file_exists(path));
	}
	uk_store_component_free(&c);
	CHECK_EQ_INT(uk_store_find_component(&s, "demo:1.0.0", d1, &c, &err), 0);
	uk_store_component_free(&c);
}

/* skopeo copy writes index.json without artifactType: still a component. */
static void t_index_from_other_tools(void)
{
	struct uk_store s = {S("store-a"), NULL};
	struct uk_layout_ref *refs;
	struct uk_store_component c;
	struct uk_error err = {0};
	size_t n;
	char idx[1024];

	CHECK_EQ_INT(uk_layout_refs(s.user_root, &refs, &n, &err), 0);
	CHECK_EQ_INT(n, 1);
	snprintf(idx, sizeof(idx),
		 "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"%s\","
		 "\"digest\":\"%s\",\"size\":%llu,\"annotations\":{\"%s\":"
		 "\"demo:1.0.0\"}}]}",
		 UK_MT_MANIFEST, refs[0].digest, refs[0].size, UK_ANNOT_REF);
	uk_layout_refs_free(refs, n);
	write_text(P("store-a/index.json", NULL), idx);
	CHECK_EQ_INT(uk_store_find_component(&s, "demo", NULL, &c, &err), 0);
	CHECK_EQ_STR(c.version, "1.0.0");
	uk_store_component_free(&c);
}

static void t_pin_mismatch(void)
{
	struct uk_store s = {S("store-a"), NULL};
	struct uk_store_component c;
	struct uk_error err = {0};
	const char *pin = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

	CHECK_EQ_INT(uk_store_find_component(&s, "demo:1.0.0", pin, &c, &err), -1);
	CHECK_CONTAINS(err.msg, pin);
	CHECK_CONTAINS(err.msg, "sha256:");
	CHECK_CONTAINS(err.msg, "pinned");
	CHECK(strstr(err.msg, "sha256:") != strstr(err.msg, pin) ||
	      strstr(strstr(err.msg, pin) + 7, "sha256:") != NULL);
	CHECK(err.hint[0] != '\0');
}

static void t_miss(void)
{
	struct uk_store s = {S("store-a"), S("nowhere")};
	struct uk_store_component c;
	struct uk_error err = {0};

	CHECK_EQ_INT(uk_store_find_component(&s, "nothere", NULL, &c, &err), -1);
	CHECK_EQ_STR(err.msg, "component 'nothere' not found");
	CHECK_CONTAINS(err.hint, s.user_root);
	CHECK_CONTAINS(err.hint, s.builtin_root);
	CHECK_CONTAINS(err.hint, "uk pkg create");
	CHECK_CONTAINS(err.hint, "uk pull");
	uk_error_clear(&err);
	CHECK_EQ_INT(uk_store_find_component(&s, "demo:9.9.9", NULL, &c, &err), -1);
	CHECK_CONTAINS(err.hint, "demo:1.0.0");
	uk_error_clear(&err);
	CHECK_EQ_INT(uk_store_find_component(&s, "a:b:c", NULL, &c, &err), -1);
	CHECK_CONTAINS(err.msg, "not a component reference");
}

static void t_highest_version_and_order(void)
{
	struct uk_store s = {S("store-u"), S("store-b")};
	struct uk_store_component c;
	struct uk_error err = {0};
	char d[UK_DIGEST_MAX], dbuiltin[UK_DIGEST_MAX];

	CHECK_EQ_INT(uk_store_add_component(s.builtin_root,
					    make_component("v", "0.10.0"), dbuiltin, &err), 0);
	CHECK_EQ_INT(uk_store_add_component(s.user_root, make_component("v", "0.9.0"),
					    d, &err), 0);
	CHECK_EQ_INT(uk_store_add_component(s.user_root, make_component("v", "0.2.0"),
					    d, &err), 0);
	CHECK_EQ_INT(uk_store_find_component(&s, "v", NULL, &c, &err), 0);
	CHECK_EQ_STR(c.version, "0.10.0");
	CHECK(c.root == s.builtin_root);
	uk_store_component_free(&c);
	/* The same NAME:VERSION in both: the user's wins. */
	{
		const char *dir = make_component("v", "0.10.0");
		char path[4096];

		snprintf(path, sizeof(path), "%s/lib/libv.a", dir);
		write_text(path, "!<arch>\nuser's own build\n");
		CHECK_EQ_INT(uk_store_add_component(s.user_root, dir, d, &err), 0);
	}
	CHECK(strcmp(d, dbuiltin) != 0);
	CHECK_EQ_INT(uk_store_find_component(&s, "v:0.10.0", NULL, &c, &err), 0);
	CHECK(c.root == s.user_root);
	CHECK_EQ_STR(c.digest, d);
	uk_store_component_free(&c);
	/* A pin picks the built-in one even though the user's comes first. */
	CHECK_EQ_INT(uk_store_find_component(&s, "v:0.10.0", dbuiltin, &c, &err), 0);
	CHECK(c.root == s.builtin_root);
	uk_store_component_free(&c);
}

static void t_builtin_unpacks_into_user(void)
{
	struct uk_store s = {S("store-u2"), S("store-b")};
	struct uk_store_component c;
	struct uk_error err = {0};
	char d[UK_DIGEST_MAX];

	CHECK_EQ_INT(uk_store_add_component(s.builtin_root,
					    make_component("bu", "1.0.0"), d, &err), 0);
	CHECK_EQ_INT(uk_remove_tree(P("store-b/unpacked/%s", d + 7), &err), 0);
	CHECK_EQ_INT(uk_store_find_component(&s, "bu", NULL, &c, &err), 0);
	CHECK(c.root == s.builtin_root);
	CHECK_EQ_STR(c.dir, P("store-u2/unpacked/%s", d + 7));
	CHECK(!uk_is_dir(P("store-b/unpacked/%s", d + 7)));
	uk_store_component_free(&c);
}

static void corrupt_file(const char *path)
{
	int fd = open(path, O_WRONLY);

	CHECK(fd >= 0);
	CHECK_EQ_INT(pwrite(fd, "XXXX", 4, 20), 4);
	close(fd);
}

static void t_corrupt_layer(void)
{
	struct uk_store s = {S("store-c"), NULL};
	struct uk_store_component c;
	struct uk_oci_manifest m;
	struct uk_error err = {0};
	char d[UK_DIGEST_MAX], layer[UK_DIGEST_MAX];

	CHECK_EQ_INT(uk_store_add_component(s.user_root, make_component("cl", "1.0.0"),
					    d, &err), 0);
	CHECK_EQ_INT(uk_oci_manifest_read(s.user_root, d, -1, &m, &err), 0);
	CHECK_EQ_INT(m.nlayers, 1);
	memcpy(layer, m.layers[0].digest, sizeof(layer));
	uk_oci_manifest_free(&m);
	corrupt_file(P("store-c/blobs/sha256/%s", layer + 7));
	CHECK_EQ_INT(uk_remove_tree(P("store-c/unpacked/%s", d + 7), &err), 0);
	CHECK_EQ_INT(uk_store_find_component(&s, "cl", NULL, &c, &err), -1);
	CHECK_CONTAINS(err.msg, layer);
	CHECK_CONTAINS(err.msg, "corrupt");
	CHECK(!uk_is_dir(P("store-c/unpacked/%s", d + 7)));
	/* No half-unpacked folder is left behind. */
	CHECK_EQ_INT(rmdir(P("store-c/unpacked", NULL)), 0);
}

static void t_corrupt_manifest(void)
{
	struct uk_store s = {S("store-m"), NULL};
	struct uk_store_component c;
	struct uk_store_entry *e;
	size_t n;
	struct uk_error err = {0};
	char d[UK_DIGEST_MAX];

	CHECK_EQ_INT(uk_store_add_component(s.user_root, make_component("cm", "1.0.0"),
					    d, &err), 0);
	CHECK_EQ_INT(uk_store_list(&s, &e, &n, &err), 0);
	CHECK_EQ_INT(n, 1);
	CHECK_EQ_STR(e[0].kind, "component");
	CHECK(e[0].size > 100);
	uk_store_entries_free(e, n);
	corrupt_file(P("store-m/blobs/sha256/%s", d + 7));
	CHECK_EQ_INT(uk_store_list(&s, &e, &n, &err), -1);
	CHECK_CONTAINS(err.msg, d);
	CHECK_CONTAINS(err.msg, "corrupt");
	CHECK(err.hint[0]);
	uk_error_clear(&err);
	CHECK_EQ_INT(uk_remove_tree(P("store-m/unpacked/%s", d + 7), &err), 0);
	CHECK_EQ_INT(uk_store_find_component(&s, "cm", NULL, &c, &err), -1);
	CHECK_CONTAINS(err.msg, "corrupt");
	/* A missing blob says so. */
	CHECK_EQ_INT(unlink(P("store-m/blobs/sha256/%s", d + 7)), 0);
	CHECK_EQ_INT(uk_store_find_component(&s, "cm", NULL, &c, &err), -1);
	CHECK_CONTAINS(err.msg, "missing");
}

static void t_corrupt_index(void)
{
	static const char *const cases[][2] = {
		{"not json", "line 1"},
		{"[]", "not a JSON object"},
		{"{\"schemaVersion\":1,\"manifests\":[]}", "schemaVersion"},
		{"{\"schemaVersion\":2,\"manifests\":{}}", "manifests is not an array"},
		{"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":"
		 "\"sha256:../../etc\",\"size\":1}]}", "manifests[0]: digest"},
		{"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":"
		 "\"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\","
		 "\"size\":-1}]}", "size"},
		{"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":"
		 "\"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\","
		 "\"size\":0,\"annotations\":{\"a\":1}}]}", "annotation 'a'"},
	};
	struct uk_store s = {S("store-i"), NULL};
	struct uk_store_component c;
	struct uk_store_entry *e;
	size_t n, i;
	char d[UK_DIGEST_MAX];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct uk_error err = {0};

		if (uk_layout_init(s.user_root, &err) < 0)
			check_fail(__FILE__, __LINE__, "case %zu: %s", i, err.msg);
		write_text(P("store-i/index.json", NULL), cases[i][0]);
		CHECK_EQ_INT(uk_store_find_component(&s, "x", NULL, &c, &err), -1);
		CHECK_CONTAINS(err.msg, "index.json' is corrupt");
		CHECK_CONTAINS(err.msg, cases[i][1]);
		CHECK_EQ_INT(uk_store_list(&s, &e, &n, &err), -1);
		/* A write must not replace a broken index. */
		CHECK_EQ_INT(uk_store_add_component(s.user_root,
						    make_component("ci", "1.0.0"), d, &err),
			     -1);
		CHECK_CONTAINS(err.msg, "corrupt");
		CHECK_EQ_STR(read_text(P("store-i/index.json", NULL)), cases[i][0]);
	}
}

/* A layer with a hostile path, stored under a valid manifest. */
static void t_unsafe_layer(void)
{
	static const char *const names[] = {"../evil", "/abs", "a/../../b"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct archive *a = archive_write_new();
		struct archive_entry *e = archive_entry_new();
		char buf[16384], d[UK_DIGEST_MAX], cfg[UK_DIGEST_MAX], man[2048];
		char *dir = NULL;
		size_t used = 0;
		struct uk_error err = {0};
		const char *root = P("store-x", NULL);
		const char *config = "{\"name\":\"x\",\"version\":\"1\"}";

		archive_write_set_format_pax_restricted(a);
		archive_write_add_filter_gzip(a);
		archive_write_open_memory(a, buf, sizeof(buf), &used);
		archive_entry_set_pathname(e, names[i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, 2);
		archive_write_header(a, e);
		archive_write_data(a, "hi", 2);
		archive_write_close(a);
		archive_write_free(a);
		archive_entry_free(e);
		CHECK_EQ_INT(uk_layout_init(root, &err), 0);
		CHECK_EQ_INT(uk_layout_put_blob(root, buf, used, d, &err), 0);
		CHECK_EQ_INT(uk_layout_put_blob(root, config, strlen(config), cfg, &err),
			     0);
		snprintf(man, sizeof(man),
			 "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"artifactType\":\"%s\","
			 "\"config\":{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu},"
			 "\"layers\":[{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu}]}",
			 UK_MT_MANIFEST, UK_COMPONENT_ARTIFACT, UK_COMPONENT_CONFIG, cfg,
			 strlen(config),
			 UK_MT_LAYER_TGZ, d, used);
		CHECK_EQ_INT(uk_layout_put_blob(root, man, strlen(man), d, &err), 0);
		CHECK_EQ_INT(uk_store_unpack(root, d, -1, root, &dir, &err), -1);
		CHECK_CONTAINS(err.msg, "unsafe path");
		CHECK(!uk_file_exists(P("evil", NULL)));
		CHECK(!uk_file_exists("/abs"));
	}
}

/* A tar+gzip at path with one entry: a file of size zeros, or a link. */
static void one_entry_tgz(const char *path, const char *name, mode_t type,
			  const char *link, long long size)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	static char zeros[1 << 16];

	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_gzip(a);
	CHECK_EQ_INT(archive_write_open_filename(a, path), ARCHIVE_OK);
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, 0644);
	if (type == AE_IFLNK)
		archive_entry_set_symlink(e, link);
	else if (link)
		archive_entry_set_hardlink(e, link);
	archive_entry_set_size(e, type == AE_IFREG && !link ? size : 0);
	archive_write_header(a, e);
	for (; type == AE_IFREG && !link && size > 0; size -= (long long)sizeof(zeros))
		archive_write_data(a, zeros, size < (long long)sizeof(zeros)
						   ? (size_t)size : sizeof(zeros));
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(e);
}

/* The pull-time check: what uk cannot unpack is named, nothing written. */
static void t_layer_check(void)
{
	static const struct {
		const char *name;
		mode_t type;
		const char *link, *want;
		long long size;
	} cases[] = {
		{"ok", AE_IFREG, NULL, NULL, 100},
		{"/abs", AE_IFREG, NULL, "'/abs' has an unsafe path", 1},
		{"l", AE_IFLNK, "../../etc/passwd", "'l' is a symbolic link to '../../etc/passwd'", 0},
		{"h", AE_IFREG, "ok", "'h' is a hard link to 'ok'", 0},
		{"dev", AE_IFBLK, NULL, "'dev' is a device file", 0},
		{"zeros", AE_IFREG, NULL, "unpacks to more than 67108864 bytes (at entry 'zeros')",
		 (65LL << 20)},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char n[8];
		const char *path;

		snprintf(n, sizeof(n), "%zu", i);
		path = P("check-%s.tgz", n);
		struct uk_error err = {0};
		char d[UK_DIGEST_MAX], *buf;
		size_t len;
		int fd;

		one_entry_tgz(path, cases[i].name, cases[i].type, cases[i].link,
			      cases[i].size);
		CHECK_EQ_INT(uk_read_file(path, &buf, &len, &err), 0);
		CHECK_EQ_INT(uk_digest_buf(buf, len, d), 0);
		free(buf);
		fd = open(path, O_RDONLY);
		CHECK(fd >= 0);
		CHECK_EQ_INT(uk_layer_check_fd(fd, d, len, &err), cases[i].want ? -1 : 0);
		close(fd);
		if (cases[i].want)
			CHECK_CONTAINS(err.msg, cases[i].want);
		CHECK(!uk_file_exists(P("%s", cases[i].name)));
	}
}

/* A registered temporary file is gone when uk dies of SIGTERM. */
static void t_cleanup_on_signal(void)
{
	const char *path = P("cleanup-me", NULL);
	int status;
	pid_t pid;

	write_text(path, "partial");
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		uk_cleanup_add(path);
		raise(SIGTERM);
		_exit(0);
	}
	CHECK_EQ_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	CHECK(!uk_file_exists(path));
	/* Forgotten, it stays. */
	write_text(path, "kept");
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		uk_cleanup_remove(uk_cleanup_add(path));
		raise(SIGTERM);
		_exit(0);
	}
	CHECK_EQ_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status));
	CHECK(uk_file_exists(path));
}

static void t_blob_writer_checks_digest(void)
{
	struct uk_blob_writer w;
	struct uk_error err = {0};
	const char *root = P("store-w", NULL);
	const char *want = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	char got[UK_DIGEST_MAX], *buf;
	size_t len;

	CHECK_EQ_INT(uk_blob_writer_open(&w, root, &err), 0);
	CHECK_EQ_INT(uk_blob_writer_write(&w, "abd", 3, &err), 0);
	CHECK_EQ_INT(uk_blob_writer_commit(&w, want, got, &err), -1);
	CHECK_CONTAINS(err.msg, want);
	CHECK(!uk_file_exists(P("store-w/blobs/sha256/%s", want + 7)));
	CHECK_EQ_INT(rmdir(P("store-w/.tmp", NULL)), 0);
	CHECK_EQ_INT(uk_blob_writer_open(&w, root, &err), 0);
	CHECK_EQ_INT(uk_blob_writer_write(&w, "ab", 2, &err), 0);
	CHECK_EQ_INT(uk_blob_writer_write(&w, "c", 1, &err), 0);
	CHECK_EQ_INT(uk_blob_writer_commit(&w, want, got, &err), 0);
	CHECK_EQ_STR(got, want);
	CHECK_EQ_INT(uk_layout_read_blob(root, want, 3, 100, &buf, &len, &err), 0);
	CHECK_EQ_STR(buf, "abc");
	free(buf);
	CHECK_EQ_INT(uk_layout_read_blob(root, want, 4, 100, &buf, &len, &err), -1);
	CHECK_CONTAINS(err.msg, "3 bytes, 4 expected");
}

/* Writers in several processes: every tag lands, the index stays valid. */
static void t_concurrent_adds(void)
{
	enum { WRITERS = 6, ROUNDS = 3 };
	struct uk_store s = {S("store-p"), NULL};
	struct uk_store_entry *e;
	struct uk_error err = {0};
	const char *dirs[WRITERS];
	char names[WRITERS][16];
	pid_t pids[WRITERS];
	size_t n;
	int i, status;

	for (i = 0; i < WRITERS; i++) {
		snprintf(names[i], sizeof(names[i]), "par%d", i);
		dirs[i] = strdup(make_component(names[i], "1.0.0"));
	}
	for (i = 0; i < WRITERS; i++) {
		pids[i] = fork();
		CHECK(pids[i] >= 0);
		if (pids[i] == 0) {
			char d[UK_DIGEST_MAX];
			int r, rc = 0;

			for (r = 0; r < ROUNDS; r++)
				rc |= uk_store_add_component(s.user_root, dirs[i], d, &err);
			if (rc)
				fprintf(stderr, "writer %d: %s\n", i, err.msg);
			_exit(rc ? 1 : 0);
		}
	}
	for (i = 0; i < WRITERS; i++) {
		CHECK_EQ_INT(waitpid(pids[i], &status, 0), pids[i]);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	CHECK_EQ_INT(uk_store_list(&s, &e, &n, &err), 0);
	CHECK_EQ_INT(n, WRITERS);
	for (i = 0; i < WRITERS; i++) {
		char ref[32];

		snprintf(ref, sizeof(ref), "par%d:1.0.0", i);
		CHECK_EQ_STR(e[i].ref, ref);
		free((void *)dirs[i]);
	}
	uk_store_entries_free(e, n);
}

/* Finders racing to unpack one digest: all get the same whole folder. */
static void t_concurrent_unpack(void)
{
	enum { FINDERS = 4 };
	struct uk_store s = {S("store-p"), NULL};
	struct uk_store_component c;
	struct uk_error err = {0};
	pid_t pids[FINDERS];
	int i, status;

	CHECK_EQ_INT(uk_store_find_component(&s, "par0", NULL, &c, &err), 0);
	CHECK_EQ_INT(uk_remove_tree(c.dir, &err), 0);
	for (i = 0; i < FINDERS; i++) {
		pids[i] = fork();
		CHECK(pids[i] >= 0);
		if (pids[i] == 0) {
			struct uk_store_component mine;
			char yaml[4096];
			int ok;

			ok = uk_store_find_component(&s, "par0", NULL, &mine, &err) == 0;
			snprintf(yaml, sizeof(yaml), "%s/component.yaml",
				 ok ? mine.dir : "");
			_exit(ok && !strcmp(mine.dir, c.dir) && uk_file_exists(yaml) ? 0 : 1);
		}
	}
	for (i = 0; i < FINDERS; i++) {
		CHECK_EQ_INT(waitpid(pids[i], &status, 0), pids[i]);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	CHECK(uk_file_exists(P("store-p/unpacked/%s/lib/libpar0.a", c.digest + 7)));
	/* Nothing temporary is left beside it. */
	{
		const char *only = NULL;
		size_t n = 0;
		FILE *ls;
		char cmd[2048], line[512];

		snprintf(cmd, sizeof(cmd), "ls -A '%s'", P("store-p/unpacked", NULL));
		ls = popen(cmd, "r");
		CHECK(ls != NULL);
		while (fgets(line, sizeof(line), ls))
			if (!strncmp(line, ".tmp", 4))
				only = "temporary folder left";
			else
				n++;
		pclose(ls);
		CHECK(only == NULL);
		CHECK_EQ_INT(n, 6);
	}
	uk_store_component_free(&c);
}

static void t_bad_component_dir(void)
{
	struct uk_error err = {0};
	char d[UK_DIGEST_MAX];

	CHECK_EQ_INT(uk_mkdirs(P("empty-comp", NULL), &err), 0);
	CHECK_EQ_INT(uk_store_add_component(P("store-e", NULL), P("empty-comp", NULL),
					    d, &err), -1);
	CHECK_CONTAINS(err.msg, "has no component.yaml");
	write_text(P("empty-comp/component.yaml", NULL), "spec: 1\nname: x\n");
	CHECK_EQ_INT(uk_store_add_component(P("store-e", NULL), P("empty-comp", NULL),
					    d, &err), -1);
	CHECK_CONTAINS(err.msg, "version");
	CHECK_EQ_INT(err.status, 2);
	CHECK(!uk_file_exists(P("store-e/index.json", NULL)));
}

int main(void)
{
	struct uk_error err = {0};
	int rc;

	snprintf(tmpdir, sizeof(tmpdir), "%s/uk-store-test.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	unsetenv("SOURCE_DATE_EPOCH");
	RUN(t_open_roots);
	RUN(t_digest);
	RUN(t_version_order);
	RUN(t_layer_reproducible);
	RUN(t_layer_metadata);
	RUN(t_add_find);
	RUN(t_index_from_other_tools);
	RUN(t_pin_mismatch);
	RUN(t_miss);
	RUN(t_highest_version_and_order);
	RUN(t_builtin_unpacks_into_user);
	RUN(t_corrupt_layer);
	RUN(t_corrupt_manifest);
	RUN(t_corrupt_index);
	RUN(t_unsafe_layer);
	RUN(t_layer_check);
	RUN(t_cleanup_on_signal);
	RUN(t_blob_writer_checks_digest);
	RUN(t_concurrent_adds);
	RUN(t_concurrent_unpack);
	RUN(t_bad_component_dir);
	rc = check_done();
	uk_remove_tree(tmpdir, &err);
	return rc;
}
