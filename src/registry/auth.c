/* Credentials and auth challenges: $UK_HOME/auth.json (written by uk login)
 * and Docker's config.json, both {"auths": {HOST: {"auth": base64(user:pw)}}};
 * WWW-Authenticate parsing for Basic and Bearer. */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry/client.h"
#include "store/store.h"
#include "util/path.h"

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *uk_base64_encode(const void *buf, size_t n)
{
	const unsigned char *p = buf;
	char *out = malloc(4 * ((n + 2) / 3) + 1), *o = out;
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i + 2 < n; i += 3) {
		*o++ = b64[p[i] >> 2];
		*o++ = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*o++ = b64[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		*o++ = b64[p[i + 2] & 63];
	}
	if (i < n) {
		*o++ = b64[p[i] >> 2];
		if (i + 1 < n) {
			*o++ = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			*o++ = b64[(p[i + 1] & 15) << 2];
		} else {
			*o++ = b64[(p[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

char *uk_base64_decode(const char *s, size_t *n)
{
	size_t len = strlen(s), i, k = 0;
	unsigned acc = 0;
	int bits = 0;
	char *out = malloc(len / 4 * 3 + 4);

	if (!out)
		return NULL;
	for (i = 0; i < len; i++) {
		const char *c = strchr(b64, s[i]);

		if (s[i] == '=')
			break;
		if (!c || !s[i]) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)(c - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[k++] = (char)((acc >> bits) & 0xff);
		}
	}
	for (; i < len; i++)
		if (s[i] != '=') {
			free(out);
			return NULL;
		}
	out[k] = '\0';
	*n = k;
	return out;
}

void uk_challenge_free(struct uk_challenge *ch)
{
	free(ch->realm);
	free(ch->service);
	free(ch->scope);
	memset(ch, 0, sizeof(*ch));
}

/* key="value" or key=token pairs separated by commas. */
int uk_challenge_parse(const char *h, struct uk_challenge *ch)
{
	const char *p = h;
	size_t n = 0;

	memset(ch, 0, sizeof(*ch));
	while (*p == ' ')
		p++;
	while (isalpha((unsigned char)p[n]) && n + 1 < sizeof(ch->scheme)) {
		ch->scheme[n] = (char)tolower((unsigned char)p[n]);
		n++;
	}
	if (n == 0 || (p[n] && p[n] != ' '))
		return -1;
	p += n;
	while (*p) {
		char key[32], val[2048];
		size_t k = 0, v = 0;

		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		while (*p && *p != '=' && k + 1 < sizeof(key))
			key[k++] = (char)tolower((unsigned char)*p++);
		key[k] = '\0';
		if (*p++ != '=')
			return uk_challenge_free(ch), -1;
		if (*p == '"') {
			p++;
			while (*p && *p != '"' && v + 1 < sizeof(val)) {
				if (*p == '\\' && p[1])
					p++;
				val[v++] = *p++;
			}
			if (*p++ != '"')
				return uk_challenge_free(ch), -1;
		} else {
			while (*p && *p != ',' && *p != ' ' && v + 1 < sizeof(val))
				val[v++] = *p++;
		}
		val[v] = '\0';
		if (!strcmp(key, "realm") && !ch->realm)
			ch->realm = strdup(val);
		else if (!strcmp(key, "service") && !ch->service)
			ch->service = strdup(val);
		else if (!strcmp(key, "scope") && !ch->scope)
			ch->scope = strdup(val);
	}
	return 0;
}

static char *auth_path(struct uk_error *err)
{
	struct uk_store s;
	char *p;

	if (uk_store_open(&s, err) < 0)
		return NULL;
	p = uk_path_join(s.user_root, "auth.json");
	uk_store_close(&s);
	return p;
}

static char *docker_config_path(void)
{
	const char *dc = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
	char *p;

	if (dc && *dc)
		return uk_path_join(dc, "config.json");
	if (!home || !*home) {
		struct passwd *pw = getpwuid(getuid());

		home = pw ? pw->pw_dir : NULL;
	}
	if (!home || asprintf(&p, "%s/.docker/config.json", home) < 0)
		return NULL;
	return p;
}

/* "auths" keys may be "host", "https://host", "http://host/v1/" ... */
static json_t *entry_for(json_t *auths, const char *host)
{
	const char *k;
	json_t *v;
	size_t n = strlen(host);

	json_object_foreach(auths, k, v) {
		const char *h = k;

		if (!strncmp(h, "https://", 8))
			h += 8;
		else if (!strncmp(h, "http://", 7))
			h += 7;
		if (!strncmp(h, host, n) && (h[n] == '\0' || h[n] == '/'))
			return v;
		if (!strcmp(host, "docker.io") &&
		    !strncmp(h, "index.docker.io", 15))
			return v;
	}
	return NULL;
}

/* 0 with *userpass set or NULL; -1 when the file is unreadable or broken. */
static int lookup_in(const char *path, const char *host, char **userpass,
		     struct uk_error *err)
{
	json_error_t je;
	json_t *j, *e, *a, *u, *pw;
	size_t n;
	int rc = 0;

	*userpass = NULL;
	if (!path || access(path, F_OK) < 0)
		return 0;
	if (!(j = json_load_file(path, JSON_REJECT_DUPLICATES, &je))) {
		uk_errorf(err, "%s:%d: %s", path, je.line, je.text);
		return uk_hintf(err, "fix or remove the file, then 'uk login' again");
	}
	e = entry_for(json_object_get(j, "auths"), host);
	a = json_object_get(e, "auth");
	u = json_object_get(e, "username");
	pw = json_object_get(e, "password");
	if (json_is_string(a) && *json_string_value(a)) {
		*userpass = uk_base64_decode(json_string_value(a), &n);
		if (!*userpass || strlen(*userpass) != n ||
		    !strchr(*userpass, ':')) {
			free(*userpass);
			*userpass = NULL;
			uk_errorf(err, "%s: the credentials for '%s' are not "
				       "base64 of user:password", path, host);
			rc = uk_hintf(err, "run 'uk login %s' again", host);
		}
	} else if (json_is_string(u) && json_is_string(pw)) {
		if (asprintf(userpass, "%s:%s", json_string_value(u),
			     json_string_value(pw)) < 0)
			*userpass = NULL;
	}
	json_decref(j);
	return rc;
}

int uk_auth_lookup(const char *host, char **userpass, struct uk_error *err)
{
	char *path = auth_path(err);
	int rc;

	*userpass = NULL;
	if (!path)
		return -1;
	rc = lookup_in(path, host, userpass, err);
	free(path);
	if (rc < 0 || *userpass)
		return rc;
	path = docker_config_path();
	rc = lookup_in(path, host, userpass, err);
	free(path);
	return rc;
}

/* flock of auth.json.lock (auth.json itself is replaced by rename, so a
 * lock on it would not hold across writers); returns the fd. */
static int lock_auth(const char *path, struct uk_error *err)
{
	char *lp;
	int fd;

	if (asprintf(&lp, "%s.lock", path) < 0)
		return uk_errorf(err, "out of memory");
	fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		uk_errorf(err, "cannot open '%s': %s", lp, strerror(errno));
	while (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			uk_errorf(err, "cannot lock '%s': %s", lp, strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	free(lp);
	return fd;
}

/* Reads, changes and rewrites auth.json under its lock, so that two uk
 * login at once keep both entries. */
int uk_auth_store(const char *host, const char *user, const char *password,
		  struct uk_error *err)
{
	char *path = auth_path(err), *dir, *text = NULL, *up = NULL, *enc = NULL;
	json_t *j = NULL, *auths;
	json_error_t je;
	int rc = -1, lock = -1;

	if (!path)
		return -1;
	dir = strndup(path, (size_t)(strrchr(path, '/') - path));
	if (!dir || uk_mkdirs(dir, err) < 0 || (lock = lock_auth(path, err)) < 0)
		goto out;
	if (access(path, F_OK) == 0 &&
	    !(j = json_load_file(path, JSON_REJECT_DUPLICATES, &je))) {
		uk_errorf(err, "%s:%d: %s", path, je.line, je.text);
		uk_hintf(err, "fix or remove the file");
		goto out;
	}
	if (!j)
		j = json_object();
	auths = json_object_get(j, "auths");
	if (!json_is_object(auths)) {
		auths = json_object();
		json_object_set_new(j, "auths", auths);
	}
	if (user) {
		if (asprintf(&up, "%s:%s", user, password) < 0 ||
		    !(enc = uk_base64_encode(up, strlen(up))))
			goto oom;
		json_object_set_new(auths, host, json_pack("{s:s}", "auth", enc));
	} else {
		json_object_del(auths, host);
	}
	if (!(text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS)))
		goto oom;
	rc = uk_write_file_atomic(path, text, strlen(text), 0600, err);
	goto out;
oom:
	uk_errorf(err, "out of memory");
out:
	if (up)
		memset(up, 0, strlen(up));
	free(up);
	free(enc);
	free(text);
	json_decref(j);
	if (lock >= 0)
		close(lock);
	free(dir);
	free(path);
	return rc;
}
