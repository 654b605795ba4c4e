/* virtio-net (virtio 1.x, 5.1) as an lwIP netif, in the uk-net component.
 * Queue 0 receives, queue 1 transmits; every receive buffer is one
 * descriptor holding the virtio-net header and one Ethernet frame, so
 * descriptor k always owns buffer k of the queue. A received frame goes to lwIP
 * without a copy, as a custom pbuf over the buffer the device wrote it in
 * (freed when lwIP and the socket layer free the pbuf), and the ring gets
 * a new buffer from the heap. A sent frame goes as a chain: one
 * descriptor per pbuf of lwIP's chain, the header in the room before the
 * first (else a descriptor of its own), the pbuf referenced
 * until the device gives the chain back (reaped when the next frame is
 * sent and at every poll); it is copied behind its header, in one
 * descriptor, only when its pieces outnumber the free descriptors or
 * TX_PIECES, or (checksum offload) its first pbuf does not hold the
 * headers the device needs. Interrupts wake the CPU; the stack's poller
 * (runtime/net/stack.c) takes the frames in, never the handler.
 *
 * Only the first device is used (en0: lwIP's lo0 takes netif number 0,
 * stack.c prints number - 1); a second would be a second netif, "en1",
 * from a second call. Checksum offload is asked for when the
 * device offers it (a tap backend; QEMU's user network offers none): the
 * device then fills TCP and UDP checksums, and lwIP leaves them to it. */
#include "errno.h"
#include "file.h"
#include "virtio.h"

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ethernet.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/ip6.h"
#include "net.h"

#define F_CSUM      (1ull << 0)
#define F_MAC       (1ull << 5)
#define F_MRG_RXBUF (1ull << 15)
#define F_ANY_LAYOUT (1ull << 27) /* legacy: the header need not be apart */

#define HDR_F_NEEDS_CSUM 1

#define QUEUE_MAX 256
#define BUF_SIZE  2048 /* header + a 1514-byte frame, rounded */
#define MTU       1500
#define TX_SPINS  100000
#define TX_PIECES 8 /* header + pbufs in one chain */

struct hdr {
	uint8_t flags, gso_type;
	uint16_t hdr_len, gso_size, csum_start, csum_offset;
	uint16_t num_buffers; /* modern and MRG_RXBUF only */
};

/* A receive buffer: a 2 KiB block of the runtime's heap (2032 bytes past
 * its header), the pbuf lwIP gets first, then what the device writes. */
#define RX_ALLOC 2032
struct rxbuf {
	struct pbuf_custom pc; /* first: lwIP frees &pc.pbuf */
	uint8_t data[];
};
#define RX_DATA (RX_ALLOC - sizeof(struct rxbuf))
_Static_assert(RX_DATA >= sizeof(struct hdr) + MTU + 14, "a frame fits a receive buffer");

struct vnet {
	struct uk_virtio_dev *dev;
	struct uk_virtq rx, tx;
	struct rxbuf **rx_slot; /* descriptor k's buffer, or none */
	struct pbuf **tx_slot; /* the frame chain k sends, until reaped */
	uint8_t *txbuf; /* chain k's header, or header and copied frame */
	unsigned hdr_len;
	int csum, any_layout;
};

static struct vnet vn;

/* Gives every free descriptor a buffer (a new one where lwIP kept the
 * last); short of memory, the ring stays short until the next poll. */
static void rx_give(struct vnet *v)
{
	while (v->rx.nfree) {
		uint16_t k = v->rx.free_head;
		if (!v->rx_slot[k] && !(v->rx_slot[k] = uk_malloc(RX_ALLOC)))
			break;
		struct uk_vq_buf b = {v->rx_slot[k]->data, RX_DATA, 1};
		if (uk_virtq_submit(&v->rx, &b, 1) < 0)
			break;
	}
}

static void rx_free(struct pbuf *p)
{
	uk_free(p);
}

/* Frees the pbufs of the chains the device is done with. */
static void tx_reap(struct vnet *v)
{
	long k;
	while ((k = uk_virtq_reap(&v->tx, 0)) >= 0)
		if (v->tx_slot[k]) {
			pbuf_free(v->tx_slot[k]);
			v->tx_slot[k] = 0;
		}
}

void uk_virtio_net_poll(struct netif *nif)
{
	struct vnet *v = nif->state;
	uint32_t len;
	long k;
	int got = 0;
	while ((k = uk_virtq_reap(&v->rx, &len)) >= 0) {
		got = 1;
		if (len <= v->hdr_len || len > RX_DATA)
			continue; /* the buffer stays the descriptor's */
		struct rxbuf *b = v->rx_slot[k];
		v->rx_slot[k] = 0;
		b->pc.custom_free_function = rx_free;
		struct pbuf *p = pbuf_alloced_custom(PBUF_RAW, (u16_t)(len - v->hdr_len), PBUF_REF,
						     &b->pc, b->data + v->hdr_len,
						     (u16_t)(RX_DATA - v->hdr_len));
		if (nif->input(p, nif) != ERR_OK)
			pbuf_free(p);
	}
	if (got)
		rx_give(v);
	tx_reap(v); /* lwIP retransmits no segment a driver still holds */
}

/* The checksum the device completes: csum_start/offset from the frame's
 * IPv4 or IPv6 header, and the pseudo-header's sum in the field, as the
 * virtio spec wants for NEEDS_CSUM. The frame is tot bytes, its first len
 * contiguous at frame. 1 when done or nothing is to do, 0 when the headers
 * are not all in those len bytes. */
static int offload(uint8_t *frame, unsigned len, unsigned tot, struct hdr *h)
{
	if (tot < SIZEOF_ETH_HDR + 20)
		return 1;
	if (len < SIZEOF_ETH_HDR + 20)
		return 0;
	uint16_t type = (uint16_t)(frame[12] << 8 | frame[13]);
	uint8_t *ip = frame + SIZEOF_ETH_HDR;
	unsigned l3, proto;
	uint32_t sum = 0;
	uint16_t l4len;
	if (type == ETHTYPE_IP) {
		l3 = (ip[0] & 0xf) * 4u;
		proto = ip[9];
		if ((ip[6] & 0x3f) || ip[7])
			return 1; /* a fragment */
		l4len = (uint16_t)((ip[2] << 8 | ip[3]) - l3);
		for (unsigned i = 12; i < 20; i += 2)
			sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	} else if (type == ETHTYPE_IPV6) {
		if (tot < SIZEOF_ETH_HDR + 40 || len < SIZEOF_ETH_HDR + 40)
			return tot < SIZEOF_ETH_HDR + 40;
		l3 = 40;
		proto = ip[6];
		l4len = (uint16_t)(ip[4] << 8 | ip[5]);
		for (unsigned i = 8; i < 40; i += 2)
			sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	} else {
		return 1;
	}
	unsigned off = proto == 6 ? 16 : proto == 17 ? 6 : 0;
	if (!off || SIZEOF_ETH_HDR + l3 + off + 2 > tot)
		return 1;
	if (SIZEOF_ETH_HDR + l3 + off + 2 > len)
		return 0;
	sum += proto + l4len;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	uint8_t *field = ip + l3 + off;
	field[0] = (uint8_t)(sum >> 8);
	field[1] = (uint8_t)sum;
	h->flags = HDR_F_NEEDS_CSUM;
	h->csum_start = (uint16_t)(SIZEOF_ETH_HDR + l3);
	h->csum_offset = (uint16_t)off;
	return 1;
}

/* The frame as a descriptor chain: the header (in the first pbuf, else
 * from descriptor k's buffer), then each pbuf where lwIP keeps it, referenced until tx_reap. 0 when it
 * cannot be so: more pieces than free descriptors (or TX_PIECES), or,
 * with checksum offload, the headers offload() fills not all in the
 * first pbuf (the field is written in place: lwIP rewrites its headers
 * before any retransmission, and skips one whose pbuf a driver holds). */
static int tx_chain(struct vnet *v, struct pbuf *p, struct hdr *h)
{
	struct uk_vq_buf b[TX_PIECES];
	unsigned n = 0;
	/* the header in the room lwIP leaves before the frame
	 * (PBUF_LINK_ENCAPSULATION_HLEN), one descriptor with it, where the
	 * device takes any layout (virtio 1 does; legacy with ANY_LAYOUT) */
	unsigned room = v->any_layout && !pbuf_add_header(p, v->hdr_len) ? v->hdr_len : 0;
	if (room) {
		h = p->payload;
		uk_memset(h, 0, room);
	} else {
		b[n++] = (struct uk_vq_buf){h, v->hdr_len, 0};
	}
	for (struct pbuf *q = p; q; q = q->next) {
		if (!q->len)
			continue;
		if (n == TX_PIECES || n == v->tx.nfree)
			goto copy;
		b[n++] = (struct uk_vq_buf){q->payload, q->len, 0};
	}
	if (v->csum && !offload((uint8_t *)p->payload + room, p->len - room, p->tot_len - room, h))
		goto copy;
	uint16_t k = v->tx.free_head;
	pbuf_ref(p);
	v->tx_slot[k] = p;
	if (uk_virtq_submit(&v->tx, b, n) < 0) {
		v->tx_slot[k] = 0;
		pbuf_free(p);
		goto copy;
	}
	pbuf_remove_header(p, room);
	return 1;
copy:
	pbuf_remove_header(p, room);
	return 0;
}

static err_t output(struct netif *nif, struct pbuf *p)
{
	struct vnet *v = nif->state;
	tx_reap(v);
	for (unsigned i = 0; !v->tx.nfree && i < TX_SPINS; i++) {
		__asm__ volatile("pause");
		tx_reap(v);
	}
	if (!v->tx.nfree || p->tot_len > BUF_SIZE - v->hdr_len)
		return ERR_MEM;
	uint16_t k = v->tx.free_head;
	uint8_t *buf = v->txbuf + (size_t)k * BUF_SIZE;
	struct hdr *h = (struct hdr *)buf;
	uk_memset(h, 0, v->hdr_len);
	if (tx_chain(v, p, h))
		return ERR_OK;
	/* the copy: one descriptor, header and frame */
	uk_memset(h, 0, v->hdr_len);
	pbuf_copy_partial(p, buf + v->hdr_len, p->tot_len, 0);
	if (v->csum)
		offload(buf + v->hdr_len, p->tot_len, p->tot_len, h);
	struct uk_vq_buf b = {buf, v->hdr_len + p->tot_len, 0};
	return uk_virtq_submit(&v->tx, &b, 1) < 0 ? ERR_MEM : ERR_OK;
}

__uk_cold static err_t init(struct netif *nif)
{
	struct vnet *v = nif->state;
	nif->name[0] = 'e';
	nif->name[1] = 'n';
	nif->mtu = MTU;
	nif->hwaddr_len = 6;
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
		     NETIF_FLAG_MLD6 | NETIF_FLAG_LINK_UP;
	nif->output = etharp_output;
	nif->output_ip6 = ethip6_output;
	nif->linkoutput = output;
	if (v->csum)
		NETIF_SET_CHECKSUM_CTRL(nif, NETIF_CHECKSUM_ENABLE_ALL & ~(NETIF_CHECKSUM_GEN_TCP |
									 NETIF_CHECKSUM_GEN_UDP));
	return ERR_OK;
}

/* At exit: the frames given to the device have left before the VM powers
 * off (q35's virtio-net-pci sends them after the notify returns: a
 * program's last datagram was lost); 100 ms at most. */
__uk_cold void uk_virtio_net_flush(void)
{
	struct vnet *v = &vn;
	uint64_t end = uk_monotonic_ns() + 100000000ull;
	while (v->dev && v->tx.used[1] != v->tx.avail_idx && uk_monotonic_ns() < end)
		__asm__ volatile("pause");
}

__uk_cold long uk_virtio_net_attach(struct netif *nif)
{
	struct vnet *v = &vn;
	struct uk_virtio_dev *d = 0;
	while ((d = uk_virtio_find(UK_VIRTIO_ID_NET, d)) && d->claimed)
		;
	if (!d)
		return -ENODEV;
	uint64_t got;
	if (uk_virtio_start(d, F_MAC | F_CSUM | F_ANY_LAYOUT, &got))
		return -EIO;
	v->dev = d;
	v->csum = (got & F_CSUM) != 0;
	v->any_layout = !d->legacy || (got & F_ANY_LAYOUT);
	v->hdr_len = d->legacy && !(got & F_MRG_RXBUF) ? 10 : 12;
	if (uk_virtq_init(&v->rx, d, 0, QUEUE_MAX) || uk_virtq_init(&v->tx, d, 1, QUEUE_MAX)) {
		uk_virtio_fail(d);
		return -EIO;
	}
	v->txbuf = (uint8_t *)uk_pmem_alloc((uint64_t)v->tx.num * BUF_SIZE, ~0ull);
	v->rx_slot = uk_zalloc(v->rx.num * sizeof(*v->rx_slot));
	v->tx_slot = uk_zalloc(v->tx.num * sizeof(*v->tx_slot));
	if (!v->txbuf || !v->rx_slot || !v->tx_slot) {
		uk_virtio_fail(d);
		return -ENOMEM;
	}
	v->tx.avail[0] = 1; /* VRING_AVAIL_F_NO_INTERRUPT: sent frames need no wake-up */
	if (!netif_add_noaddr(nif, v, init, netif_input)) {
		uk_virtio_fail(d);
		return -EIO;
	}
	if (got & F_MAC)
		d->ops->config(d, 0, nif->hwaddr, 6);
	else {
		uk_random_fill(nif->hwaddr, 6);
		nif->hwaddr[0] = (uint8_t)((nif->hwaddr[0] & 0xfe) | 0x02); /* local, unicast */
	}
	uk_virtio_ready(d);
	rx_give(v);
	long polled = d->ops->irq(d) != 0;
	if (uk_opt.verbose)
		uk_printk("uk: virtio-net: mac %02x:%02x:%02x:%02x:%02x:%02x, %u+%u buffers%s\n",
			  nif->hwaddr[0], nif->hwaddr[1], nif->hwaddr[2], nif->hwaddr[3],
			  nif->hwaddr[4], nif->hwaddr[5], v->rx.num, v->tx.num,
			  v->csum ? ", checksum offload" : "");
	return polled;
}
