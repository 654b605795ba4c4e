/* The build pipeline: plan, compile, then per target link and write the
 * image with its metadata. Each step is its own module; this file only
 * sequences them. */
#include "builder/build.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "builder/compile.h"
#include "builder/files.h"
#include "builder/imagemeta.h"
#include "builder/linkstep.h"
#include "builder/headerhint.h"
#include "builder/unsupported.h"
#include "builder/objcache.h"
#include "builder/plan.h"
#include "builder/remotecache.h"
#include "imagefmt/image.h"
#include "store/store.h"
#include "util/path.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}

static char *absolute(const char *path)
{
	char buf[PATH_MAX];

	if (realpath(path, buf))
		return strdup(buf);
	return strdup(path);
}

/* volumes: with each host folder made absolute (relative ones are
 * relative to uk.yaml), so that `uk run IMAGE` finds them anywhere */
static char **volumes_abs(const struct uk_manifest *man)
{
	char **v = calloc(man->volumes.n + 1, sizeof(char *)), *dir = absolute(man->dir);

	for (size_t i = 0; i < man->volumes.n; i++) {
		struct uk_volume vol;
		const char *why;

		if (uk_volume_parse(man->volumes.v[i], &vol, &why) != 0)
			abort(); /* the manifest checked it */
		if (asprintf(&v[i], "%s%s%s:%s%s", vol.host[0] == '/' ? "" : dir,
			     vol.host[0] == '/' ? "" : "/", vol.host, vol.guest,
			     vol.ro ? ":ro" : "") < 0)
			abort();
		uk_volume_free(&vol);
	}
	free(dir);
	return v;
}

static int write_meta(const struct uk_plan *p, enum uk_target t, const char *image,
		      struct uk_error *err)
{
	struct uk_image_meta m = { 0 };
	int rc;

	m.name = p->man.name;
	m.target = (char *)uk_target_name(t);
	m.is_disk = t == UK_TARGET_RAW;
	m.memory = p->man.memory;
	m.args = p->man.cmdline.v;
	m.nargs = p->man.cmdline.n;
	m.env = calloc(p->man.nenv + 1, sizeof(char *));
	for (size_t i = 0; i < p->man.nenv; i++)
		if (asprintf(&m.env[i], "%s=%s", p->man.env[i].key, p->man.env[i].value) < 0)
			abort();
	m.nenv = p->man.nenv;
	m.components = calloc(p->ncomps + 1, sizeof(*m.components));
	for (size_t i = 0; i < p->ncomps; i++) {
		m.components[i].name = p->comps[i].found.name;
		m.components[i].version = p->comps[i].found.version;
		m.components[i].digest = p->comps[i].found.digest;
	}
	m.ncomponents = p->ncomps;
	m.has_9p = p->man.has_volumes && t != UK_TARGET_XEN;
	m.volumes = volumes_abs(&p->man);
	m.nvolumes = p->man.volumes.n;
	m.ports = p->man.ports.v;
	m.nports = p->man.ports.n;
	rc = uk_image_meta_write(image, &m, err);
	for (size_t i = 0; i < m.nvolumes; i++)
		free(m.volumes[i]);
	free(m.volumes);
	for (size_t i = 0; i < m.nenv; i++)
		free(m.env[i]);
	free(m.env);
	free(m.components);
	return rc;
}

/* xen and raw (src/imagefmt/): xen adds build/xen/<name>.xl.cfg beside the
 * kernel; raw turns build/raw/<name> into the disk build/raw/<name>.img,
 * which becomes the image (*path). Both bake in the manifest's cmdline. */
static int write_image(const struct uk_build_opts *o, const struct uk_plan *p,
		       enum uk_target t, char **path, uint64_t *file_bytes,
		       struct uk_error *err)
{
	struct uk_image_params ip = { 0 };
	char **env = calloc(p->man.nenv + 1, sizeof(char *)), *out;
	struct stat st;
	int rc;

	for (size_t i = 0; i < p->man.nenv; i++)
		if (asprintf(&env[i], "%s=%s", p->man.env[i].key, p->man.env[i].value) < 0)
			abort();
	ip.name = p->man.name;
	ip.memory = p->man.memory;
	ip.gce = o->gce;
	ip.cmdline = uk_image_cmdline(p->man.name, env, p->man.nenv, p->man.cmdline.v,
				      p->man.cmdline.n);
	if (asprintf(&out, "%s%s", *path, t == UK_TARGET_RAW ? ".img" : ".xl.cfg") < 0)
		abort();
	rc = uk_image_write(t, *path, &ip, out, err);
	if (rc != 0)
		unlink(out); /* no stale image from an earlier build */
	if (rc == 0 && t == UK_TARGET_RAW) {
		free(*path);
		*path = out;
		out = NULL;
		if (stat(*path, &st) == 0)
			*file_bytes = (uint64_t)st.st_size;
	}
	for (size_t i = 0; i < p->man.nenv; i++)
		free(env[i]);
	free(env);
	free((char *)ip.cmdline);
	free(out);
	return rc;
}

static int build_target(const struct uk_build_opts *o, const struct uk_plan *p,
			const char *out, const struct uk_strv *objects, enum uk_target t,
			struct uk_build_image *img, struct uk_diags *diags,
			struct uk_error *err)
{
	char *dir = uk_path_join(out, uk_target_name(t));
	struct uk_linkstep ls = { 0 };
	char *debug;
	double start = now();
	int rc;

	img->target = t;
	if (uk_mkdirs(dir, err) != 0) {
		free(dir);
		return -1;
	}
	if (asprintf(&img->path, "%s/%s", dir, p->man.name) < 0 ||
	    asprintf(&img->report, "%s/%s.report.json", dir, p->man.name) < 0 ||
	    asprintf(&debug, "%s/%s.debug", dir, p->man.name) < 0)
		abort();
	free(dir);
	ls.plan = p;
	ls.target = t;
	ls.objects = objects;
	ls.output = img->path;
	ls.report = img->report;
	ls.linker = o->linker;
	ls.why = o->why;
	ls.diags = diags;
	ls.debug = debug;
	ls.debug_mode = o->no_debug ? UK_DEBUG_NONE : o->debug ? UK_DEBUG_NOW : UK_DEBUG_RECIPE;
	ls.command = o->command;
	ls.command_ctx = o->progress_ctx;
	if (o->progress)
		o->progress(o->progress_ctx, "link %s", img->path);
	rc = uk_linkstep_run(&ls, err);
	img->why = ls.why_text;
	if (rc == 0 && t != UK_TARGET_KVM)
		rc = write_image(o, p, t, &img->path, &ls.file_bytes, err);
	if (rc == 0)
		rc = write_meta(p, t, img->path, err);
	if (rc == 0) {
		img->file_bytes = ls.file_bytes;
		img->load_bytes = ls.load_bytes;
		img->removed_bytes = ls.removed_bytes;
		img->relinked = ls.relinked;
	}
	img->seconds = now() - start;
	free(debug);
	return rc;
}

int uk_build(const struct uk_build_opts *o, struct uk_build_result *r, struct uk_error *err)
{
	struct uk_store store = { 0 };
	struct uk_plan plan = { 0 };
	struct uk_compile_opts co = { 0 };
	struct uk_compile_result cr = { 0 };
	struct uk_files_packed files = { 0 };
	struct uk_strv objects = { 0 };
	struct uk_objcache shared = { 0 };
	struct uk_remotecache *remote = NULL;
	struct uk_compile_remote hooks;
	const char *cache_ref;
	struct uk_compile_prefix *prefixes = NULL;
	char **labels = NULL;
	size_t nprefixes = 0;
	char *out = NULL, *cache = NULL;
	double start = now();
	unsigned targets;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (uk_store_open(&store, err) != 0)
		return -1;
	if (uk_plan_make(o->dir, &store, &plan, &r->diags, err) != 0)
		goto out;
	/* the manifest's targets are the default, not a fence: -t builds any */
	targets = o->targets ? o->targets : plan.man.targets;
	if (o->gce && !(targets & UK_TARGET_RAW)) {
		uk_errorf(err, "--gce packs the raw disk, but 'raw' is not being built");
		uk_hintf(err, "add raw to 'targets:' in uk.yaml, or pass '-t raw'");
		err->status = 2;
		goto out;
	}
	out = o->out ? strdup(o->out)
		     : strcmp(o->dir, ".") ? uk_path_join(o->dir, "build") : strdup("build");
	if (uk_mkdirs(out, err) != 0)
		goto out;
	{
		char *abs = absolute(out);

		cache = uk_path_join(abs, ".cache");
		free(abs);
	}
	/* Components are unpacked by digest and the compiler's headers go
	 * with its identity: their folders are named, not hashed, in keys. */
	prefixes = calloc(plan.ncomps + 1, sizeof(*prefixes));
	labels = calloc(plan.ncomps + 1, sizeof(*labels));
	for (size_t i = 0; i < plan.ncomps; i++) {
		if (asprintf(&labels[i], "/uk/%s@%s", plan.comps[i].found.name,
			     plan.comps[i].found.digest) < 0)
			abort();
		prefixes[nprefixes++] = (struct uk_compile_prefix){ plan.comps[i].found.dir,
								     labels[i] };
	}
	prefixes[nprefixes++] = (struct uk_compile_prefix){ plan.tc.include_dir, "/cc" };
	if (uk_objcache_open(&shared, store.user_root, err) != 0)
		goto out;
	co.project_dir = o->dir;
	co.cache_dir = cache;
	co.shared = &shared;
	co.cc_id = plan.tc.id;
	co.prefixes = prefixes;
	co.nprefixes = nprefixes;
	/* --cache, then $UK_BUILD_CACHE, then uk.yaml's cache: ("" is none) */
	cache_ref = o->cache_ref ? o->cache_ref : getenv("UK_BUILD_CACHE");
	if (!cache_ref)
		cache_ref = plan.man.cache;
	if (cache_ref && *cache_ref) {
		remote = uk_remotecache_open(cache_ref, o->notice, o->progress_ctx, err);
		if (!remote)
			goto out;
		uk_remotecache_hooks(remote, &hooks);
		co.remote = &hooks;
	}
	co.sources = &plan.sources;
	co.cflags = &plan.cflags;
	co.jobs = o->jobs ? o->jobs : default_jobs();
	co.progress = o->progress;
	co.command = o->command;
	co.progress_ctx = o->progress_ctx;
	co.output = o->compiler_output;
	co.color = o->color;
	co.diags = &r->compiler;
	if (uk_compile(&co, &cr, err) != 0) {
		uk_header_hints(&store, &plan, &r->compiler, err);
		goto out;
	}
	r->compiled = cr.compiled;
	r->cached = cr.cached;
	r->shared = cr.shared;
	r->remote = cr.remote;
	r->hashed = cr.hashed;
	if (remote)
		uk_remotecache_counts(remote, &r->pushed, &r->fetched, &r->cache_gave_up);
	if (plan.man.nfiles && o->progress)
		o->progress(o->progress_ctx, "pack %zu files: and zoneinfo: entries",
			    plan.man.nfiles);
	if (uk_files_pack(&plan.man, cache, &files, err) != 0)
		goto out;
	/* The files' object links like one more program object. */
	for (size_t i = 0; i < cr.objects.n; i++)
		uk_strv_push(&objects, cr.objects.v[i]);
	if (files.object)
		uk_strv_push(&objects, files.object);
	/* the manifest's order, then what -t adds beyond it */
	enum uk_target order[6];
	size_t norder = 0;
	for (size_t i = 0; i < plan.man.ntargets; i++)
		order[norder++] = plan.man.target_order[i];
	for (unsigned k = 0; k < 3; k++)
		if (!(plan.man.targets & (1u << k)))
			order[norder++] = (enum uk_target)(1u << k);
	for (size_t i = 0; i < norder; i++) {
		enum uk_target t = order[i];
		struct uk_build_image *img = &r->images[r->nimages];

		if (!(targets & t))
			continue;
		r->nimages++;
		img->files_bytes = files.bytes;
		img->files_count = files.count;
		if (build_target(o, &plan, out, &objects, t, img, &r->diags, err) != 0)
			goto out;
	}
	/* with the link, so that a no-op build stays quiet */
	for (size_t i = 0; i < r->nimages; i++)
		if (r->images[i].relinked) {
			uk_unsupported_warn(&plan, &cr.objects, &r->diags);
			break;
		}
	rc = 0;
out:
	r->seconds = now() - start;
	uk_objcache_close(&shared);
	uk_remotecache_close(remote);
	for (size_t i = 0; labels && i < plan.ncomps; i++)
		free(labels[i]);
	free(labels);
	free(prefixes);
	uk_compile_result_free(&cr);
	uk_files_packed_free(&files);
	uk_strv_free(&objects);
	uk_plan_free(&plan);
	uk_store_close(&store);
	free(out);
	free(cache);
	return rc;
}

void uk_build_result_free(struct uk_build_result *r)
{
	for (size_t i = 0; i < r->nimages; i++) {
		free(r->images[i].path);
		free(r->images[i].report);
		free(r->images[i].why);
	}
	uk_diags_free(&r->diags);
	uk_diags_free(&r->compiler);
	memset(r, 0, sizeof(*r));
}
