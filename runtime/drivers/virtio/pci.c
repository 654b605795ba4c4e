/* virtio-pci: not yet (q35 volumes). */
#include "virtio.h"

__uk_cold void uk_virtio_pci_probe(void (*add)(struct uk_virtio_dev *d))
{
	(void)add;
}
