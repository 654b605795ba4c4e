#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmm/vmm.h"

/* /dev/kvm may exist yet be unusable (no permission, nested virtualization
 * off, another hypervisor holding VT-x): try what QEMU will do, create a VM. */
int uk_vm_kvm_usable(char *why, size_t len)
{
	int fd, vm, api;

	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "cannot open /dev/kvm: %s", strerror(errno));
		return 0;
	}
	api = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		snprintf(why, len, "/dev/kvm speaks API %d, not %d", api, KVM_API_VERSION);
		close(fd);
		return 0;
	}
	vm = ioctl(fd, KVM_CREATE_VM, 0);
	if (vm < 0) {
		snprintf(why, len, "/dev/kvm cannot create a VM: %s", strerror(errno));
		close(fd);
		return 0;
	}
	close(vm);
	close(fd);
	return 1;
}
