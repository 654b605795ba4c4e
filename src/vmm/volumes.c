/* `uk run -v`: host folders as QEMU virtio-9p devices. security_model=none
 * makes QEMU, running as this user, create and change files as this user
 * with the modes the guest asks for, so the folder holds plain files the
 * host can use directly (mapped-xattr would hide the guest's modes and
 * owners in extended attributes, which not every file system keeps).
 * The guest runs as root; what this user may not do (chown) is not done. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/vmm.h"

char *uk_vm_volume_fsdev(const struct uk_vm_volume *v, size_t i)
{
	char *path = uk_vm_qemu_escape(v->host), *s;

	if (asprintf(&s, "local,id=ukfs%zu,path=%s,security_model=none%s", i, path,
		     v->ro ? ",readonly=on" : "") < 0)
		abort();
	free(path);
	return s;
}

char *uk_vm_volume_device(const struct uk_vm_volume *v, size_t i, int pci)
{
	char *s;

	(void)v;
	if (asprintf(&s, "%s,fsdev=ukfs%zu,mount_tag=" UK_VM_VOLUME_TAG "%zu",
		     pci ? "virtio-9p-pci" : "virtio-9p-device", i, i) < 0)
		abort();
	return s;
}
