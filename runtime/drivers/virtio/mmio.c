/* virtio-mmio (virtio 1.x, 4.2): modern (version 2) and legacy (version 1)
 * register layouts. Devices come from the words QEMU microvm (machine
 * option acpi=off) and Firecracker add to the kernel command line,
 * virtio_mmio.device=SIZE@ADDR:GSI, which cmdline.c sets apart. */
#include <uk/cmdline.h>

#include "virtio.h"

#define R_MAGIC        0x000
#define R_VERSION      0x004
#define R_DEVICE_ID    0x008
#define R_DEV_FEAT     0x010
#define R_DEV_FEAT_SEL 0x014
#define R_DRV_FEAT     0x020
#define R_DRV_FEAT_SEL 0x024
#define R_PAGE_SIZE    0x028 /* legacy */
#define R_QUEUE_SEL    0x030
#define R_QUEUE_MAX    0x034
#define R_QUEUE_NUM    0x038
#define R_QUEUE_ALIGN  0x03c /* legacy */
#define R_QUEUE_PFN    0x040 /* legacy */
#define R_QUEUE_READY  0x044
#define R_NOTIFY       0x050
#define R_INT_STATUS   0x060
#define R_INT_ACK      0x064
#define R_STATUS       0x070
#define R_DESC         0x080
#define R_DRIVER       0x090
#define R_DEVICE       0x0a0
#define R_CONFIG       0x100

#define MAGIC 0x74726976 /* "virt" */
#define MAX_DEVICES 8

struct mmio {
	struct uk_virtio_dev dev;
	uint64_t base;
	unsigned gsi;
	int irq; /* 0 once registered */
};

static struct mmio devs[MAX_DEVICES];
static unsigned ndevs;

/* The console engineer's device interrupts (arch/x86_64/irq.h), when the
 * image has them. */
int uk_irq_register(unsigned gsi, unsigned flags, void (*fn)(void *arg), void *arg)
	__attribute__((weak));

#define M(d) ((struct mmio *)(d))

static uint32_t rd(struct uk_virtio_dev *d, unsigned r)
{
	return uk_mmio_r32(M(d)->base + r);
}

static void wr(struct uk_virtio_dev *d, unsigned r, uint32_t v)
{
	uk_mmio_w32(M(d)->base + r, v);
}

static uint64_t features(struct uk_virtio_dev *d)
{
	wr(d, R_DEV_FEAT_SEL, 0);
	uint64_t f = rd(d, R_DEV_FEAT);
	if (!d->legacy) {
		wr(d, R_DEV_FEAT_SEL, 1);
		f |= (uint64_t)rd(d, R_DEV_FEAT) << 32;
	}
	return f;
}

static void set_features(struct uk_virtio_dev *d, uint64_t f)
{
	wr(d, R_DRV_FEAT_SEL, 0);
	wr(d, R_DRV_FEAT, (uint32_t)f);
	if (!d->legacy) {
		wr(d, R_DRV_FEAT_SEL, 1);
		wr(d, R_DRV_FEAT, (uint32_t)(f >> 32));
	}
}

static uint8_t get_status(struct uk_virtio_dev *d)
{
	return (uint8_t)rd(d, R_STATUS);
}

static void set_status(struct uk_virtio_dev *d, uint8_t s)
{
	wr(d, R_STATUS, s);
}

static unsigned queue_max(struct uk_virtio_dev *d, unsigned i)
{
	wr(d, R_QUEUE_SEL, i);
	if (!d->legacy && rd(d, R_QUEUE_READY))
		return 0;
	return rd(d, R_QUEUE_MAX);
}

static int queue_enable(struct uk_virtio_dev *d, struct uk_virtq *q)
{
	wr(d, R_QUEUE_SEL, q->index);
	wr(d, R_QUEUE_NUM, q->num);
	if (d->legacy) {
		wr(d, R_PAGE_SIZE, PAGE_SIZE);
		wr(d, R_QUEUE_ALIGN, PAGE_SIZE);
		wr(d, R_QUEUE_PFN, (uint32_t)(q->mem / PAGE_SIZE));
		return 0;
	}
	uint64_t a[3] = {(uint64_t)q->desc, (uint64_t)q->avail, (uint64_t)q->used};
	for (unsigned k = 0; k < 3; k++) {
		wr(d, R_DESC + 0x10 * k, (uint32_t)a[k]);
		wr(d, R_DESC + 0x10 * k + 4, (uint32_t)(a[k] >> 32));
	}
	wr(d, R_QUEUE_READY, 1);
	return 0;
}

static void notify(struct uk_virtio_dev *d, struct uk_virtq *q)
{
	wr(d, R_NOTIFY, q->index);
}

/* byte by byte: legacy devices' configuration is in guest endianness,
 * modern ones' little-endian, the same thing here */
static void config(struct uk_virtio_dev *d, unsigned off, void *buf, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		((uint8_t *)buf)[i] = *(volatile uint8_t *)(M(d)->base + R_CONFIG + off + i);
}

static unsigned isr(struct uk_virtio_dev *d)
{
	uint32_t s = rd(d, R_INT_STATUS);
	if (s)
		wr(d, R_INT_ACK, s);
	return s;
}

static void on_irq(void *arg)
{
	isr(arg);
}

__uk_cold static int irq(struct uk_virtio_dev *d)
{
	struct mmio *m = M(d);
	if (m->irq > 0 && uk_irq_register)
		m->irq = uk_irq_register(m->gsi, 0, on_irq, d) ? -1 : 0;
	return m->irq;
}

static const struct uk_virtio_ops mmio_ops = {
	.features = features,
	.set_features = set_features,
	.get_status = get_status,
	.set_status = set_status,
	.queue_max = queue_max,
	.queue_enable = queue_enable,
	.notify = notify,
	.config = config,
	.isr = isr,
	.irq = irq,
};

/* "512", "4K", "0xfeb00e00": a number with an optional K/M suffix */
__uk_cold static const char *number(const char *s, uint64_t *v)
{
	uint64_t x = 0, base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++) {
		unsigned c = (unsigned char)*s, digit;
		if (c >= '0' && c <= '9')
			digit = c - '0';
		else if (base == 16 && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			digit = (c | 0x20) - 'a' + 10;
		else
			break;
		x = x * base + digit;
	}
	if (*s == 'K' || *s == 'k')
		x <<= 10, s++;
	else if (*s == 'M' || *s == 'm')
		x <<= 20, s++;
	*v = x;
	return s;
}

/* One "virtio_mmio.device=SIZE@ADDR:GSI[:ID]" word. */
__uk_cold static void one(const char *w, void (*add)(struct uk_virtio_dev *d))
{
	uint64_t size, base, gsi = 0;
	const char *s = number(w + sizeof(UK_VIRTIO_MMIO_WORD) - 1, &size);
	if (*s++ != '@')
		return;
	s = number(s, &base);
	if (*s == ':')
		number(s + 1, &gsi);
	if (!base || size < R_CONFIG || size > 0x100000 || ndevs == MAX_DEVICES)
		return;
	for (uint64_t p = ALIGN_DOWN(base, PAGE_SIZE); p < base + size; p += PAGE_SIZE)
		uk_paging_map_mmio(p);
	uint32_t version = uk_mmio_r32(base + R_VERSION);
	if (uk_mmio_r32(base + R_MAGIC) != MAGIC || (version != 1 && version != 2))
		return;
	uint32_t id = uk_mmio_r32(base + R_DEVICE_ID);
	if (!id)
		return; /* a transport with nothing plugged in */
	struct mmio *m = &devs[ndevs++];
	m->dev.ops = &mmio_ops;
	m->dev.id = id;
	m->dev.legacy = version == 1;
	m->base = base;
	m->gsi = (unsigned)gsi;
	m->irq = gsi ? 1 : -1; /* 1: not tried yet */
	if (uk_opt.verbose)
		uk_printk("uk: virtio-mmio at %lx: device %u, version %u, gsi %lu\n", base, id, version,
			  gsi);
	add(&m->dev);
}

__uk_cold void uk_virtio_mmio_probe(void (*add)(struct uk_virtio_dev *d))
{
	for (const char *w = uk_cmdline_next(0, 'v'); w; w = uk_cmdline_next(w, 'v'))
		one(w, add);
}
