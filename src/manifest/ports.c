/* network: and ports: in uk.yaml. `network: true` links the uk-net
 * component (as `libraries: [uk-net]` does); `ports:` lists the guest ports
 * `uk run` forwards from 127.0.0.1 without flags, and implies the network. */
#include "manifest/internal.h"

#include <stdlib.h>
#include <string.h>

/* "1".."65535" of s[0..len) into *port */
static int port_num(const char *s, size_t len, unsigned *port)
{
	unsigned v = 0;

	if (len == 0 || len > 5)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*port = v;
	return 0;
}

int uk_port_parse(const char *spec, unsigned *host, unsigned *guest, int *udp,
		  const char **why)
{
	const char *slash = strchr(spec, '/'), *colon = strchr(spec, ':');
	size_t len = slash ? (size_t)(slash - spec) : strlen(spec);

	*udp = 0;
	if (slash && strcmp(slash, "/udp") && strcmp(slash, "/tcp")) {
		*why = "the protocol after '/' is tcp or udp";
		return -1;
	}
	*udp = slash && !strcmp(slash, "/udp");
	if (colon && colon > spec + len)
		colon = NULL;
	if (colon) {
		if (port_num(spec, (size_t)(colon - spec), host) ||
		    port_num(colon + 1, (size_t)(spec + len - colon - 1), guest)) {
			*why = "write PORT or HOSTPORT:GUESTPORT, numbers from 1 to 65535, "
			       "optionally followed by /udp";
			return -1;
		}
		return 0;
	}
	if (port_num(spec, len, guest)) {
		*why = "write PORT or HOSTPORT:GUESTPORT, numbers from 1 to 65535, "
		       "optionally followed by /udp";
		return -1;
	}
	*host = *guest;
	return 0;
}

void mf_set_ports(struct mctx *c, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct uk_manifest *m = obj;
	unsigned hosts[2][64];
	size_t nh[2] = { 0, 0 };

	m->ports_line = key->line;
	m->ports_col = key->col;
	if (mf_is_null(val))
		return; /* `ports:` alone: none */
	if (val->kind != YN_SEQ) {
		struct uk_diag *d = mf_diag_at(c, mf_blame(key, val),
					       "'ports' must be a list of ports, not %s",
					       mf_kind(val));

		if (val->kind == YN_SCALAR)
			mf_hint(d, "write 'ports: [%s]'", val->s);
		return;
	}
	for (size_t i = 0; i < val->n; i++) {
		const struct ynode *it = val->kid[i];
		unsigned host, guest;
		const char *s = mf_item_str(c, key, it, false), *why;
		char q[MF_QBUF];
		int udp;

		if (!s)
			continue;
		if (uk_port_parse(s, &host, &guest, &udp, &why) != 0) {
			mf_hint(mf_diag_at(c, it, "invalid port '%s'", mf_q(s, q, sizeof(q))),
				"%s", why);
			continue;
		}
		/* one forward per host port and protocol: QEMU refuses two */
		size_t k;
		for (k = 0; k < nh[udp] && hosts[udp][k] != host; k++)
			;
		if (k < nh[udp]) {
			mf_hint(mf_diag_at(c, it, "host port %u%s is forwarded twice", host,
					   udp ? "/udp" : ""),
				"give each forward its own host port: HOSTPORT:GUESTPORT");
			continue;
		}
		if (nh[udp] == sizeof(hosts[0]) / sizeof(hosts[0][0])) {
			mf_diag_at(c, it, "at most 64 ports of each protocol");
			continue;
		}
		hosts[udp][nh[udp]++] = host;
		char *norm = mf_asprintf("%u:%u%s", host, guest, udp ? "/udp" : "");
		uk_strv_push(&m->ports, norm);
		free(norm);
	}
}

void mf_set_network(struct mctx *c, const struct ynode *key, const struct ynode *val,
		    void *obj)
{
	struct uk_manifest *m = obj;
	char q[MF_QBUF];

	if (val->kind == YN_SCALAR && val->plain && !strcmp(val->s, "true"))
		m->network = 1;
	else if (val->kind == YN_SCALAR && val->plain && !strcmp(val->s, "false"))
		m->network = 0;
	else {
		struct uk_diag *d;

		if (val->kind == YN_SCALAR && !mf_is_null(val))
			d = mf_diag_at(c, val, "'network' must be true or false, not '%s'",
				       mf_q(val->s, q, sizeof(q)));
		else
			d = mf_diag_at(c, mf_blame(key, val),
				       "'network' must be true or false, not %s", mf_kind(val));
		mf_hint(d, "write 'network: true' to link the uk-net component");
		return;
	}
	m->network_line = val->line;
	m->network_col = val->col;
}

/* the component's name in a reference: the last path part, without its
 * :TAG or @DIGEST */
static int names_uk_net(const char *ref)
{
	const char *base = strrchr(ref, '/');
	size_t len;

	base = base ? base + 1 : ref;
	len = strcspn(base, ":@");
	return len == 6 && !strncmp(base, "uk-net", 6);
}

void mf_check_network(struct mctx *c, struct uk_manifest *m)
{
	int linked = 0;

	for (size_t i = 0; i < m->libraries.n; i++)
		linked |= names_uk_net(m->libraries.v[i]);
	if (m->network == 0) {
		if (m->ports.n)
			mf_hint(mf_diag(c, m->ports_line, m->ports_col,
					"'ports' needs the network, and 'network' is false"),
				"remove 'network: false' (ports imply 'network: true')");
		else if (linked)
			mf_hint(mf_diag(c, m->network_line, m->network_col,
					"'network' is false, but 'libraries' has uk-net"),
				"remove one of them");
		return;
	}
	if (m->network < 0 && !m->ports.n && !linked)
		return;
	m->network = 1;
	if (!linked)
		uk_strv_push(&m->libraries, "uk-net");
}
