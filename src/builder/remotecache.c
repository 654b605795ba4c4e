/* The registry-backed cache (build/remotecache.h). Every request runs in a
 * thread of its own while the build waits at most the timeout: libcurl's
 * own limits are for pulls (tens of seconds), far too long for a cache
 * that should only ever save time. A request still running when its time
 * is up is left to finish on its own and the client is not used again. */
#include "builder/remotecache.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "registry/client.h"
#include "registry/ref.h"
#include "store/digest.h"
#include "util/path.h"

#define MT_CONFIG "application/vnd.uk.cache.config.v1+json"
#define MT_DEPS "application/vnd.uk.cache.deps.v1"
#define MT_OBJ "application/vnd.uk.cache.object.v1"
#define MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MAX_DEPS (1u << 20)
#define MAX_OBJ (512u << 20)
/* the compiler's messages for an object ride in its manifest */
#define ANNOT_MSGS "dev.uk.cache.messages"
#define MAX_MSGS (64u << 10)

struct uk_remotecache {
	char *name; /* REF as given, for the notice */
	struct uk_ref ref;
	struct uk_client client;
	int opened, config_pushed, dead, closed;
	unsigned timeout_ms, pushed, found;
	unsigned abandoned; /* requests given up on and still running */
	void (*notice)(void *ctx, const char *msg);
	void *ctx;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

enum { OP_GET, OP_PUT };

struct op {
	struct uk_remotecache *rc;
	int kind;
	/* OP_GET: tag, result in data/len; rc 1 is a miss */
	char tag[48];
	unsigned long long max;
	char *data;
	size_t len;
	/* OP_PUT */
	char *skey, *deps, *okey, *obj_path;
	char *msgs; /* OP_GET: from the manifest; OP_PUT: to put in it */
	int result, done, abandoned;
	struct uk_error err;
};

static void give_up(struct uk_remotecache *rc, const char *why)
{
	char msg[1200];

	if (rc->dead)
		return;
	rc->dead = 1;
	snprintf(msg, sizeof(msg), "cache %s: %s; compiling without it", rc->name, why);
	if (rc->notice)
		rc->notice(rc->ctx, msg);
}

static int ensure_open(struct uk_remotecache *rc, struct uk_error *err)
{
	struct uk_client_opts co = { 0 };

	if (rc->opened)
		return 0;
	co.retries = 1; /* 0 means the default (4) */
	co.backoff_ms = 50;
	if (uk_client_open(&rc->client, &rc->ref, &co, err) != 0)
		return -1;
	rc->opened = 1;
	return uk_client_ping(&rc->client, err);
}

struct membuf {
	char *p;
	size_t n, max;
};

static int sink(void *ctx, const void *buf, size_t n, struct uk_error *err)
{
	struct membuf *m = ctx;

	if (m->n + n > m->max)
		return uk_errorf(err, "blob larger than announced");
	memcpy(m->p + m->n, buf, n);
	m->n += n;
	return 0;
}

static int reset(void *ctx, struct uk_error *err)
{
	(void)err;
	((struct membuf *)ctx)->n = 0;
	return 0;
}

/* 0 found, 1 a miss, -1 the registry failed. */
static int do_get(struct uk_remotecache *rc, struct op *o)
{
	char *body = NULL, *mt = NULL, digest[UK_DIGEST_MAX];
	size_t len;
	json_t *j = NULL, *layer;
	const char *ld;
	json_int_t size;
	struct membuf m = { 0 };
	int r = -1;

	if (ensure_open(rc, &o->err) != 0)
		return -1;
	if (uk_client_get_manifest(&rc->client, o->tag, &body, &len, &mt, digest, &o->err) !=
	    0)
		/* the client says "answered 404)" for a missing tag; the rest fails */
		return strstr(o->err.msg, "answered 404)") ? 1 : -1;
	j = json_loadb(body, len, 0, NULL);
	layer = json_array_get(json_object_get(j, "layers"), 0);
	ld = json_string_value(json_object_get(layer, "digest"));
	size = json_integer_value(json_object_get(layer, "size"));
	if (!ld || !uk_digest_valid(ld) || size < 0 || (unsigned long long)size > o->max) {
		uk_errorf(&o->err, "'%s' is not a uk cache entry", o->tag);
		goto out;
	}
	m.max = (size_t)size;
	m.p = malloc(m.max + 1);
	if (!m.p)
		abort();
	/* the client checks the size and the digest */
	if (uk_client_get_blob(&rc->client, ld, (unsigned long long)size, sink, reset, &m,
			       &o->err) != 0)
		goto out;
	m.p[m.n] = '\0';
	const char *msgs =
		json_string_value(json_object_get(json_object_get(j, "annotations"), ANNOT_MSGS));
	if (msgs && strlen(msgs) <= MAX_MSGS && !(o->msgs = strdup(msgs)))
		abort();
	o->data = m.p;
	o->len = m.n;
	m.p = NULL;
	r = 0;
out:
	free(m.p);
	json_decref(j);
	free(body);
	free(mt);
	return r;
}

static int push_entry(struct uk_remotecache *rc, const char *tag, const char *mt,
		      const void *buf, size_t len, const char *msgs, struct uk_error *err)
{
	static const char config[] = "{}";
	char cd[UK_DIGEST_MAX], ld[UK_DIGEST_MAX], *text;
	json_t *man;
	int r;

	if (uk_digest_buf(config, 2, cd) != 0 || uk_digest_buf(buf, len, ld) != 0)
		return uk_errorf(err, "libcrypto cannot hash");
	if (!rc->config_pushed) {
		if (uk_client_push_blob(&rc->client, config, 2, cd, NULL, err) != 0)
			return -1;
		rc->config_pushed = 1;
	}
	if (uk_client_push_blob(&rc->client, buf, len, ld, NULL, err) != 0)
		return -1;
	man = json_pack("{s:i, s:s, s:{s:s, s:s, s:i}, s:[{s:s, s:s, s:I}]}", "schemaVersion", 2,
			"mediaType", MT_MANIFEST, "config", "mediaType", MT_CONFIG, "digest", cd,
			"size", 2, "layers", "mediaType", mt, "digest", ld, "size",
			(json_int_t)len);
	if (msgs && *msgs && strlen(msgs) <= MAX_MSGS)
		json_object_set_new(man, "annotations", json_pack("{s:s}", ANNOT_MSGS, msgs));
	text = json_dumps(man, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(man);
	r = uk_client_push_manifest(&rc->client, tag, MT_MANIFEST, text, strlen(text), err);
	free(text);
	return r;
}

static int do_put(struct uk_remotecache *rc, struct op *o)
{
	char tag[48], *obj = NULL;
	size_t len;
	int r;

	if (ensure_open(rc, &o->err) != 0)
		return -1;
	if (uk_read_file(o->obj_path, &obj, &len, &o->err) != 0)
		return -1;
	snprintf(tag, sizeof(tag), "o-%s", o->okey);
	r = push_entry(rc, tag, MT_OBJ, obj, len, o->msgs, &o->err);
	free(obj);
	/* the list last: whoever finds it finds the object too */
	snprintf(tag, sizeof(tag), "d-%s", o->skey);
	if (r == 0)
		r = push_entry(rc, tag, MT_DEPS, o->deps, strlen(o->deps), NULL, &o->err);
	return r;
}

static void op_free(struct op *o)
{
	free(o->data);
	free(o->skey);
	free(o->deps);
	free(o->okey);
	free(o->obj_path);
	free(o->msgs);
	free(o);
}

static void free_cache(struct uk_remotecache *rc)
{
	if (rc->opened)
		uk_client_close(&rc->client);
	uk_ref_free(&rc->ref);
	free(rc->name);
	pthread_mutex_destroy(&rc->mu);
	pthread_cond_destroy(&rc->cv);
	free(rc);
}

static void *worker(void *arg)
{
	struct op *o = arg;
	struct uk_remotecache *rc = o->rc;
	int r = o->kind == OP_GET ? do_get(rc, o) : do_put(rc, o);

	pthread_mutex_lock(&rc->mu);
	o->result = r;
	o->done = 1;
	if (o->abandoned) {
		int last = --rc->abandoned == 0 && rc->closed;

		pthread_mutex_unlock(&rc->mu);
		op_free(o);
		if (last)
			free_cache(rc); /* closed while this ran: nobody else uses it */
		return NULL;
	}
	pthread_cond_broadcast(&rc->cv);
	pthread_mutex_unlock(&rc->mu);
	return NULL;
}

/* Runs o within the timeout; the op's result, or -1 (and o is no longer
 * the caller's) when time ran out. */
static int run(struct uk_remotecache *rc, struct op *o, struct op **keep)
{
	struct timespec dl;
	pthread_t t;
	int r;

	*keep = o;
	o->rc = rc;
	if (pthread_create(&t, NULL, worker, o) != 0) {
		give_up(rc, "cannot start a thread");
		return -1;
	}
	pthread_detach(t);
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += rc->timeout_ms / 1000;
	dl.tv_nsec += (long)(rc->timeout_ms % 1000) * 1000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&rc->mu);
	while (!o->done && pthread_cond_timedwait(&rc->cv, &rc->mu, &dl) == 0)
		;
	if (!o->done) {
		o->abandoned = 1; /* the worker frees it */
		rc->abandoned++;
		*keep = NULL;
		pthread_mutex_unlock(&rc->mu);
		char why[64];

		snprintf(why, sizeof(why), "no answer within %u ms", rc->timeout_ms);
		give_up(rc, why);
		return -1;
	}
	pthread_mutex_unlock(&rc->mu);
	r = o->result;
	if (r < 0)
		give_up(rc, o->err.msg[0] ? o->err.msg : "the registry failed");
	return r;
}

static int get(struct uk_remotecache *rc, const char *prefix, const char *key,
	       unsigned long long max, char **data, size_t *len, char **msgs)
{
	struct op *o, *keep;
	int r;

	if (rc->dead)
		return -1;
	o = calloc(1, sizeof(*o));
	if (!o)
		abort();
	o->kind = OP_GET;
	o->max = max;
	snprintf(o->tag, sizeof(o->tag), "%s%s", prefix, key);
	r = run(rc, o, &keep);
	if (r == 0) {
		*data = keep->data;
		*len = keep->len;
		keep->data = NULL;
		if (msgs) {
			*msgs = keep->msgs;
			keep->msgs = NULL;
		}
	}
	if (keep)
		op_free(keep);
	return r == 0 ? 0 : -1;
}

static char *hook_deps(void *ctx, const char *key)
{
	char *data = NULL;
	size_t len;

	return get(ctx, "d-", key, MAX_DEPS, &data, &len, NULL) == 0 ? data : NULL;
}

static int hook_obj(void *ctx, const char *key, char **data, size_t *len, char **msgs)
{
	struct uk_remotecache *rc = ctx;

	*msgs = NULL;
	if (get(rc, "o-", key, MAX_OBJ, data, len, msgs) != 0)
		return -1;
	rc->found++;
	return 0;
}

static void hook_put(void *ctx, const char *skey, const char *deps, const char *okey,
		     const char *obj_path, const char *msgs)
{
	struct uk_remotecache *rc = ctx;
	struct op *o, *keep;

	if (rc->dead)
		return;
	o = calloc(1, sizeof(*o));
	if (!o)
		abort();
	o->kind = OP_PUT;
	o->skey = strdup(skey);
	o->deps = strdup(deps);
	o->okey = strdup(okey);
	o->obj_path = strdup(obj_path);
	o->msgs = msgs ? strdup(msgs) : NULL;
	if (run(rc, o, &keep) == 0)
		rc->pushed++;
	if (keep)
		op_free(keep);
}

struct uk_remotecache *uk_remotecache_open(const char *ref,
					   void (*notice)(void *ctx, const char *msg),
					   void *ctx, struct uk_error *err)
{
	struct uk_remotecache *rc;
	const char *slash = strrchr(ref, '/'), *t = getenv("UK_CACHE_TIMEOUT");
	double secs = t && *t ? strtod(t, NULL) : 5;

	if (!slash || strchr(slash, ':') || strchr(ref, '@')) {
		uk_errorf(err, "cache '%s' is not HOST/REPOSITORY", ref);
		uk_hintf(err, "name a repository without a tag, like localhost:5000/team/cache");
		err->status = 2;
		return NULL;
	}
	rc = calloc(1, sizeof(*rc));
	if (!rc)
		abort();
	if (uk_ref_parse(ref, &rc->ref, err) != 0) {
		free(rc);
		err->status = 2;
		return NULL;
	}
	rc->name = strdup(ref);
	rc->timeout_ms = secs > 0 && secs < 3600 ? (unsigned)(secs * 1000) : 5000;
	rc->notice = notice;
	rc->ctx = ctx;
	pthread_mutex_init(&rc->mu, NULL);
	pthread_cond_init(&rc->cv, NULL);
	return rc;
}

void uk_remotecache_hooks(struct uk_remotecache *rc, struct uk_compile_remote *out)
{
	out->ctx = rc;
	out->deps = hook_deps;
	out->obj = hook_obj;
	out->put = hook_put;
}

void uk_remotecache_counts(const struct uk_remotecache *rc, unsigned *pushed,
			   unsigned *found, int *gave_up)
{
	*pushed = rc->pushed;
	*found = rc->found;
	*gave_up = rc->dead;
}

void uk_remotecache_close(struct uk_remotecache *rc)
{
	int running;

	if (!rc)
		return;
	/* a request given up on may still be running and using it all: then
	 * the last of them frees it (or the process ends first) */
	pthread_mutex_lock(&rc->mu);
	rc->closed = 1;
	running = rc->abandoned != 0;
	pthread_mutex_unlock(&rc->mu);
	if (!running)
		free_cache(rc);
}
