/* Anchor of the uk-net component: its component.yaml keeps uk_link_uknet,
 * so an image that asks for networking links this file, whose constructor
 * registers AF_INET with the core's socket calls (kernel/socket.h) and
 * brings the interface up before main. */
#include "net.h"
#include "virtio.h"

static long ip_socket(int domain, int type, int protocol, unsigned flags, struct uk_file **f)
{
	if (type == UK_SOCK_STREAM && (!protocol || protocol == IPPROTO_TCP_))
		return uk_tcp_socket(domain, flags, f);
	if (type == UK_SOCK_DGRAM && (!protocol || protocol == IPPROTO_UDP_))
		return uk_udp_socket(domain, flags, f);
	if (type == UK_SOCK_STREAM || type == UK_SOCK_DGRAM)
		return -EPROTONOSUPPORT;
	if (type == UK_SOCK_RAW)
		return -EPROTONOSUPPORT; /* no raw sockets (lwipopts.h: LWIP_RAW 0) */
	return -ESOCKTNOSUPPORT;
}

static long inet_socket(int type, int protocol, unsigned flags, struct uk_file **f)
{
	return ip_socket(UK_AF_INET, type, protocol, flags, f);
}

/* dual-stack, as Linux's default (net.ipv6.bindv6only 0) */
static long inet6_socket(int type, int protocol, unsigned flags, struct uk_file **f)
{
	return ip_socket(UK_AF_INET6, type, protocol, flags, f);
}

static const struct uk_sock_family inet = {UK_AF_INET, inet_socket, 0};
static const struct uk_sock_family inet6 = {UK_AF_INET6, inet6_socket, 0};

__attribute__((constructor(101))) __uk_cold static void net_start(void)
{
	uk_sock_register(&inet);
	uk_sock_register(&inet6);
	uk_net_up();
}

/* what the component's keep: names: the constructor comes with it, and
 * the virtio transports the core refers to weakly */
const void *const uk_link_uknet[] = {
	(const void *)net_start,
	(const void *)uk_virtio_mmio_probe,
	(const void *)uk_virtio_pci_probe,
};
