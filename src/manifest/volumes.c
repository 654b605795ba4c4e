/* volumes: in uk.yaml and `uk run -v`: host folders the image mounts over
 * virtio-9p, each written HOST[:GUEST][:ro]. The field's presence (even
 * `volumes: []`) is what links the 9p client into the image. */
#include "manifest/internal.h"

#include <stdlib.h>
#include <string.h>

/* GUEST is absolute and clean: "/a/b", no "." or ".." parts, no "//",
 * no trailing '/', not "/" itself. */
static const char *check_guest(const char *g)
{
	if (g[0] != '/')
		return "the guest path must be absolute, like /data";
	if (!g[1])
		return "the guest path cannot be / (the image's own files are there)";
	if (strlen(g) >= 4096)
		return "the guest path is longer than 4095 bytes";
	for (const char *s = g; *s; s++) {
		if (*s != '/')
			continue;
		const char *n = s + 1;
		size_t len = strcspn(n, "/");

		if (len == 0 || (len == 1 && n[0] == '.') || (len == 2 && n[0] == '.' && n[1] == '.'))
			return "write the guest path without '.', '..', '//' or a trailing '/'";
		if (len > 255)
			return "a name in the guest path is longer than 255 bytes";
	}
	return NULL;
}

int uk_volume_parse(const char *spec, struct uk_volume *v, const char **why)
{
	const char *colon = strchr(spec, ':'), *guest = NULL;
	size_t hlen = colon ? (size_t)(colon - spec) : strlen(spec), glen = 0;

	memset(v, 0, sizeof(*v));
	*why = NULL;
	if (hlen == 0) {
		*why = "the host folder is missing: write HOST[:GUEST][:ro]";
		return -1;
	}
	if (colon) {
		const char *rest = colon + 1, *c2 = strchr(rest, ':');

		if (strcmp(rest, "ro") == 0) {
			v->ro = 1;
		} else {
			guest = rest;
			glen = c2 ? (size_t)(c2 - rest) : strlen(rest);
			if (c2 && strcmp(c2 + 1, "ro") == 0)
				v->ro = 1;
			else if (c2 && strcmp(c2 + 1, "rw") != 0) {
				*why = "after the guest path only ':ro' (or ':rw') may follow";
				return -1;
			}
		}
	}
	v->host = mf_alloc(hlen + 1);
	memcpy(v->host, spec, hlen);
	v->host[hlen] = '\0';
	while (hlen > 1 && v->host[hlen - 1] == '/')
		v->host[--hlen] = '\0';
	if (guest) {
		v->guest = mf_alloc(glen + 1);
		memcpy(v->guest, guest, glen);
		v->guest[glen] = '\0';
	} else {
		/* /mnt/ and the host folder's last name */
		const char *base = strrchr(v->host, '/');

		base = base ? base + 1 : v->host;
		if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
			*why = "name the guest path: HOST:GUEST";
			uk_volume_free(v);
			return -1;
		}
		v->guest = mf_asprintf("/mnt/%s", base);
	}
	*why = check_guest(v->guest);
	if (*why) {
		uk_volume_free(v);
		return -1;
	}
	return 0;
}

void uk_volume_free(struct uk_volume *v)
{
	free(v->host);
	free(v->guest);
	memset(v, 0, sizeof(*v));
}

static bool check_volume(struct mctx *c, const struct ynode *key, const struct ynode *item)
{
	struct uk_volume v;
	const char *why;
	char q[MF_QBUF];

	(void)key;
	if (uk_volume_parse(item->s, &v, &why) == 0) {
		uk_volume_free(&v);
		return true;
	}
	mf_hint(mf_diag_at(c, item, "invalid volume '%s'", mf_q(item->s, q, sizeof(q))), "%s",
		why);
	return false;
}

void mf_set_volumes(struct mctx *c, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct uk_manifest *m = obj;

	m->has_volumes = 1;
	if (mf_is_null(val))
		return; /* `volumes:` alone: like [] */
	if (mf_get_strv(c, key, val, &m->volumes, false, check_volume) < 0)
		return;
	/* one folder per guest path */
	for (size_t i = 1; val->kind == YN_SEQ && i < val->n; i++) {
		const struct ynode *it = val->kid[i];
		struct uk_volume a, b;
		const char *why;

		if (it->kind != YN_SCALAR || uk_volume_parse(it->s, &a, &why) != 0)
			continue;
		for (size_t k = 0; k < i; k++) {
			const struct ynode *prev = val->kid[k];
			int same;

			if (prev->kind != YN_SCALAR || uk_volume_parse(prev->s, &b, &why) != 0)
				continue;
			same = strcmp(a.guest, b.guest) == 0;
			uk_volume_free(&b);
			if (same) {
				mf_hint(mf_diag_at(c, it, "two volumes for %s", a.guest),
					"'%s' at line %u is mounted there already", prev->s, prev->line);
				break;
			}
		}
		uk_volume_free(&a);
	}
}
