/* virtio-pci, the modern interface (virtio 1.x, 4.1) as q35 has it: the
 * configuration space through ports 0xcf8/0xcfc (bus 0 is enough for
 * QEMU's devices), the vendor capabilities that say where in which BAR
 * the common, notify, ISR and device structures are. The firmware (SeaBIOS
 * on a raw disk) has assigned the BARs. Interrupts: MSI-X (one vector
 * for all queues) when the device has it, else INTx through the IOAPIC,
 * else polled. */
#include "virtio.h"

#define VENDOR_VIRTIO 0x1af4
#define CAP_VENDOR    0x09
#define CAP_MSIX      0x11
#define MSIX_ENABLE   0x8000 /* message control */
#define MSIX_MASKALL  0x4000
#define NO_VECTOR     0xffff
#define CAP_COMMON    1
#define CAP_NOTIFY    2
#define CAP_ISR       3
#define CAP_DEVICE    4
#define MAX_DEVICES   8

/* common configuration */
#define C_DFSELECT 0x00
#define C_DF       0x04
#define C_GFSELECT 0x08
#define C_GF       0x0c
#define C_MSIX     0x10
#define C_STATUS   0x14
#define C_Q_SELECT 0x16
#define C_Q_SIZE   0x18
#define C_Q_MSIX   0x1a
#define C_Q_ENABLE 0x1c
#define C_Q_NOFF   0x1e
#define C_Q_DESC   0x20
#define C_Q_DRIVER 0x28
#define C_Q_DEVICE 0x30

struct pci {
	struct uk_virtio_dev dev;
	uint64_t common, notify, isr, device;
	uint32_t notify_mul;
	unsigned bdf;
	int irq; /* 1: not tried, 0: registered, -1: polled */
	uint8_t msix_cap; /* its capability's offset, 0: none */
	uint8_t msix;     /* 1: queues raise MSI-X vector 0 */
	uint16_t nq;      /* queues enabled so far */
};

static struct pci devs[MAX_DEVICES];
static unsigned ndevs;

static void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static uint32_t cfg32(unsigned bdf, unsigned off)
{
	outl(0xcf8, 0x80000000u | bdf << 8 | (off & 0xfc));
	return inl(0xcfc);
}

static void cfg_w32(unsigned bdf, unsigned off, uint32_t v)
{
	outl(0xcf8, 0x80000000u | bdf << 8 | (off & 0xfc));
	outl(0xcfc, v);
}

static uint8_t cfg8(unsigned bdf, unsigned off)
{
	return (uint8_t)(cfg32(bdf, off) >> (8 * (off & 3)));
}

#define P(d) ((struct pci *)(d))
#define R8(a)     (*(volatile uint8_t *)(a))
#define R16(a)    (*(volatile uint16_t *)(a))
#define R32(a)    (*(volatile uint32_t *)(a))

static uint64_t features(struct uk_virtio_dev *d)
{
	uint64_t c = P(d)->common;
	R32(c + C_DFSELECT) = 0;
	uint64_t f = R32(c + C_DF);
	R32(c + C_DFSELECT) = 1;
	return f | (uint64_t)R32(c + C_DF) << 32;
}

static void set_features(struct uk_virtio_dev *d, uint64_t f)
{
	uint64_t c = P(d)->common;
	R32(c + C_GFSELECT) = 0;
	R32(c + C_GF) = (uint32_t)f;
	R32(c + C_GFSELECT) = 1;
	R32(c + C_GF) = (uint32_t)(f >> 32);
}

static uint8_t get_status(struct uk_virtio_dev *d)
{
	return R8(P(d)->common + C_STATUS);
}

static void set_status(struct uk_virtio_dev *d, uint8_t s)
{
	R8(P(d)->common + C_STATUS) = s;
}

static unsigned queue_max(struct uk_virtio_dev *d, unsigned i)
{
	uint64_t c = P(d)->common;
	R16(c + C_Q_SELECT) = (uint16_t)i;
	return R16(c + C_Q_SIZE);
}

static void w64(uint64_t a, uint64_t v)
{
	R32(a) = (uint32_t)v;
	R32(a + 4) = (uint32_t)(v >> 32);
}

static int queue_enable(struct uk_virtio_dev *d, struct uk_virtq *q)
{
	uint64_t c = P(d)->common;
	R16(c + C_Q_SELECT) = (uint16_t)q->index;
	R16(c + C_Q_SIZE) = (uint16_t)q->num;
	R16(c + C_Q_MSIX) = P(d)->msix ? 0 : NO_VECTOR;
	if (q->index >= P(d)->nq)
		P(d)->nq = (uint16_t)(q->index + 1);
	w64(c + C_Q_DESC, (uint64_t)q->desc);
	w64(c + C_Q_DRIVER, (uint64_t)q->avail);
	w64(c + C_Q_DEVICE, (uint64_t)q->used);
	q->notify_off = R16(c + C_Q_NOFF);
	R16(c + C_Q_ENABLE) = 1;
	return 0;
}

static void notify(struct uk_virtio_dev *d, struct uk_virtq *q)
{
	R16(P(d)->notify + (uint64_t)q->notify_off * P(d)->notify_mul) = (uint16_t)q->index;
}

static void config(struct uk_virtio_dev *d, unsigned off, void *buf, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		((uint8_t *)buf)[i] = R8(P(d)->device + off + i);
}

static unsigned isr(struct uk_virtio_dev *d)
{
	return R8(P(d)->isr); /* reading acknowledges */
}

/* uk_irq_register and uk_irq_register_msi (arch/x86_64/irq.h), when the
 * image has them */
int uk_irq_register(unsigned gsi, unsigned flags, void (*fn)(void *arg), void *arg)
	__attribute__((weak));
int uk_irq_register_msi(void (*fn)(void *arg), void *arg, uint64_t *addr, uint32_t *data)
	__attribute__((weak));

static void on_irq(void *arg)
{
	isr(arg);
}

/* INTx: on q35 a root-bus device's INTA-INTD reach the IOAPIC as PIRQA-D,
 * GSIs 16-19 (the line in the configuration space is the firmware's PIC
 * routing, which the IOAPIC does not see). Taken on the edge: reading the
 * ISR lowers the line, the next completion raises it again. */
__uk_cold static int intx(struct pci *p)
{
	unsigned pin = cfg8(p->bdf, 0x3d);
	return pin && pin <= 4 && uk_irq_register && !uk_irq_register(16 + pin - 1, 0, on_irq, &p->dev)
		       ? 0
		       : -1;
}

static uint64_t bar_addr(unsigned bdf, unsigned bar, uint32_t off, uint32_t len);

/* MSI-X: entry 0 of the device's table holds the message, every queue
 * names vector 0 (no vector for configuration changes); the function's
 * INTx is off while MSI-X is on. A queue the device cannot give the vector
 * (it reads back NO_VECTOR) turns MSI-X off again. */
__uk_cold static int msix(struct pci *p)
{
	unsigned cap = p->msix_cap;
	if (!cap || !uk_irq_register_msi)
		return -1;
	uint32_t where = cfg32(p->bdf, cap + 4);
	uint64_t table = bar_addr(p->bdf, where & 7, where & ~7u, 16);
	uint64_t addr;
	uint32_t data;
	if (!table || uk_irq_register_msi(0, 0, &addr, &data))
		return -1;
	R32(table) = (uint32_t)addr;
	R32(table + 4) = (uint32_t)(addr >> 32);
	R32(table + 8) = data;
	R32(table + 12) = 0; /* unmasked */
	uint32_t ctl = cfg32(p->bdf, cap) & ~((uint32_t)MSIX_MASKALL << 16);
	cfg_w32(p->bdf, cap, ctl | (uint32_t)MSIX_ENABLE << 16);
	uint64_t c = p->common;
	R16(c + C_MSIX) = NO_VECTOR;
	p->msix = 1;
	for (unsigned i = 0; i < p->nq; i++) {
		R16(c + C_Q_SELECT) = (uint16_t)i;
		R16(c + C_Q_MSIX) = 0;
		if (R16(c + C_Q_MSIX) != 0)
			p->msix = 0;
	}
	if (!p->msix) {
		for (unsigned i = 0; i < p->nq; i++) {
			R16(c + C_Q_SELECT) = (uint16_t)i;
			R16(c + C_Q_MSIX) = NO_VECTOR;
		}
		cfg_w32(p->bdf, cap, ctl & ~((uint32_t)MSIX_ENABLE << 16));
		return -1; /* its vector stays taken, unused */
	}
	return 0;
}

__uk_cold static int irq(struct uk_virtio_dev *d)
{
	struct pci *p = P(d);
	if (p->irq > 0) {
		p->irq = msix(p) && intx(p) ? -1 : 0;
		if (uk_opt.verbose)
			uk_printk("uk: virtio-pci at 00:%02x.%u: %s\n", p->bdf >> 3, p->bdf & 7,
				  p->msix ? "MSI-X" : p->irq ? "polled" : "INTx");
	}
	return p->irq;
}

static const struct uk_virtio_ops pci_ops = {
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

/* The address of BAR bar plus off, its pages mapped; 0 if unassigned. */
__uk_cold static uint64_t bar_addr(unsigned bdf, unsigned bar, uint32_t off, uint32_t len)
{
	if (bar > 5)
		return 0;
	uint32_t lo = cfg32(bdf, 0x10 + 4 * bar);
	if (lo & 1)
		return 0; /* I/O space: the modern interface is memory */
	uint64_t a = lo & ~0xfull;
	if (((lo >> 1) & 3) == 2 && bar < 5)
		a |= (uint64_t)cfg32(bdf, 0x14 + 4 * bar) << 32;
	if (!a)
		return 0;
	for (uint64_t p = ALIGN_DOWN(a + off, PAGE_SIZE); p < a + off + len; p += PAGE_SIZE)
		uk_paging_map_mmio(p);
	return a + off;
}

__uk_cold static void one(unsigned bdf, void (*add)(struct uk_virtio_dev *d))
{
	uint32_t id = cfg32(bdf, 0);
	unsigned device = id >> 16, type;
	if ((id & 0xffff) != VENDOR_VIRTIO || device < 0x1000 || device > 0x107f ||
	    ndevs == MAX_DEVICES)
		return;
	/* transitional devices say their type in the subsystem id */
	type = device >= 0x1040 ? device - 0x1040 : cfg32(bdf, 0x2c) >> 16;
	if (!(cfg32(bdf, 0x04) & (0x10u << 16)))
		return; /* no capability list */
	struct pci *p = &devs[ndevs];
	uk_memset(p, 0, sizeof(*p));
	unsigned cap = cfg8(bdf, 0x34) & 0xfc;
	for (unsigned guard = 0; cap && guard < 48; guard++) {
		if (cfg8(bdf, cap) == CAP_MSIX)
			p->msix_cap = (uint8_t)cap;
		if (cfg8(bdf, cap) == CAP_VENDOR) {
			unsigned kind = cfg8(bdf, cap + 3), bar = cfg8(bdf, cap + 4);
			uint32_t off = cfg32(bdf, cap + 8), len = cfg32(bdf, cap + 12);
			uint64_t *where = kind == CAP_COMMON   ? &p->common
					  : kind == CAP_NOTIFY ? &p->notify
					  : kind == CAP_ISR    ? &p->isr
					  : kind == CAP_DEVICE ? &p->device : 0;
			if (where && !*where && len)
				*where = bar_addr(bdf, bar, off, len);
			if (kind == CAP_NOTIFY)
				p->notify_mul = cfg32(bdf, cap + 16);
		}
		cap = cfg8(bdf, cap + 1) & 0xfc;
	}
	if (!p->common || !p->notify || !p->isr)
		return;
	cfg_w32(bdf, 0x04, (cfg32(bdf, 0x04) & 0xffff) | 0x6); /* memory space, bus master */
	p->dev.ops = &pci_ops;
	p->dev.id = type;
	p->bdf = bdf;
	p->irq = 1;
	ndevs++;
	if (uk_opt.verbose)
		uk_printk("uk: virtio-pci at 00:%02x.%u: device %u\n", bdf >> 3, bdf & 7, type);
	add(&p->dev);
}

__uk_cold void uk_virtio_pci_probe(void (*add)(struct uk_virtio_dev *d))
{
	outl(0xcf8, 0x80000000u);
	if (inl(0xcf8) != 0x80000000u)
		return; /* no configuration mechanism #1 */
	for (unsigned dev = 0; dev < 32; dev++)
		for (unsigned fn = 0; fn < 8; fn++) {
			unsigned bdf = dev << 3 | fn;
			if ((cfg32(bdf, 0) & 0xffff) == 0xffff) {
				if (!fn)
					break;
				continue;
			}
			one(bdf, add);
			if (!fn && !(cfg8(bdf, 0x0e) & 0x80))
				break; /* not multi-function */
		}
}
