/* The virtio devices found (virtio.h) and the start-up handshake every
 * driver goes through (virtio 1.x, 3.1.1). */
#include "virtio.h"

static struct uk_virtio_dev *devices;
static int probed;

__attribute__((weak)) void uk_virtio_mmio_probe(void (*add)(struct uk_virtio_dev *d));
__attribute__((weak)) void uk_virtio_pci_probe(void (*add)(struct uk_virtio_dev *d));

__uk_cold static void add(struct uk_virtio_dev *d)
{
	struct uk_virtio_dev **pp = &devices;
	while (*pp)
		pp = &(*pp)->next;
	d->next = 0;
	*pp = d;
}

__uk_cold struct uk_virtio_dev *uk_virtio_find(uint32_t id, struct uk_virtio_dev *prev)
{
	if (!probed) {
		probed = 1;
		if (uk_virtio_mmio_probe)
			uk_virtio_mmio_probe(add);
		if (!devices && uk_virtio_pci_probe)
			uk_virtio_pci_probe(add);
	}
	for (struct uk_virtio_dev *d = prev ? prev->next : devices; d; d = d->next)
		if (d->id == id)
			return d;
	return 0;
}

__uk_cold int uk_virtio_start(struct uk_virtio_dev *d, uint64_t want, uint64_t *got)
{
	d->ops->set_status(d, 0); /* reset */
	for (unsigned i = 0; i < 1000 && d->ops->get_status(d); i++)
		__asm__ volatile("pause");
	d->ops->set_status(d, UK_VIRTIO_S_ACK);
	d->ops->set_status(d, UK_VIRTIO_S_ACK | UK_VIRTIO_S_DRIVER);
	uint64_t offer = d->ops->features(d);
	if (!d->legacy)
		want |= UK_VIRTIO_F_VERSION_1;
	uint64_t f = offer & want;
	if (!d->legacy && !(f & UK_VIRTIO_F_VERSION_1)) {
		uk_virtio_fail(d);
		return -1;
	}
	d->ops->set_features(d, f);
	if (!d->legacy) {
		uint8_t s = UK_VIRTIO_S_ACK | UK_VIRTIO_S_DRIVER | UK_VIRTIO_S_FEATURES_OK;
		d->ops->set_status(d, s);
		if (!(d->ops->get_status(d) & UK_VIRTIO_S_FEATURES_OK)) {
			uk_virtio_fail(d);
			return -1;
		}
	}
	*got = f;
	d->claimed = 1;
	return 0;
}

__uk_cold void uk_virtio_ready(struct uk_virtio_dev *d)
{
	d->ops->set_status(d, (uint8_t)(d->ops->get_status(d) | UK_VIRTIO_S_DRIVER_OK));
}

__uk_cold void uk_virtio_fail(struct uk_virtio_dev *d)
{
	d->ops->set_status(d, (uint8_t)(d->ops->get_status(d) | UK_VIRTIO_S_FAILED));
}
