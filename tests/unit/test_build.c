/* build: dependency files, uk.lock, image metadata, the compile cache. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "builder/compile.h"
#include "builder/imagemeta.h"
#include "builder/lock.h"
#include "builder/objcache.h"
#include "builder/statcache.h"
#include "check.h"
#include "util/fasthash.h"
#include "util/path.h"
#include "util/relpath.h"

static char dir[] = "/tmp/uk-test-build.XXXXXX";

static char *in_dir(const char *name)
{
	return uk_path_join(dir, name);
}

static void t_depfile_parse(void)
{
	struct uk_strv d = { 0 };

	CHECK_EQ_INT(uk_depfile_parse("x.o: src/a.c \\\n /usr/include/stdio.h b\\ c.h\n\n"
				      "/usr/include/stdio.h:\n",
				      &d),
		     0);
	CHECK_EQ_INT(d.n, 3);
	CHECK_EQ_STR(d.v[0], "src/a.c");
	CHECK_EQ_STR(d.v[1], "/usr/include/stdio.h");
	CHECK_EQ_STR(d.v[2], "b c.h");
	uk_strv_free(&d);
	CHECK_EQ_INT(uk_depfile_parse("no colon here", &d), -1);
}

static void t_lock_roundtrip(void)
{
	struct uk_lock l = { 0 }, back = { 0 };
	struct uk_error err = { 0 };
	char *path = in_dir("uk.lock");
	const char *d1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
	const char *d2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

	uk_lock_set(&l, "uk-runtime", "uk-runtime", "0.1.0", d1);
	uk_lock_set(&l, "musl", "musl", "1.2.3", d2);
	uk_lock_set(&l, "uk-runtime", "uk-runtime", "0.1.1", d2); /* replaces */
	CHECK_EQ_INT(l.n, 2);
	CHECK_EQ_INT(uk_lock_save(path, &l, &err), 0);
	CHECK_EQ_INT(uk_lock_load(path, &back, &err), 0);
	CHECK_EQ_INT(back.n, 2);
	CHECK_EQ_STR(uk_lock_find(&back, "uk-runtime")->version, "0.1.1");
	CHECK_EQ_STR(uk_lock_find(&back, "musl")->digest, d2);
	CHECK(uk_lock_find(&back, "lwip") == NULL);
	uk_lock_free(&l);
	uk_lock_free(&back);
	free(path);
}

static void t_lock_missing_is_empty_broken_is_error(void)
{
	struct uk_lock l = { 0 };
	struct uk_error err = { 0 };
	char *path = in_dir("broken.lock");
	FILE *f;

	CHECK_EQ_INT(uk_lock_load("/nonexistent/uk.lock", &l, &err), 0);
	CHECK_EQ_INT(l.n, 0);
	f = fopen(path, "w");
	fputs("{\"components\": {\"x\": {\"name\": \"x\", \"version\": \"1\", \"digest\": \"md5:00\"}}}", f);
	fclose(f);
	CHECK_EQ_INT(uk_lock_load(path, &l, &err), -1);
	CHECK_CONTAINS(err.msg, "entry 'x' lacks");
	CHECK_CONTAINS(err.hint, "delete");
	f = fopen(path, "w");
	fputs("{ not json", f);
	fclose(f);
	CHECK_EQ_INT(uk_lock_load(path, &l, &err), -1);
	CHECK_CONTAINS(err.msg, "broken.lock:1:");
	free(path);
}

static void t_imagemeta_roundtrip_and_defaults(void)
{
	struct uk_image_meta m = { 0 }, back;
	struct uk_error err = { 0 };
	char *img = in_dir("img");
	char *args[] = { "a", "b c" }, *env[] = { "K=V" };
	struct uk_image_component comps[] = { { "musl", "1.2.3", "sha256:00" } };
	FILE *f = fopen(img, "w");

	fputs("not an mbr", f);
	fclose(f);
	CHECK_EQ_INT(uk_image_meta_load(img, &back, &err), 0); /* no .json yet */
	CHECK_EQ_STR(back.name, "img");
	CHECK_EQ_INT(back.memory, 64ull << 20);
	CHECK_EQ_INT(back.is_disk, 0);
	uk_image_meta_free(&back);

	m.name = "hello";
	m.target = "kvm";
	m.memory = 2ull << 20;
	m.args = args;
	m.nargs = 2;
	m.env = env;
	m.nenv = 1;
	m.components = comps;
	m.ncomponents = 1;
	CHECK_EQ_INT(uk_image_meta_write(img, &m, &err), 0);
	CHECK_EQ_INT(uk_image_meta_load(img, &back, &err), 0);
	CHECK_EQ_STR(back.name, "hello");
	CHECK_EQ_INT(back.memory, 2ull << 20);
	CHECK_EQ_INT(back.nargs, 2);
	CHECK_EQ_STR(back.args[1], "b c");
	CHECK_EQ_STR(back.env[0], "K=V");
	CHECK_EQ_STR(back.components[0].version, "1.2.3");
	uk_image_meta_free(&back);
	free(img);
}

/* The cache: a second compile of the same source is a hit; editing a
 * header it includes is a miss. Runs the real compiler. */
static void t_compile_cache(void)
{
	struct uk_strv src = { 0 }, flags = { 0 };
	struct uk_compile_result r;
	struct uk_error err = { 0 };
	struct uk_compile_opts o = { 0 };
	char *cache = in_dir("cache"), *c = in_dir("a.c"), *h = in_dir("a.h");
	FILE *f;

	f = fopen(h, "w");
	fputs("#define N 1\n", f);
	fclose(f);
	f = fopen(c, "w");
	fputs("#include \"a.h\"\nint a(void) { return N; }\n", f);
	fclose(f);
	uk_strv_push(&src, "a.c");
	uk_strv_push(&flags, "-O2");
	o.project_dir = dir;
	o.cache_dir = cache;
	o.sources = &src;
	o.cflags = &flags;
	o.jobs = 2;
	CHECK_EQ_INT(uk_compile(&o, &r, &err), 0);
	CHECK_EQ_INT(r.compiled, 1);
	CHECK(uk_file_exists(r.objects.v[0]));
	uk_compile_result_free(&r);
	CHECK_EQ_INT(uk_compile(&o, &r, &err), 0);
	CHECK_EQ_INT(r.compiled, 0);
	CHECK_EQ_INT(r.cached, 1);
	uk_compile_result_free(&r);
	f = fopen(h, "w");
	fputs("#define N 2\n", f);
	fclose(f);
	CHECK_EQ_INT(uk_compile(&o, &r, &err), 0);
	CHECK_EQ_INT(r.compiled, 1);
	uk_compile_result_free(&r);
	/* Other flags, other object. */
	uk_strv_push(&flags, "-DX");
	CHECK_EQ_INT(uk_compile(&o, &r, &err), 0);
	CHECK_EQ_INT(r.compiled, 1);
	uk_compile_result_free(&r);
	uk_strv_free(&src);
	uk_strv_free(&flags);
	free(cache);
	free(c);
	free(h);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

/* Vectors from the xxHash specification's reference outputs. */
static void t_fasthash(void)
{
	const char *s = "Nobody inspects the spammish repetition";
	char a[UK_FASTHASH_HEX], b[UK_FASTHASH_HEX];

	CHECK(uk_xxh64("", 0, 0) == 0xef46db3751d8e999ULL);
	CHECK(uk_xxh64("a", 1, 0) == 0xd24ec4f1a98c6e5bULL);
	CHECK(uk_xxh64("abc", 3, 0) == 0x44bc2cf5ad770999ULL);
	CHECK(uk_xxh64(s, strlen(s), 0) == 0xfbcea83c8a378bf1ULL);
	uk_fasthash_hex("ab\0c", 4, a);
	uk_fasthash_hex("a\0bc", 4, b);
	CHECK_EQ_INT(strlen(a), 32);
	CHECK(strcmp(a, b) != 0);
}

/* A file is read again only when stat says it changed; the cache file
 * survives a reload. Times are set in the past: entries changed in the
 * last two seconds are not trusted across runs. */
static void t_statcache(void)
{
	char *cache = in_dir("sc"), *f = in_dir("sc/x.h"), h1[UK_FASTHASH_HEX],
	     h2[UK_FASTHASH_HEX];
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct uk_statcache c;
	struct uk_error err = { 0 };

	uk_mkdirs(cache, &err);
	put(f, "one\n");
	utimensat(AT_FDCWD, f, old, 0);
	uk_statcache_load(&c, cache);
	CHECK_EQ_INT(uk_statcache_hash(&c, cache, "x.h", h1), 0);
	CHECK_EQ_INT(c.hashed, 1);
	CHECK_EQ_INT(uk_statcache_hash(&c, cache, "x.h", h2), 0);
	CHECK_EQ_INT(c.hashed, 1);
	CHECK_EQ_STR(h1, h2);
	CHECK_EQ_INT(uk_statcache_hash(&c, cache, "absent.h", h2), -1);
	uk_statcache_save(&c);
	uk_statcache_free(&c);
	/* ctime moved (chmod, a rewrite): the next run rehashes */
	uk_statcache_load(&c, cache);
	CHECK_EQ_INT(uk_statcache_hash(&c, cache, "x.h", h2), 0);
	CHECK_EQ_INT(c.hashed, 1); /* ctime is recent: not trusted */
	uk_statcache_free(&c);
	uk_remove_tree(cache, &err);
	free(cache);
	free(f);
}

/* The user's cache outlives the build folder and serves another project
 * with the same source; the least recently used entries go first. */
static void t_shared_cache(void)
{
	struct uk_strv src = { 0 }, flags = { 0 };
	struct uk_compile_result r;
	struct uk_error err = { 0 };
	struct uk_compile_opts o = { 0 };
	struct uk_objcache oc;
	struct uk_objcache_stats st;
	char *home = in_dir("home"), *p1 = in_dir("p1"), *p2 = in_dir("p2");
	char *c1 = in_dir("p1/build"), *c2 = in_dir("p2/build"), *f;
	char *croot = in_dir("home/cache");

	uk_mkdirs(p1, &err);
	uk_mkdirs(p2, &err);
	f = in_dir("p1/m.c");
	put(f, "#include \"m.h\"\nint m(void) { return M; }\n");
	free(f);
	f = in_dir("p1/m.h");
	put(f, "#define M 3\n");
	free(f);
	f = in_dir("p2/m.c");
	put(f, "#include \"m.h\"\nint m(void) { return M; }\n");
	free(f);
	f = in_dir("p2/m.h");
	put(f, "#define M 3\n");
	free(f);
	uk_strv_push(&src, "m.c");
	uk_strv_push(&flags, "-O2");
	CHECK_EQ_INT(uk_objcache_open(&oc, home, &err), 0);
	o.project_dir = p1;
	o.cache_dir = c1;
	o.shared = &oc;
	o.cc_id = "test-cc";
	o.sources = &src;
	o.cflags = &flags;
	o.jobs = 1;
	CHECK_EQ_INT(uk_compile(&o, &r, &err), 0);
	CHECK_EQ_INT(r.compiled, 1);
	uk_compile_result_free(&r);
	uk_remove_tree(c1, &err);
	CHECK_EQ_INT(uk_compile(&o, &r, &err), 0);
	CHECK_EQ_INT(r.compiled, 0);
	CHECK_EQ_INT(r.shared, 1);
	CHECK(uk_file_exists(r.objects.v[0]));
	uk_compile_result_free(&r);
	/* the same source and header in another folder */
	o.project_dir = p2;
	o.cache_dir = c2;
	CHECK_EQ_INT(uk_compile(&o, &r, &err), 0);
	CHECK_EQ_INT(r.compiled, 0);
	CHECK_EQ_INT(r.shared, 1);
	uk_compile_result_free(&r);
	/* a different header there: compiled */
	f = in_dir("p2/m.h");
	put(f, "#define M 4\n");
	free(f);
	CHECK_EQ_INT(uk_compile(&o, &r, &err), 0);
	CHECK_EQ_INT(r.compiled, 1);
	uk_compile_result_free(&r);
	uk_objcache_close(&oc);
	/* two objects and one dependency list (both projects had the same
	 * source); a bound of 1 byte leaves none,
	 * and a build folder's link to an object outlives its eviction */
	CHECK_EQ_INT(uk_objcache_trim(croot, 1ull << 30, &st, &err), 0);
	CHECK_EQ_INT(st.entries, 0);
	CHECK(st.kept > 0);
	CHECK_EQ_INT(uk_objcache_trim(croot, 1, &st, &err), 0);
	CHECK_EQ_INT(st.entries, 3);
	CHECK_EQ_INT(st.kept, 0);
	CHECK_EQ_INT(uk_objcache_open(&oc, home, &err), 0);
	o.project_dir = p1;
	o.cache_dir = c1;
	CHECK_EQ_INT(uk_compile(&o, &r, &err), 0);
	CHECK_EQ_INT(r.cached, 1);
	CHECK_EQ_INT(r.shared, 0);
	uk_compile_result_free(&r);
	uk_objcache_close(&oc);
	uk_strv_free(&src);
	uk_strv_free(&flags);
	free(home);
	free(p1);
	free(p2);
	free(c1);
	free(c2);
	free(croot);
}

/* LRU: the entry used longest ago goes first. */
static void t_objcache_lru(void)
{
	struct uk_objcache oc;
	struct uk_objcache_stats st;
	struct uk_error err = { 0 };
	char *home = in_dir("lru"), *root = in_dir("lru/cache"), *a, *b;
	struct timespec t[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	setenv("UK_CACHE_SIZE", "6", 1);
	CHECK(uk_objcache_limit() == 6);
	setenv("UK_CACHE_SIZE", "3k", 1);
	CHECK(uk_objcache_limit() == 3072);
	unsetenv("UK_CACHE_SIZE");
	CHECK(uk_objcache_limit() == 2ull << 30);
	CHECK_EQ_INT(uk_objcache_open(&oc, home, &err), 0);
	a = uk_objcache_put_obj_buf(&oc, "aaaa0000000000000000000000000000", "1234", 4);
	b = uk_objcache_put_obj_buf(&oc, "bbbb0000000000000000000000000000", "5678", 4);
	CHECK(a && b);
	utimensat(AT_FDCWD, b, t, 0); /* b used long ago */
	free(uk_objcache_obj(&oc, "aaaa0000000000000000000000000000"));
	CHECK(uk_objcache_obj(&oc, "cccc0000000000000000000000000000") == NULL);
	uk_objcache_close(&oc);
	CHECK_EQ_INT(uk_objcache_trim(root, 5, &st, &err), 0);
	CHECK_EQ_INT(st.entries, 1);
	CHECK(uk_file_exists(a));
	CHECK(!uk_file_exists(b));
	/* an absent cache is an empty one */
	CHECK_EQ_INT(uk_objcache_trim("/nonexistent/uk-cache", 0, &st, &err), 0);
	free(a);
	free(b);
	free(home);
	free(root);
}

/* the debug recipe's inputs, relative to its folder (builder/debugfile.c) */
static void t_relpath(void)
{
	static const char *const rel[][3] = {
		{ "/p/build/.cache/obj/a.o", "/p/build/kvm", "../.cache/obj/a.o" },
		{ "/p/build/kvm/x", "/p/build/kvm", "x" },
		{ "/p", "/p/build/kvm", "../.." },
		{ "/p/kvm", "/p/kvm", "." },
		{ "/q/a", "/p/kvm", "../../q/a" },
		{ "/pa/b", "/p", "../pa/b" },
		{ "/p/kvmx/a", "/p/kvm", "../kvmx/a" },
		{ "/a", "/", "a" },
	};
	static const char *const abs[][3] = {
		{ "build/kvm/x", "/w/p", "/w/p/build/kvm/x" },
		{ "../q/./b//c", "/w/p", "/w/q/b/c" },
		{ "/x/../..", "/", "/" },
		{ ".", "/w", "/w" },
		{ "/s/t/", "/w", "/s/t" },
	};

	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char *r = uk_path_relative(rel[i][0], rel[i][1]);
		CHECK_EQ_STR(r, rel[i][2]);
		free(r);
	}
	for (size_t i = 0; i < sizeof(abs) / sizeof(abs[0]); i++) {
		char *r = uk_path_absolute(abs[i][0], abs[i][1]);
		CHECK_EQ_STR(r, abs[i][2]);
		free(r);
	}
}

/* uk_read_file: a file's bytes and a NUL after them, whatever fstat says
 * of its size (exact, empty, or 0 for a /proc file that has more) */
static void t_read_file(void)
{
	struct uk_error err = { 0 };
	char path[300], *d = NULL;
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/rf", dir);
	f = fopen(path, "wb");
	CHECK(f != NULL);
	for (int i = 0; i < 70000; i++)
		fputc('a' + i % 26, f);
	fclose(f);
	CHECK_EQ_INT(uk_read_file(path, &d, &n, &err), 0);
	CHECK_EQ_INT((int)n, 70000);
	CHECK(d && d[0] == 'a' && d[69999] == 'a' + 69999 % 26 && d[70000] == '\0');
	free(d);
	f = fopen(path, "wb");
	fclose(f);
	CHECK_EQ_INT(uk_read_file(path, &d, &n, &err), 0);
	CHECK(n == 0 && d && d[0] == '\0');
	free(d);
	CHECK_EQ_INT(uk_read_file("/proc/self/status", &d, &n, &err), 0);
	CHECK(n > 100 && strstr(d, "Name:") == d && strlen(d) == n);
	free(d);
	snprintf(path, sizeof(path), "%s/nothere", dir);
	CHECK_EQ_INT(uk_read_file(path, &d, &n, &err), -1);
	CHECK(strstr(err.msg, "nothere") && strstr(err.msg, "No such file"));
}

int main(void)
{
	struct uk_error err = { 0 };

	if (!mkdtemp(dir))
		return 1;
	RUN(t_depfile_parse);
	RUN(t_lock_roundtrip);
	RUN(t_lock_missing_is_empty_broken_is_error);
	RUN(t_imagemeta_roundtrip_and_defaults);
	RUN(t_compile_cache);
	RUN(t_fasthash);
	RUN(t_relpath);
	RUN(t_read_file);
	RUN(t_statcache);
	RUN(t_shared_cache);
	RUN(t_objcache_lru);
	uk_remove_tree(dir, &err);
	return check_done();
}
