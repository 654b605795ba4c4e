/* A source's object is found by two keys. Its source key hashes the
 * compiler's identity, the flags (store paths replaced by component names
 * and digests, so keys are the same on every machine), the source's path
 * and contents. Under it the caches keep the project files the source read
 * last time; the object key hashes the source key with those files' paths
 * and contents. Files under a prefix (build/compile.h) are not hashed:
 * their folder's name is in the flags. Hashes come from the stat cache, so
 * a no-op build reads no file it already hashed. */
#include "builder/compile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "builder/ccdiag.h"
#include "builder/statcache.h"
#include "builder/toolchain.h"
#include "util/fasthash.h"
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


struct ctx {
	const struct uk_compile_opts *o;
	struct uk_statcache sc;
	struct uk_hashbuf base; /* the source key's parts common to every source */
	struct uk_compile_result *r;
	char *real_dir; /* the project's real path, to name files relative to it */
};

/* s with every prefix folder replaced by its label (malloc'd). */
static char *normalize(const struct uk_compile_opts *o, const char *s)
{
	char *out = strdup(s);

	for (size_t i = 0; i < o->nprefixes && out; i++) {
		const char *dir = o->prefixes[i].dir, *hit;
		size_t dn = strlen(dir);
		char *n;

		if (!dn || !(hit = strstr(out, dir)))
			continue;
		if (asprintf(&n, "%.*s%s%s", (int)(hit - out), out, o->prefixes[i].label,
			     hit + dn) < 0)
			abort();
		free(out);
		out = n;
	}
	if (!out)
		abort();
	return out;
}

static int under_prefix(const struct uk_compile_opts *o, const char *path)
{
	for (size_t i = 0; i < o->nprefixes; i++) {
		size_t dn = strlen(o->prefixes[i].dir);

		if (dn && !strncmp(path, o->prefixes[i].dir, dn) &&
		    (path[dn] == '/' || path[dn] == '\0'))
			return 1;
	}
	return 0;
}

/* Debug information names the folder the compiler ran in: with -g the
 * compiler is told to write it as "." (start_job), so objects stay the same
 * in every checkout and can be shared through the caches. */
static int wants_debug_info(const struct uk_strv *flags)
{
	int g = 0;

	for (size_t i = 0; i < flags->n; i++)
		if (!strncmp(flags->v[i], "-g", 2))
			g = strcmp(flags->v[i], "-g0") != 0;
	return g;
}

static void ctx_init(struct ctx *c, const struct uk_compile_opts *o,
		     struct uk_compile_result *r)
{
	memset(c, 0, sizeof(*c));
	c->o = o;
	c->r = r;
	c->real_dir = realpath(o->project_dir, NULL);
	uk_statcache_load(&c->sc, o->cache_dir);
	uk_hashbuf_str(&c->base, "uk-compile-2");
	uk_hashbuf_str(&c->base, o->cc_id ? o->cc_id : uk_toolchain_cc());
	for (size_t i = 0; i < o->cflags->n; i++) {
		char *f = normalize(o, o->cflags->v[i]);

		uk_hashbuf_str(&c->base, f);
		free(f);
	}
	/* part of the key because it changes the objects, not for its path */
	if (wants_debug_info(o->cflags))
		uk_hashbuf_str(&c->base, "-fdebug-prefix-map=PROJECT=.");
}

static void ctx_free(struct ctx *c)
{
	c->r->hashed = c->sc.hashed;
	uk_statcache_save(&c->sc);
	uk_statcache_free(&c->sc);
	uk_hashbuf_free(&c->base);
	free(c->real_dir);
}

static int source_key(struct ctx *c, const char *src, char key[UK_FASTHASH_HEX])
{
	struct uk_hashbuf hb = { 0 };
	char h[UK_FASTHASH_HEX];

	if (uk_statcache_hash(&c->sc, c->o->project_dir, src, h) != 0)
		return -1;
	uk_hashbuf_add(&hb, c->base.data, c->base.len);
	uk_hashbuf_str(&hb, src);
	uk_hashbuf_str(&hb, h);
	uk_hashbuf_hex(&hb, key);
	uk_hashbuf_free(&hb);
	return 0;
}

/* From the dependency list (one path a line); -1 when a file is gone. */
static int object_key(struct ctx *c, const char *skey, const char *deps,
		      char key[UK_FASTHASH_HEX])
{
	struct uk_hashbuf hb = { 0 };
	char h[UK_FASTHASH_HEX], *copy = strdup(deps), *save = NULL;
	int rc = 0;

	uk_hashbuf_str(&hb, "uk-object-2");
	uk_hashbuf_str(&hb, skey);
	for (char *l = strtok_r(copy, "\n", &save); l && rc == 0;
	     l = strtok_r(NULL, "\n", &save)) {
		rc = uk_statcache_hash(&c->sc, c->o->project_dir, l, h);
		uk_hashbuf_str(&hb, l);
		uk_hashbuf_str(&hb, h);
	}
	if (rc == 0)
		uk_hashbuf_hex(&hb, key);
	uk_hashbuf_free(&hb);
	free(copy);
	return rc;
}

static char *local_path(const struct uk_compile_opts *o, const char *kind, const char *name,
			const char *ext)
{
	char *p;

	if (asprintf(&p, "%s/%s/%s%s", o->cache_dir, kind, name, ext) < 0)
		abort();
	return p;
}

/* The build's record of a source, named by the hash of its path:
 * "SOURCE-KEY OBJECT-KEY\n" then its dependency list. */
static char *record_path(const struct uk_compile_opts *o, const char *src)
{
	char h[UK_FASTHASH_HEX];

	uk_fasthash_hex(src, strlen(src), h);
	return local_path(o, "deps", h, "");
}

static void write_record(const struct uk_compile_opts *o, const char *src, const char *skey,
			 const char *okey, const char *deps, const char *old)
{
	char *text, *p;

	if (asprintf(&text, "%s %s\n%s", skey, okey, deps) < 0)
		abort();
	if (!old || strcmp(old, text)) {
		p = record_path(o, src);
		uk_write_file_atomic(p, text, strlen(text), 0644, NULL);
		free(p);
	}
	free(text);
}

/* The build's own link to an object of the shared cache (a copy across
 * file systems); the build links it from there. */
static int link_local(const char *from, const char *to)
{
	char *data;
	size_t len;
	int rc;

	if (link(from, to) == 0 || errno == EEXIST)
		return 0;
	if (uk_read_file(from, &data, &len, NULL) != 0)
		return -1;
	rc = uk_write_file_atomic(to, data, len, 0644, NULL);
	free(data);
	return rc;
}

/* The compiler's messages kept beside object okey: obj/OKEY.msg in the
 * build's folder, msg/ in the shared cache, so that a source served from
 * a cache still shows its warnings, as when it compiled. */
static void put_msgs(const struct uk_compile_opts *o, const char *okey, const char *text)
{
	char *p = local_path(o, "obj", okey, ".msg");

	if (text && *text) {
		uk_write_file_atomic(p, text, strlen(text), 0644, NULL);
		if (o->shared)
			uk_objcache_put_msgs(o->shared, okey, text);
	} else {
		unlink(p);
	}
	free(p);
}

static void replay_msgs(struct ctx *c, const char *okey)
{
	const struct uk_compile_opts *o = c->o;
	char *p = local_path(o, "obj", okey, ".msg"), *text = NULL;

	if (uk_read_file(p, &text, NULL, NULL) != 0) {
		text = o->shared ? uk_objcache_msgs(o->shared, okey) : NULL;
		if (text)
			uk_write_file_atomic(p, text, strlen(text), 0644, NULL);
	}
	free(p);
	if (!text || !*text) {
		free(text);
		return;
	}
	if (!o->color) {
		char *plain = uk_ccdiag_plain(text);

		free(text);
		text = plain;
	}
	if (o->output)
		o->output(o->progress_ctx, text, 0);
	else
		fputs(text, stderr);
	if (o->output && o->diags)
		uk_ccdiag_parse(text, c->real_dir, o->diags);
	free(text);
}

/* An up-to-date object for src, or NULL (then it is compiled). */
static char *cached_object(struct ctx *c, const char *src)
{
	const struct uk_compile_opts *o = c->o;
	char skey[UK_FASTHASH_HEX], okey[UK_FASTHASH_HEX];
	char *rp = record_path(o, src), *record = NULL, *deps = NULL, *obj = NULL, *shared;
	int from_remote = 0, got_remote = 0;

	if (source_key(c, src, skey) != 0)
		goto out;
	if (uk_read_file(rp, &record, NULL, NULL) == 0 && strlen(record) >= 66 &&
	    !strncmp(record, skey, 32) && record[32] == ' ' && record[65] == '\n')
		deps = strdup(record + 66);
	if (!deps && o->shared)
		deps = uk_objcache_deps(o->shared, skey);
	if (!deps && o->remote && (deps = o->remote->deps(o->remote->ctx, skey)))
		from_remote = 1;
	if (!deps || object_key(c, skey, deps, okey) != 0)
		goto out;
	obj = local_path(o, "obj", okey, ".o");
	if (uk_file_exists(obj)) {
		c->r->cached++;
		goto record;
	}
	shared = o->shared ? uk_objcache_obj(o->shared, okey) : NULL;
	if (!shared && o->shared && o->remote) {
		char *data;
		size_t len;

		char *msgs = NULL;

		if (o->remote->obj(o->remote->ctx, okey, &data, &len, &msgs) == 0) {
			shared = uk_objcache_put_obj_buf(o->shared, okey, data, len);
			free(data);
			got_remote = shared != NULL;
			if (shared && msgs)
				put_msgs(o, okey, msgs);
		}
		free(msgs);
	}
	if (shared && link_local(shared, obj) == 0) {
		c->r->cached++;
		if (got_remote)
			c->r->remote++;
		else
			c->r->shared++;
		if (from_remote)
			uk_objcache_put_deps(o->shared, skey, deps);
		free(shared);
		goto record;
	}
	free(shared);
	free(obj);
	obj = NULL;
	goto out;
record:
	write_record(o, src, skey, okey, deps, record);
	replay_msgs(c, okey);
out:
	free(deps);
	free(record);
	free(rp);
	return obj;
}

struct job {
	size_t index;
	char *tmp_obj, *tmp_dep, *tmp_err; /* tmp_err: the compiler's stderr (with output) */
	char *msgs;                        /* what it said, when it compiled */
	pid_t pid;
};

static pid_t start_job(const struct uk_compile_opts *o, struct job *j, struct uk_error *err)
{
	const char *src = o->sources->v[j->index];
	size_t n = o->cflags->n + 12, k = 0;
	char **argv = calloc(n, sizeof(*argv)), *map = NULL, real[PATH_MAX];
	pid_t pid;

	/* the compiler runs in the project folder and names it by its real path */
	if (wants_debug_info(o->cflags) && realpath(o->project_dir, real) &&
	    asprintf(&map, "-fdebug-prefix-map=%s=.", real) < 0)
		abort();
	argv[k++] = (char *)uk_toolchain_cc();
	for (size_t i = 0; i < o->cflags->n; i++)
		argv[k++] = o->cflags->v[i];
	if (map)
		argv[k++] = map;
	/* it writes to a file, where it would not choose color itself */
	if (o->output && o->color)
		argv[k++] = "-fdiagnostics-color=always";
	argv[k++] = "-MD";
	argv[k++] = "-MF";
	argv[k++] = j->tmp_dep;
	argv[k++] = "-c";
	argv[k++] = (char *)src;
	argv[k++] = "-o";
	argv[k++] = j->tmp_obj;
	argv[k] = NULL;
	if (o->command)
		o->command(o->progress_ctx, argv);
	if (j->tmp_err) {
		int fd = open(j->tmp_err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0)
			pid = uk_errorf(err, "cannot create '%s': %s", j->tmp_err, strerror(errno));
		else
			pid = uk_spawn_stderr(argv, o->project_dir, fd, err);
		if (fd >= 0)
			close(fd);
	} else {
		pid = uk_spawn(argv, o->project_dir, err);
	}
	free(argv);
	free(map);
	return pid;
}

/* The project files the compiler read for src, one a line: not src
 * itself, nothing under a prefix. */
static char *deps_text(const struct uk_compile_opts *o, const char *src,
		       const struct uk_strv *deps)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	for (size_t i = 0; i < deps->n; i++) {
		const char *d = deps->v[i];

		while (!strncmp(d, "./", 2))
			d += 2;
		if (strcmp(d, src) && !under_prefix(o, d) && !strchr(d, '\n'))
			fprintf(f, "%s\n", d);
	}
	fclose(f);
	return buf;
}

/* After a successful compile: store the object under its key (shared
 * cache, then the build's link to it) and record the deps. */
static char *finish_job(struct ctx *c, struct job *j, struct uk_error *err)
{
	const struct uk_compile_opts *o = c->o;
	const char *src = o->sources->v[j->index];
	struct uk_strv deps = { 0 };
	char skey[UK_FASTHASH_HEX], okey[UK_FASTHASH_HEX];
	char *text = NULL, *list = NULL, *obj = NULL, *shared = NULL;

	if (uk_read_file(j->tmp_dep, &text, NULL, err) != 0)
		goto out;
	if (uk_depfile_parse(text, &deps) != 0 || deps.n == 0) {
		uk_errorf(err, "the compiler wrote no usable dependency file for '%s'", src);
		goto out;
	}
	list = deps_text(o, src, &deps);
	if (source_key(c, src, skey) != 0 || object_key(c, skey, list, okey) != 0) {
		uk_errorf(err, "a file '%s' includes vanished while it compiled", src);
		goto out;
	}
	obj = local_path(o, "obj", okey, ".o");
	if (o->shared && (shared = uk_objcache_put_obj(o->shared, okey, j->tmp_obj))) {
		uk_objcache_put_deps(o->shared, skey, list);
		if (link_local(shared, obj) != 0) {
			uk_errorf(err, "cannot store '%s': %s", obj, strerror(errno));
			goto fail;
		}
		if (o->remote)
			o->remote->put(o->remote->ctx, skey, list, okey, shared, j->msgs);
	} else if (rename(j->tmp_obj, obj) != 0) {
		uk_errorf(err, "cannot store '%s': %s", obj, strerror(errno));
		goto fail;
	}
	write_record(o, src, skey, okey, list, NULL);
	put_msgs(o, okey, j->msgs);
	goto out;
fail:
	free(obj);
	obj = NULL;
out:
	unlink(j->tmp_dep);
	unlink(j->tmp_obj);
	uk_strv_free(&deps);
	free(text);
	free(list);
	free(shared);
	return obj;
}

/* What the compiler wrote for job j: to o->output whole, and into
 * o->diags from *first on; returns how many errors it said. */
static size_t job_messages(struct ctx *c, struct job *j, int failed, size_t *first)
{
	const struct uk_compile_opts *o = c->o;
	char *text = NULL;
	size_t len = 0, errors = 0;

	*first = o->diags ? o->diags->n : 0;
	if (!j->tmp_err)
		return 0;
	if (uk_read_file(j->tmp_err, &text, &len, NULL) == 0 && len) {
		o->output(o->progress_ctx, text, failed);
		if (o->diags)
			errors = uk_ccdiag_parse(text, c->real_dir, o->diags);
	}
	if (!failed && len)
		j->msgs = text; /* stored with the object */
	else
		free(text);
	unlink(j->tmp_err);
	return errors;
}

/* err for a source that did not compile: its first error where it is
 * (diags from first on), else how the compiler ended. */
static void compile_failed(const struct uk_compile_opts *o, const char *src, size_t first,
			   size_t errors, int st, struct uk_error *err)
{
	const struct uk_diag *d = NULL;
	char more[64] = "";

	for (size_t i = first; o->diags && i < o->diags->n && !d; i++)
		if (o->diags->v[i].severity == UK_SEV_ERROR)
			d = &o->diags->v[i];
	if (errors > 1)
		snprintf(more, sizeof(more), " (and %zu more error%s)", errors - 1,
			 errors > 2 ? "s" : "");
	if (d && d->file && d->line && d->col)
		uk_errorf(err, "%s:%u:%u: %s%s", d->file, d->line, d->col, d->msg, more);
	else if (d && d->file && d->line)
		uk_errorf(err, "%s:%u: %s%s", d->file, d->line, d->msg, more);
	else if (d && d->file)
		uk_errorf(err, "%s: %s%s", d->file, d->msg, more);
	else if (d)
		uk_errorf(err, "compiling '%s' failed: %s%s", src, d->msg, more);
	else if (WIFSIGNALED(st))
		uk_errorf(err, "compiling '%s' failed: the compiler was killed by signal %d", src,
			  WTERMSIG(st));
	else
		uk_errorf(err, "compiling '%s' failed", src);
	uk_hintf(err, "the compiler's messages are above");
}

static int make_dirs(const char *cache, struct uk_error *err)
{
	char *d = uk_path_join(cache, "obj");
	int rc = uk_is_dir(d) ? 0 : uk_mkdirs(d, err);

	free(d);
	d = uk_path_join(cache, "deps");
	if (rc == 0 && !uk_is_dir(d))
		rc = uk_mkdirs(d, err);
	free(d);
	return rc;
}

/* Objects of the build's own folder that no source uses now go. */
static void prune_local(const struct uk_compile_opts *o, const struct uk_strv *keep)
{
	char *dir = uk_path_join(o->cache_dir, "obj");
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name), i;
		int msg = n > 4 && !strcmp(e->d_name + n - 4, ".msg");
		char *p, *o_path;

		if (!strncmp(e->d_name, "tmp-", 4) ||
		    (!msg && (n < 3 || strcmp(e->d_name + n - 2, ".o"))))
			continue;
		p = uk_path_join(dir, e->d_name);
		/* OKEY.msg goes with OKEY.o */
		o_path = msg ? strdup(p) : p;
		if (msg)
			strcpy(o_path + strlen(o_path) - 4, ".o");
		for (i = 0; i < keep->n && strcmp(keep->v[i], o_path); i++)
			;
		if (i == keep->n)
			unlink(p);
		if (msg)
			free(o_path);
		free(p);
	}
	if (d)
		closedir(d);
	free(dir);
}

static char *tmp_path(const struct uk_compile_opts *o, size_t index, const char *ext)
{
	char *p;

	if (o->shared)
		return uk_objcache_tmp(o->shared, ext);
	if (asprintf(&p, "%s/obj/tmp-%d-%zu%s", o->cache_dir, getpid(), index, ext) < 0)
		abort();
	return p;
}

int uk_compile(const struct uk_compile_opts *o, struct uk_compile_result *r,
	       struct uk_error *err)
{
	size_t n = o->sources->n, next = 0, running = 0, done = 0;
	char **objs = calloc(n ? n : 1, sizeof(char *));
	struct job *jobs = calloc(o->jobs ? o->jobs : 1, sizeof(*jobs));
	unsigned slots = o->jobs ? o->jobs : 1;
	struct ctx c;
	int failed = 0;

	memset(r, 0, sizeof(*r));
	ctx_init(&c, o, r);
	if (make_dirs(o->cache_dir, err) != 0)
		failed = 1;
	for (size_t i = 0; i < n && !failed; i++)
		objs[i] = cached_object(&c, o->sources->v[i]);
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
			j->tmp_obj = tmp_path(o, j->index, ".o");
			j->tmp_dep = tmp_path(o, j->index, ".d");
			j->tmp_err = o->output ? tmp_path(o, j->index, ".err") : NULL;
			if (o->progress)
				o->progress(o->progress_ctx, "compile %s (%zu/%zu)",
					    o->sources->v[j->index], ++done, n - r->cached);
			j->pid = start_job(o, j, err);
			if (j->pid < 0) {
				j->pid = 0;
				failed = 1;
				if (j->tmp_err)
					unlink(j->tmp_err);
				free(j->tmp_obj);
				free(j->tmp_dep);
				free(j->tmp_err);
				j->tmp_obj = j->tmp_dep = j->tmp_err = NULL;
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
			int ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
			size_t first, errors;

			running--;
			j->pid = 0;
			errors = job_messages(&c, j, !ok, &first);
			if (!failed && ok) {
				objs[j->index] = finish_job(&c, j, err);
				if (objs[j->index])
					r->compiled++;
				else
					failed = 1;
			} else {
				if (!failed && !ok)
					compile_failed(o, o->sources->v[j->index], first, errors,
						       st, err);
				failed = 1;
				unlink(j->tmp_obj);
				unlink(j->tmp_dep);
			}
			free(j->tmp_obj);
			free(j->tmp_dep);
			free(j->tmp_err);
			free(j->msgs);
			j->tmp_obj = j->tmp_dep = j->tmp_err = j->msgs = NULL;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!failed)
			uk_strv_push(&r->objects, objs[i]);
		free(objs[i]);
	}
	if (!failed && (r->compiled || r->shared || r->remote))
		prune_local(o, &r->objects);
	ctx_free(&c);
	free(objs);
	free(jobs);
	return failed ? -1 : 0;
}

void uk_compile_result_free(struct uk_compile_result *r)
{
	uk_strv_free(&r->objects);
}
