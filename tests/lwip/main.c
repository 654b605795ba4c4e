/* The lwip component on its own (tests/integration/lwip.sh): lwIP's raw API
 * over an Ethernet interface whose frames this program sends and receives
 * itself, with no device and no loopback. It provides what the socket layer
 * will (sys_now, uk_lwip_*), resolves the peer with ARP, answers a ping,
 * opens a TCP connection through the handshake, sends data, resets it,
 * sends a UDP datagram and takes an address by DHCP (the DNS server going
 * to the socket layer's hook); every outgoing frame is checked (lengths, types,
 * IPv4/TCP/UDP checksums) and printed. Output is the same on every run. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "netif/ethernet.h"

/* --- what the socket layer provides to lwIP ---------------------------------- */
static u32_t now_ms;
u32_t sys_now(void) { return now_ms; }
void *uk_lwip_malloc(size_t n) { return malloc(n); }
void *uk_lwip_calloc(size_t c, size_t n) { return calloc(c, n); }
void uk_lwip_free(void *p) { free(p); }
unsigned int uk_lwip_rand(void)
{
	static unsigned int x = 12345;

	x = x * 1103515245u + 12345u;
	return x >> 8;
}
void uk_lwip_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}
void uk_lwip_assert(const char *msg, const char *file, int line)
{
	printf("lwIP assertion failed: %s (%s:%d)\n", msg, file, line);
	exit(3);
}
/* the options lwIP leaves to the socket layer: the DNS servers among them */
void uk_lwip_dhcp_option(struct netif *netif, unsigned char msg_type, unsigned char option,
			 unsigned char len, struct pbuf *p, unsigned short offset)
{
	unsigned char v[4] = { 0 };

	(void)netif;
	pbuf_copy_partial(p, v, len < 4 ? len : 4, offset);
	printf("dhcp option %u in message %u, %u bytes: %u.%u.%u.%u\n", option, msg_type, len,
	       v[0], v[1], v[2], v[3]);
}

/* --- frames ---------------------------------------------------------------- */
static const uint8_t our_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t peer_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
static const uint8_t our_ip[4] = { 10, 0, 2, 15 }, peer_ip[4] = { 10, 0, 2, 2 };

static uint8_t last[1600];
static size_t last_len;
static int frames;

static unsigned get16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }
static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16), put16(p + 2, v & 0xffff); }

/* the Internet checksum, written here so lwIP's own is checked */
static unsigned sum16(uint32_t acc, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		acc += get16(p + i);
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return acc;
}
static unsigned l4_sum(const uint8_t *ip, unsigned proto, const uint8_t *l4, size_t n)
{
	uint32_t acc = get16(ip + 12) + get16(ip + 14) + get16(ip + 16) + get16(ip + 18);

	return sum16(acc + proto + (uint32_t)n, l4, n);
}

static const char *tcp_flags(unsigned f)
{
	static char s[32];

	s[0] = 0;
	if (f & 0x02) strcat(s, "SYN,");
	if (f & 0x01) strcat(s, "FIN,");
	if (f & 0x04) strcat(s, "RST,");
	if (f & 0x08) strcat(s, "PSH,");
	if (f & 0x10) strcat(s, "ACK,");
	if (s[0]) s[strlen(s) - 1] = 0;
	return s;
}

/* one line per frame lwIP sends; the checksums must hold */
static err_t linkoutput(struct netif *netif, struct pbuf *p)
{
	(void)netif;
	last_len = pbuf_copy_partial(p, last, sizeof(last), 0);
	frames++;
	unsigned type = get16(last + 12);
	const uint8_t *ip = last + 14;

	printf("tx %d: %zu bytes, to %s, type 0x%04x", frames, last_len,
	       memcmp(last, "\xff\xff\xff\xff\xff\xff", 6) == 0 ? "broadcast"
	       : memcmp(last, peer_mac, 6) == 0		     ? "peer"
								     : "?",
	       type);
	if (type == 0x0806) {
		printf(", arp op %u who-has %u.%u.%u.%u\n", get16(ip + 6), ip[24], ip[25], ip[26],
		       ip[27]);
		return ERR_OK;
	}
	if (type != 0x0800) {
		printf("\n");
		return ERR_OK;
	}
	unsigned hl = (ip[0] & 15) * 4, tot = get16(ip + 2), proto = ip[9];
	const uint8_t *l4 = ip + hl;
	size_t n = tot - hl;

	printf(", ipv4 len %u ttl %u proto %u, ip sum %s", tot, ip[8], proto,
	       sum16(0, ip, hl) == 0xffff ? "ok" : "BAD");
	if (proto == 1)
		printf(", icmp type %u, sum %s", l4[0], sum16(0, l4, n) == 0xffff ? "ok" : "BAD");
	if (proto == 6)
		printf(", tcp %s>%u %s hdr %u data %zu win %u, sum %s",
		       get16(l4) >= 49152 ? "ephemeral" : "?", get16(l4 + 2), tcp_flags(l4[13]),
		       (l4[12] >> 4) * 4u, n - (l4[12] >> 4) * 4u, get16(l4 + 14),
		       l4_sum(ip, 6, l4, n) == 0xffff ? "ok" : "BAD");
	if (proto == 17)
		printf(", udp %u>%u len %u, sum %s", get16(l4), get16(l4 + 2), get16(l4 + 4),
		       l4_sum(ip, 17, l4, n) == 0xffff ? "ok" : "BAD");
	printf("\n");
	return ERR_OK;
}

static void receive(struct netif *netif, const uint8_t *f, size_t n)
{
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_POOL);

	if (!p || pbuf_take(p, f, (u16_t)n) != ERR_OK) {
		printf("rx: no pbuf\n");
		exit(1);
	}
	if (netif->input(p, netif) != ERR_OK)
		pbuf_free(p);
}

/* an IPv4 frame from the peer to us: Ethernet and IPv4 headers, sums */
static size_t ipv4_frame(uint8_t *f, unsigned proto, size_t l4_len)
{
	uint8_t *ip = f + 14;

	memcpy(f, our_mac, 6), memcpy(f + 6, peer_mac, 6), put16(f + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45, ip[8] = 64, ip[9] = (uint8_t)proto;
	put16(ip + 2, (unsigned)(20 + l4_len));
	memcpy(ip + 12, peer_ip, 4), memcpy(ip + 16, our_ip, 4);
	put16(ip + 10, ~sum16(0, ip, 20) & 0xffff);
	return 14 + 20 + l4_len;
}

static void tcp_from_peer(struct netif *netif, unsigned flags, uint32_t seq, uint32_t ack,
			  unsigned dport)
{
	uint8_t f[64] = { 0 }, *t = f + 34;
	size_t n = ipv4_frame(f, 6, 20);

	put16(t, 80), put16(t + 2, dport), put32(t + 4, seq), put32(t + 8, ack);
	t[12] = 5 << 4, t[13] = (uint8_t)flags, put16(t + 14, 65535);
	put16(t + 16, ~l4_sum(f + 14, 6, t, 20) & 0xffff);
	receive(netif, f, n);
}

/* a DHCP offer (2) or ack (5) from the peer to the broadcast address */
static void dhcp_from_peer(struct netif *netif, unsigned type, uint32_t xid)
{
	static const uint8_t opts[] = {
		53, 1, 0,   54, 4, 10, 0, 2, 2,   51, 4, 0, 1, 81, 128,
		1, 4, 255, 255, 255, 0,   3, 4, 10, 0, 2, 2,   6, 4, 10, 0, 2, 3,   255,
	};
	uint8_t f[14 + 20 + 8 + 240 + sizeof(opts)] = { 0 }, *ip = f + 14, *u = ip + 20,
							      *b = u + 8;
	size_t n = ipv4_frame(f, 17, 8 + 240 + sizeof(opts));

	memset(f, 0xff, 6);
	memset(ip + 16, 0xff, 4), put16(ip + 10, 0), put16(ip + 10, ~sum16(0, ip, 20) & 0xffff);
	put16(u, 67), put16(u + 2, 68), put16(u + 4, 8 + 240 + sizeof(opts)); /* no UDP sum */
	b[0] = 2, b[1] = 1, b[2] = 6, put32(b + 4, xid);
	memcpy(b + 16, (const uint8_t[]){ 10, 0, 2, 16 }, 4), memcpy(b + 28, our_mac, 6);
	put32(b + 236, 0x63825363);
	memcpy(b + 240, opts, sizeof(opts));
	b[242] = (uint8_t)type;
	receive(netif, f, n);
}

static err_t et_init(struct netif *netif)
{
	netif->name[0] = 'e', netif->name[1] = 't';
	netif->output = etharp_output;
	netif->linkoutput = linkoutput;
	netif->mtu = 1500;
	netif->hwaddr_len = 6;
	memcpy(netif->hwaddr, our_mac, 6);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	return ERR_OK;
}

static int connected;
static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg, (void)pcb;
	printf("connected: %d\n", err);
	connected = 1;
	return ERR_OK;
}
static void on_error(void *arg, err_t err)
{
	(void)arg;
	printf("tcp error callback: %d\n", err);
}

int main(void)
{
	static struct netif et;
	ip4_addr_t addr, mask, gw;
	ip_addr_t peer;

	setvbuf(stdout, 0, _IONBF, 0);
	lwip_init();
	printf("lwIP %s\n", LWIP_VERSION_STRING);

	/* PCBs without any interface */
	struct tcp_pcb *a = tcp_new(), *b = tcp_new(), *c = tcp_new_ip_type(IPADDR_TYPE_ANY);
	printf("tcp_bind any:8080: %d\n", tcp_bind(a, IP4_ADDR_ANY, 8080));
	printf("tcp_bind any:8080 again: %d\n", tcp_bind(b, IP4_ADDR_ANY, 8080));
	printf("tcp_bind any:0: %d", tcp_bind(b, IP4_ADDR_ANY, 0));
	printf(", ephemeral %s\n", b->local_port >= 49152 ? "yes" : "no");
	struct tcp_pcb *l = tcp_listen_with_backlog(a, 16);
	printf("tcp_listen: %s, state %s, port %u\n", l ? "ok" : "failed",
	       l && l->state == LISTEN ? "LISTEN" : "?", l ? l->local_port : 0);
	printf("tcp_bind [::]:8080 (dual stack) while listening: %d\n",
	       tcp_bind(c, IP_ANY_TYPE, 8080));
	struct udp_pcb *u = udp_new();
	printf("udp_bind any:5353: %d\n", udp_bind(u, IP4_ADDR_ANY, 5353));
	ip_addr_t six;
	printf("ip6addr_aton fe80::1: %d\n", ipaddr_aton("fe80::1", &six));
	printf("ip4 10.0.2.15 parses: %d\n", ip4addr_aton("10.0.2.15", &addr));

	/* an interface of our own */
	IP4_ADDR(&mask, 255, 255, 255, 0);
	IP4_ADDR(&gw, 10, 0, 2, 2);
	if (!netif_add(&et, &addr, &mask, &gw, NULL, et_init, ethernet_input)) {
		printf("netif_add failed\n");
		return 1;
	}
	netif_set_default(&et);
	netif_set_up(&et);
	netif_set_link_up(&et);
	printf("netif %c%c%u up: %s, address %s\n", et.name[0], et.name[1], et.num,
	       netif_is_up(&et) ? "yes" : "no", ip4addr_ntoa(netif_ip4_addr(&et)));
	netif_create_ip6_linklocal_address(&et, 1);
	printf("ipv6 link-local: %s\n", ip6addr_ntoa(netif_ip6_addr(&et, 0)));

	/* TCP through the handshake; the peer's address via ARP first */
	struct tcp_pcb *t = tcp_new();
	tcp_err(t, on_error);
	IP_ADDR4(&peer, 10, 0, 2, 2);
	printf("tcp_connect 10.0.2.2:80: %d\n", tcp_connect(t, &peer, 80, on_connected));
	uint8_t arp[42] = { 0 };
	memcpy(arp, our_mac, 6), memcpy(arp + 6, peer_mac, 6), put16(arp + 12, 0x0806);
	put16(arp + 14, 1), put16(arp + 16, 0x0800), arp[18] = 6, arp[19] = 4, put16(arp + 20, 2);
	memcpy(arp + 22, peer_mac, 6), memcpy(arp + 28, peer_ip, 4);
	memcpy(arp + 32, our_mac, 6), memcpy(arp + 38, our_ip, 4);
	receive(&et, arp, sizeof(arp));
	if (last_len < 54 || get16(last + 12) != 0x0800 || last[23] != 6) {
		printf("no SYN after the ARP reply\n");
		return 1;
	}
	uint32_t iss = get32(last + 38);
	unsigned lport = get16(last + 34);
	tcp_from_peer(&et, 0x12, 1000, iss + 1, lport);
	printf("state after SYN-ACK: %s\n", t->state == ESTABLISHED ? "ESTABLISHED" : "?");
	printf("tcp_write 5 bytes: %d\n", tcp_write(t, "hello", 5, TCP_WRITE_FLAG_COPY));
	printf("tcp_output: %d\n", tcp_output(t));
	printf("waiting for an ACK: %s\n", t->unacked ? "yes" : "no");
	tcp_from_peer(&et, 0x10, 1001, iss + 6, lport);
	printf("waiting after the peer's ACK: %s\n", t->unacked ? "yes" : "no");
	tcp_abort(t);

	/* ping */
	uint8_t ping[64] = { 0 }, *icmp = ping + 34;
	size_t n = ipv4_frame(ping, 1, 12);
	icmp[0] = 8, put16(icmp + 4, 7), put16(icmp + 6, 1), memcpy(icmp + 8, "ping", 4);
	put16(icmp + 2, ~sum16(0, icmp, 12) & 0xffff);
	receive(&et, ping, n);

	/* UDP */
	struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, 3, PBUF_RAM);
	pbuf_take(p, "abc", 3);
	printf("udp_sendto 10.0.2.2:7: %d\n", udp_sendto(u, p, &peer, 7));
	pbuf_free(p);

	/* DHCP: an offer of 10.0.2.16 with a DNS server, then the ack */
	printf("dhcp_start: %d\n", dhcp_start(&et));
	if (last_len < 42 + 240 || last[23] != 17) {
		printf("no DHCP discover\n");
		return 1;
	}
	uint32_t xid = get32(last + 46);
	dhcp_from_peer(&et, 2, xid);
	dhcp_from_peer(&et, 5, xid);
	printf("dhcp bound: %s, address %s\n", dhcp_supplied_address(&et) ? "yes" : "no",
	       ip4addr_ntoa(netif_ip4_addr(&et)));

	now_ms += 1000;
	sys_check_timeouts();
	printf("frames sent: %d, connected %d\n", frames, connected);
	return 0;
}
