/* build: dependency files, uk.lock, image metadata, the compile cache. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/compile.h"
#include "build/imagemeta.h"
#include "build/lock.h"
#include "check.h"
#include "util/path.h"

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
	uk_remove_tree(dir, &err);
	return check_done();
}
