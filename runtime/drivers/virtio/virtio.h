/* Virtio devices (virtio 1.x spec): one split-virtqueue core and two
 * transports, virtio-mmio (QEMU microvm, Firecracker; modern version 2
 * and legacy version 1) and virtio-pci modern (q35). A driver finds its
 * device with uk_virtio_find, negotiates features, sets up its queues and
 * marks it ready; requests then go through uk_virtq_submit/uk_virtq_wait.
 *
 * Memory is identity-mapped, so buffers are given to devices by their
 * address: any buffer that is contiguous in the address space is one
 * descriptor. */
#ifndef UK_VIRTIO_H
#define UK_VIRTIO_H

#include "kernel.h"

#define UK_VIRTIO_ID_NET 1
#define UK_VIRTIO_ID_BLK 2
#define UK_VIRTIO_ID_9P  9

/* device status bits */
#define UK_VIRTIO_S_ACK         1
#define UK_VIRTIO_S_DRIVER      2
#define UK_VIRTIO_S_DRIVER_OK   4
#define UK_VIRTIO_S_FEATURES_OK 8
#define UK_VIRTIO_S_FAILED      128

#define UK_VIRTIO_F_VERSION_1 (1ull << 32)

struct uk_virtio_dev;
struct uk_virtq;

/* What a transport does; the core never touches registers itself. */
struct uk_virtio_ops {
	uint64_t (*features)(struct uk_virtio_dev *d);
	/* writes the driver's features; legacy devices take the low 32 bits */
	void (*set_features)(struct uk_virtio_dev *d, uint64_t f);
	uint8_t (*get_status)(struct uk_virtio_dev *d);
	void (*set_status)(struct uk_virtio_dev *d, uint8_t s);
	/* largest size of queue i, 0 if it does not exist */
	unsigned (*queue_max)(struct uk_virtio_dev *d, unsigned i);
	/* tells the device where q (already laid out) is and enables it */
	int (*queue_enable)(struct uk_virtio_dev *d, struct uk_virtq *q);
	void (*notify)(struct uk_virtio_dev *d, struct uk_virtq *q);
	void (*config)(struct uk_virtio_dev *d, unsigned off, void *buf, unsigned n);
	/* reads and acknowledges the interrupt status (bit 0: a queue) */
	unsigned (*isr)(struct uk_virtio_dev *d);
	/* 0 once an interrupt wakes the CPU for this device */
	int (*irq)(struct uk_virtio_dev *d);
};

struct uk_virtio_dev {
	const struct uk_virtio_ops *ops;
	uint32_t id;       /* UK_VIRTIO_ID_* */
	int legacy;        /* legacy interface: queue pages at one address */
	int claimed;       /* a driver took it */
	void *priv;        /* the transport's */
	struct uk_virtio_dev *next;
};

/* The devices of type id, one after another: pass 0 first, then the
 * previous result. Transports are probed on the first call: the
 * virtio_mmio.device= words of the command line, else the PCI bus. */
struct uk_virtio_dev *uk_virtio_find(uint32_t id, struct uk_virtio_dev *prev);
/* Resets the device and acknowledges it; then the driver's features
 * (VERSION_1 added unless legacy): the subset of want the device offers,
 * or 0 with the device marked FAILED when it refuses them. */
int uk_virtio_start(struct uk_virtio_dev *d, uint64_t want, uint64_t *got);
void uk_virtio_ready(struct uk_virtio_dev *d);
void uk_virtio_fail(struct uk_virtio_dev *d);

/* transports: mmio.c, pci.c (weak here: either may be left out) */
void uk_virtio_mmio_probe(void (*add)(struct uk_virtio_dev *d));
void uk_virtio_pci_probe(void (*add)(struct uk_virtio_dev *d));

/* A split virtqueue (virtqueue.c). */
struct uk_vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};
#define UK_VQ_F_NEXT  1
#define UK_VQ_F_WRITE 2

struct uk_vq_used_elem {
	uint32_t id, len;
};

struct uk_virtq {
	struct uk_virtio_dev *dev;
	unsigned index, num;
	struct uk_vq_desc *desc;
	volatile uint16_t *avail;         /* flags, idx, ring[num] */
	volatile uint16_t *used;          /* flags, idx, then elems */
	uint64_t mem, mem_size;           /* the pages holding all three */
	uint16_t free_head, nfree, last_used, avail_idx;
	uint16_t notify_off;              /* pci: the queue's notify offset */
	int irq;                          /* 0: its device interrupts */
};

/* Allocates queue i with at most max entries, laid out for the legacy
 * interface when the device is legacy, and enables it. */
long uk_virtq_init(struct uk_virtq *q, struct uk_virtio_dev *d, unsigned i, unsigned max);

/* One buffer of a request. */
struct uk_vq_buf {
	void *addr;
	uint32_t len;
	int write; /* the device writes it */
};
/* Puts the n buffers (device-readable ones first) in the queue as one
 * chain and tells the device: the chain's head, or -ENOSPC. */
long uk_virtq_submit(struct uk_virtq *q, const struct uk_vq_buf *b, unsigned n);
/* The next completed chain: its head and the bytes the device wrote, or
 * -EAGAIN if none has completed. The chain's descriptors are free again. */
long uk_virtq_reap(struct uk_virtq *q, uint32_t *written);
/* Waits (uk_wait: interrupt, else polled) until a chain completes, then
 * reaps it. */
long uk_virtq_wait(struct uk_virtq *q, uint32_t *written);

/* For transports */
static inline uint32_t uk_mmio_r32(uint64_t a)
{
	return *(volatile uint32_t *)a;
}
static inline void uk_mmio_w32(uint64_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

#endif
