/* Each source's object is stored under a key hashed from the compiler, the
 * flags, the source's path and the contents of every file it read last time
 * (from the dependency file). Same key, same object: nothing to compile. */
#include "build/compile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "build/toolchain.h"
#include "registry/digest.h"
#include "util/path.h"
#include "util/spawn.h"

int uk_depfile_parse(const char *text, struct uk_strv *deps)
{
	const char *p = strchr(text, ':');
	char word[4096];
	size_t n = 0;

	if (!p)
		return -1;
	/* "obj.o: a.c b.h \\\n c.h": words after the first colon; a second
	 * rule (-MP phony targets) would start after a blank line. */
	for (p++; *p; p++) {
		if (*p == '\\' && p[1] == '\n') {
			p++;
			continue;
		}
		if (*p == '\\' && p[1] == ' ') {
			if (n + 1 < sizeof(word))
				word[n++] = ' ';
			p++;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\n') {
			if (n) {
				word[n] = '\0';
				uk_strv_push(deps, word);
				n = 0;
			}
			if (*p == '\n' && (p[1] == '\n' || p[1] == '\0'))
				break;
			continue;
		}
		if (n + 1 < sizeof(word))
			word[n++] = *p;
	}
	if (n) {
		word[n] = '\0';
		uk_strv_push(deps, word);
	}
	return 0;
}

struct job {
	size_t index;
	char *tmp_obj, *tmp_dep;
	pid_t pid;
};

static char *cache_path(const char *cache, const char *kind, const char *hex, const char *ext)
{
	char *p;

	if (asprintf(&p, "%s/%s/%s%s", cache, kind, hex, ext) < 0)
		abort();
	return p;
}

/* The deps record of a source is named by the hash of its path. */
static char *deps_path(const struct uk_compile_opts *o, const char *src)
{
	char d[UK_DIGEST_MAX];

	uk_digest_buf(src, strlen(src), d);
	return cache_path(o->cache_dir, "deps", uk_digest_hex(d), "");
}

static int hash_file(struct uk_sha256 *h, const char *dir, const char *path)
{
	char *full = path[0] == '/' ? strdup(path) : uk_path_join(dir, path);
	FILE *f = fopen(full, "rb");
	char buf[65536];
	size_t n;

	free(full);
	if (!f)
		return -1;
	uk_sha256_update(h, path, strlen(path) + 1);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		uk_sha256_update(h, buf, n);
	fclose(f);
	uk_sha256_update(h, "", 1);
	return 0;
}

/* Key from the recorded deps; -1 when there is no record or a file is gone. */
static int object_key(const struct uk_compile_opts *o, const char *src,
		      const struct uk_strv *deps, char key[UK_DIGEST_MAX])
{
	struct uk_sha256 h;
	const char *cc = uk_toolchain_cc();

	if (uk_sha256_init(&h) != 0)
		return -1;
	uk_sha256_update(&h, "uk-compile-1", 13);
	uk_sha256_update(&h, cc, strlen(cc) + 1);
	for (size_t i = 0; i < o->cflags->n; i++)
		uk_sha256_update(&h, o->cflags->v[i], strlen(o->cflags->v[i]) + 1);
	uk_sha256_update(&h, src, strlen(src) + 1);
	for (size_t i = 0; i < deps->n; i++) {
		if (hash_file(&h, o->project_dir, deps->v[i]) != 0) {
			uk_sha256_free(&h);
			return -1;
		}
	}
	uk_sha256_final(&h, key);
	return 0;
}

static int load_deps(const char *path, struct uk_strv *deps)
{
	char *text, *save = NULL;

	if (uk_read_file(path, &text, NULL, NULL) != 0)
		return -1;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		uk_strv_push(deps, l);
	free(text);
	return deps->n ? 0 : -1;
}

/* An up-to-date object for src, or NULL. */
static char *cached_object(const struct uk_compile_opts *o, const char *src)
{
	struct uk_strv deps = { 0 };
	char key[UK_DIGEST_MAX];
	char *dp = deps_path(o, src), *obj = NULL;

	if (load_deps(dp, &deps) == 0 && object_key(o, src, &deps, key) == 0) {
		obj = cache_path(o->cache_dir, "obj", uk_digest_hex(key), ".o");
		if (!uk_file_exists(obj)) {
			free(obj);
			obj = NULL;
		}
	}
	uk_strv_free(&deps);
	free(dp);
	return obj;
}

static pid_t start_job(const struct uk_compile_opts *o, struct job *j, struct uk_error *err)
{
	const char *src = o->sources->v[j->index];
	size_t n = o->cflags->n + 10, k = 0;
	char **argv = calloc(n, sizeof(*argv));
	pid_t pid;

	argv[k++] = (char *)uk_toolchain_cc();
	for (size_t i = 0; i < o->cflags->n; i++)
		argv[k++] = o->cflags->v[i];
	argv[k++] = "-MD";
	argv[k++] = "-MF";
	argv[k++] = j->tmp_dep;
	argv[k++] = "-c";
	argv[k++] = (char *)src;
	argv[k++] = "-o";
	argv[k++] = j->tmp_obj;
	argv[k] = NULL;
	pid = uk_spawn(argv, o->project_dir, err);
	free(argv);
	return pid;
}

/* After a successful compile: record deps, move the object to its key. */
static char *finish_job(const struct uk_compile_opts *o, struct job *j, struct uk_error *err)
{
	const char *src = o->sources->v[j->index];
	struct uk_strv deps = { 0 };
	char key[UK_DIGEST_MAX];
	char *text = NULL, *record = NULL, *dp = NULL, *obj = NULL;
	size_t len = 0;

	if (uk_read_file(j->tmp_dep, &text, NULL, err) != 0)
		goto out;
	if (uk_depfile_parse(text, &deps) != 0 || deps.n == 0) {
		uk_errorf(err, "the compiler wrote no usable dependency file for '%s'", src);
		goto out;
	}
	for (size_t i = 0; i < deps.n; i++)
		len += strlen(deps.v[i]) + 1;
	record = malloc(len + 1);
	record[0] = '\0';
	for (size_t i = 0; i < deps.n; i++) {
		strcat(record, deps.v[i]);
		strcat(record, "\n");
	}
	if (object_key(o, src, &deps, key) != 0) {
		uk_errorf(err, "a file '%s' includes vanished while it compiled", src);
		goto out;
	}
	obj = cache_path(o->cache_dir, "obj", uk_digest_hex(key), ".o");
	if (rename(j->tmp_obj, obj) != 0) {
		uk_errorf(err, "cannot store '%s': %s", obj, strerror(errno));
		free(obj);
		obj = NULL;
		goto out;
	}
	dp = deps_path(o, src);
	if (uk_write_file_atomic(dp, record, strlen(record), 0644, err) != 0) {
		free(obj);
		obj = NULL;
	}
out:
	unlink(j->tmp_dep);
	unlink(j->tmp_obj);
	uk_strv_free(&deps);
	free(text);
	free(record);
	free(dp);
	return obj;
}

static int make_dirs(const char *cache, struct uk_error *err)
{
	char *d = uk_path_join(cache, "obj");
	int rc = uk_mkdirs(d, err);

	free(d);
	d = uk_path_join(cache, "deps");
	if (rc == 0)
		rc = uk_mkdirs(d, err);
	free(d);
	return rc;
}

int uk_compile(const struct uk_compile_opts *o, struct uk_compile_result *r,
	       struct uk_error *err)
{
	size_t n = o->sources->n, next = 0, running = 0, done = 0;
	char **objs = calloc(n ? n : 1, sizeof(char *));
	struct job *jobs = calloc(o->jobs ? o->jobs : 1, sizeof(*jobs));
	unsigned slots = o->jobs ? o->jobs : 1;
	int failed = 0;

	memset(r, 0, sizeof(*r));
	if (make_dirs(o->cache_dir, err) != 0)
		failed = 1;
	for (size_t i = 0; i < n && !failed; i++) {
		objs[i] = cached_object(o, o->sources->v[i]);
		if (objs[i])
			r->cached++;
	}
	while (!failed || running) {
		/* Start jobs while there are free slots. */
		while (!failed && running < slots) {
			while (next < n && objs[next])
				next++;
			if (next >= n)
				break;
			struct job *j = NULL;

			for (unsigned s = 0; s < slots; s++)
				if (!jobs[s].pid) {
					j = &jobs[s];
					break;
				}
			j->index = next++;
			if (asprintf(&j->tmp_obj, "%s/obj/tmp-%d-%zu.o", o->cache_dir, getpid(),
				     j->index) < 0 ||
			    asprintf(&j->tmp_dep, "%s/obj/tmp-%d-%zu.d", o->cache_dir, getpid(),
				     j->index) < 0)
				abort();
			if (o->progress)
				o->progress(o->progress_ctx, "compile %s (%zu/%zu)",
					    o->sources->v[j->index], ++done, n - r->cached);
			j->pid = start_job(o, j, err);
			if (j->pid < 0) {
				j->pid = 0;
				failed = 1;
				break;
			}
			running++;
		}
		if (!running)
			break;
		int st;
		pid_t pid = wait(&st);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (unsigned s = 0; s < slots; s++) {
			struct job *j = &jobs[s];

			if (j->pid != pid)
				continue;
			running--;
			j->pid = 0;
			if (!failed && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
				objs[j->index] = finish_job(o, j, err);
				if (objs[j->index])
					r->compiled++;
				else
					failed = 1;
			} else {
				if (!failed)
					uk_errorf(err, "compiling '%s' failed",
						  o->sources->v[j->index]);
				failed = 1;
				unlink(j->tmp_obj);
				unlink(j->tmp_dep);
			}
			free(j->tmp_obj);
			free(j->tmp_dep);
			j->tmp_obj = j->tmp_dep = NULL;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!failed)
			uk_strv_push(&r->objects, objs[i]);
		free(objs[i]);
	}
	free(objs);
	free(jobs);
	if (failed)
		uk_hintf(err, "the compiler's messages are above");
	return failed ? -1 : 0;
}

void uk_compile_result_free(struct uk_compile_result *r)
{
	uk_strv_free(&r->objects);
}
