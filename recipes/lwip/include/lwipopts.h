/* uk's lwIP configuration (recipes/lwip/README.md says why each choice).
 *
 * lwIP runs without threads of its own (NO_SYS=1, raw API): the socket
 * layer (uk-net) calls it from thread context only, never from an interrupt
 * handler, feeds it received frames, and calls sys_check_timeouts() and
 * netif_poll_all() from its wait loop. Every option not named here keeps
 * lwIP's default (src/include/lwip/opt.h).
 *
 * What liblwip.a needs from outside (tests/integration/lwip.sh checks it):
 *   sys_now                                the socket layer: milliseconds
 *   uk_lwip_malloc, uk_lwip_calloc,        the socket layer, over the
 *   uk_lwip_free                           runtime's heap (below)
 *   uk_lwip_rand                           the socket layer (arch/cc.h)
 *   uk_lwip_dhcp_option                    the socket layer (below)
 *   memcpy memmove memset memcmp strlen    the C library (musl), in every
 *   strncmp atoi                           image
 * and uk_lwip_diag only when built with LWIP_DEBUG, uk_lwip_assert (the
 * runtime, arch/cc.h) only without LWIP_NOASSERT. */
#ifndef UK_LWIPOPTS_H
#define UK_LWIPOPTS_H

#include <stddef.h>

/* --- system: no threads, one caller at a time ----------------------------- */
#define NO_SYS 1
#define LWIP_TIMERS 1                  /* sys_check_timeouts() over sys_now() */
#define SYS_LIGHTWEIGHT_PROT 0         /* lwIP never runs in an interrupt */
#define LWIP_SOCKET 0                  /* the socket layer is uk's own */
#define LWIP_NETCONN 0
#define LWIP_NETIF_API 0
#define LWIP_COMPAT_SOCKETS 0
#define LWIP_STATS 0
/* no internal-consistency assertions (about 15 KiB of an image): lwIP's
 * argument checks (LWIP_ERROR) stay and return errors; to debug the socket
 * layer against the raw API, build with this line removed, and
 * uk_lwip_assert (arch/cc.h) reports a failed one */
#define LWIP_NOASSERT 1

/* --- memory: the runtime's heap, through the socket layer ------------------- */
/* lwIP's heap and its pools (PCBs, segments, pbufs) are allocations from the
 * runtime's heap, so the number of connections is bounded by memory, not by
 * pool sizes fixed here; these three functions are the socket layer's. */
void *uk_lwip_malloc(size_t n);
void *uk_lwip_calloc(size_t count, size_t n);
void uk_lwip_free(void *p);
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define mem_clib_malloc uk_lwip_malloc
#define mem_clib_calloc uk_lwip_calloc
#define mem_clib_free uk_lwip_free
#define MEM_ALIGNMENT 8
/* room in front of every outgoing frame for the virtio-net header (12
 * bytes), so the driver prepends it without copying the frame */
#define PBUF_LINK_ENCAPSULATION_HLEN 12
/* the driver hands received buffers to lwIP without copying them */
#define LWIP_SUPPORT_CUSTOM_PBUF 1
/* A pool pbuf (PBUF_POOL_BUFSIZE, lwIP's default) holds one whole frame of
 * TCP_MSS with IPv6 headers, so a received segment is one pbuf. */
/* packets to a neighbour not yet resolved wait (ARP_QUEUE_LEN each) */
#define ARP_QUEUEING 1
#define LWIP_ND6_QUEUEING 1

/* --- interfaces ------------------------------------------------------------- */
#define LWIP_ETHERNET 1
#define LWIP_ARP 1
/* no status, link or extended status callbacks: the socket layer
 * registers none (it prints the address itself) */
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_NETIF_EXT_STATUS_CALLBACK 0
#define LWIP_NETIF_HOSTNAME 1          /* DHCP sends the image's name */
/* 127.0.0.1 and ::1 inside the image; netif_poll_all() delivers */
#define LWIP_HAVE_LOOPIF 1
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_LOOPBACK_MAX_PBUFS 0
/* checksums in software unless the device offloads them: the driver turns
 * generation and checking off per interface (NETIF_SET_CHECKSUM_CTRL) */
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1
#define LWIP_CHKSUM_ALGORITHM 3        /* 32 bits at a time */
#define LWIP_CHECKSUM_ON_COPY 1        /* tcp_write sums while it copies */

/* --- IPv4 ------------------------------------------------------------------- */
#define LWIP_IPV4 1
#define IP_DEFAULT_TTL 64              /* Linux's, not lwIP's 255 */
#define IP_FORWARD 0
#define IP_REASSEMBLY 1
/* fragments held for reassembly, all datagrams together (lwIP's 10 is
 * under 15 KB: a bigger datagram was dropped whole): five of UDP's
 * largest, 45 fragments each at a 1500-byte MTU; Linux bounds the memory
 * (ipfrag_high_thresh, 4 MB) rather than the count */
#define IP_REASS_MAX_PBUFS 225
#define IP_FRAG 1
#define LWIP_ICMP 1                    /* echo replies */
#define LWIP_RAW 0
#define LWIP_IGMP 0
#define LWIP_AUTOIP 0
#define LWIP_DHCP 1
/* no ARP probe of the offered address: it costs every boot a wait before
 * the first answer, for conflicts a DHCP-run network does not have */
#define DHCP_DOES_ARP_CHECK 0
/* DNS is musl's resolver over UDP sockets, not lwIP's */
#define LWIP_DNS 0
/* lwIP reads the DNS-server option only for its own resolver: every option
 * it does not use (the DNS servers, 6, among them) goes to the socket layer,
 * which writes /etc/resolv.conf from it. p holds the message; the option's
 * len bytes start at offset. */
struct netif;
struct pbuf;
void uk_lwip_dhcp_option(struct netif *netif, unsigned char msg_type, unsigned char option,
			 unsigned char len, struct pbuf *p, unsigned short offset);
#define LWIP_HOOK_DHCP_PARSE_OPTION(netif, dhcp, state, msg, msg_type, option, len, pbuf, \
				    offset)                                               \
	do {                                                                              \
		LWIP_UNUSED_ARG(msg);                                                     \
		uk_lwip_dhcp_option((netif), (msg_type), (option), (len), (pbuf), (offset)); \
	} while (0)

/* --- IPv6 ------------------------------------------------------------------- */
#define LWIP_IPV6 1
#define LWIP_IPV6_AUTOCONFIG 1         /* SLAAC, as QEMU's user network offers */
#define LWIP_IPV6_MLD 1                /* neighbour discovery's multicast */
#define LWIP_IPV6_FRAG 1
#define LWIP_IPV6_REASS 1
/* lwIP's reassembly bookkeeping does not fit in a fragment header when
 * pointers are 64 bits: it copies the header aside instead */
#define IPV6_FRAG_COPYHEADER 1
#define LWIP_IPV6_DHCP6 0

/* --- UDP and TCP -------------------------------------------------------------- */
#define LWIP_UDP 1
#define LWIP_TCP 1
#define TCP_MSS 1460
/* Windows for throughput: 128 KiB each way per connection, which needs
 * window scaling (shift 2: up to 256 KiB). Memory is taken only for data
 * really queued. */
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 2
#define TCP_WND (128 * 1024)
#define TCP_SND_BUF (128 * 1024)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define MEMP_NUM_TCP_SEG TCP_SND_QUEUELEN
/* writable again (EPOLLOUT) once this much of the send buffer is free;
 * lwIP wants it below 64 KiB less 4 segments */
#define TCP_SNDLOWAT (32 * 1024)
#define TCP_QUEUE_OOSEQ 1
#define TCP_LISTEN_BACKLOG 1           /* listen()'s backlog is honoured */
#define TCP_DEFAULT_LISTEN_BACKLOG 128
#define LWIP_TCP_KEEPALIVE 1           /* TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT */
#define SO_REUSE 1                     /* SO_REUSEADDR: rebind in TIME-WAIT */
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1
/* unpredictable initial sequence numbers */
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) LWIP_RAND()

#endif
