/* `uk run -p` and `--net`: QEMU's user network (slirp) with host
 * forwards. The guest is 10.0.2.15 by DHCP, reaches the host as the
 * gateway 10.0.2.2 and asks 10.0.2.3 for names; a forward makes QEMU
 * listen on HOSTIP:HOSTPORT (127.0.0.1 unless given) and connect to the
 * guest's port. `--net tap:IFNAME` puts the NIC on an existing tap device
 * instead (QEMU runs no scripts: the device is configured by its owner). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "vmm/vmm.h"

static int port_of(const char *s, size_t n, unsigned *port)
{
	unsigned long v = 0;

	if (!n || n > 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*port = (unsigned)v;
	return 0;
}

int uk_vm_port_parse(const char *spec, struct uk_vm_port *p, const char **why)
{
	const char *s = spec, *slash = strchr(spec, '/');
	size_t len = slash ? (size_t)(slash - spec) : strlen(spec);
	const char *last = NULL, *prev = NULL;
	char ip[INET_ADDRSTRLEN];
	struct in_addr a;

	memset(p, 0, sizeof(*p));
	if (slash && strcmp(slash, "/udp") && strcmp(slash, "/tcp")) {
		*why = "the protocol after '/' is tcp or udp";
		return -1;
	}
	p->udp = slash && !strcmp(slash, "/udp");
	for (const char *c = s; c < s + len; c++)
		if (*c == ':') {
			prev = last;
			last = c;
		}
	if (!last) {
		*why = "use [HOSTIP:]HOSTPORT:GUESTPORT[/udp]";
		return -1;
	}
	const char *hp = prev ? prev + 1 : s;
	if (port_of(hp, (size_t)(last - hp), &p->host_port) ||
	    port_of(last + 1, (size_t)(s + len - last - 1), &p->guest_port)) {
		*why = "ports are numbers from 1 to 65535";
		return -1;
	}
	snprintf(p->host_ip, sizeof(p->host_ip), "127.0.0.1");
	if (prev) {
		size_t n = (size_t)(prev - s);
		if (n >= sizeof(ip)) {
			*why = "the host address is an IPv4 address like 127.0.0.1";
			return -1;
		}
		memcpy(ip, s, n);
		ip[n] = '\0';
		if (inet_pton(AF_INET, ip, &a) != 1) {
			*why = "the host address is an IPv4 address like 127.0.0.1";
			return -1;
		}
		snprintf(p->host_ip, sizeof(p->host_ip), "%s", ip);
	}
	return 0;
}

int uk_vm_tap_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 15 || strpbrk(name, "/,: \t\n=") || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return -1;
	return 0;
}

char *uk_vm_netdev(const struct uk_vm_opts *o)
{
	size_t cap = 64 + o->nports * 64, n;
	char *s = malloc(cap);

	if (!s)
		abort();
	if (o->tap) {
		snprintf(s, cap, "tap,id=" UK_VM_NETDEV_ID ",ifname=%s,script=no,downscript=no",
			 o->tap);
		return s;
	}
	n = (size_t)snprintf(s, cap, "user,id=" UK_VM_NETDEV_ID);
	for (size_t i = 0; i < o->nports; i++) {
		const struct uk_vm_port *p = &o->ports[i];
		n += (size_t)snprintf(s + n, cap - n, ",hostfwd=%s:%s:%u-:%u", p->udp ? "udp" : "tcp",
				      p->host_ip, p->host_port, p->guest_port);
	}
	return s;
}
