/* Is KVM usable for a uk guest? /dev/kvm can exist yet refuse (permissions,
 * nested virtualization off), and some hosts' KVM runs a guest's first
 * instructions but cannot run SSE or x87 code (kvm-pvm, which emulates such
 * instructions and gives up on them). So: create a VM and run a few guest
 * instructions that touch the SSE unit, exactly as a uk guest would. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm/vmm.h"

#define PROBE_MEM 0x10000
#define PROBE_CODE 0x1000
#define PROBE_PORT 0x10

/* 32-bit protected mode, flat: pxor %xmm0,%xmm0; fld1; out %al,$0x10; hlt */
static const unsigned char probe_code[] = {
	0x66, 0x0f, 0xef, 0xc0, 0xd9, 0xe8, 0xe6, PROBE_PORT, 0xf4,
};

static void flat_segment(struct kvm_segment *s, unsigned selector, unsigned type)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = (unsigned short)selector;
	s->type = (unsigned char)type;
	s->present = 1;
	s->s = 1;
	s->db = 1;
	s->g = 1;
}

/* Runs the probe in vm; returns 1 on success, 0 with why otherwise. */
static int run_probe(int kvm, int vm, char *why, size_t len)
{
	struct kvm_userspace_memory_region region = { 0 };
	struct kvm_sregs sregs;
	struct kvm_regs regs = { 0 };
	struct kvm_run *run = MAP_FAILED;
	unsigned char *mem;
	int vcpu = -1, ok = 0, size;

	mem = mmap(NULL, PROBE_MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		snprintf(why, len, "cannot map probe memory: %s", strerror(errno));
		return 0;
	}
	memcpy(mem + PROBE_CODE, probe_code, sizeof(probe_code));
	region.memory_size = PROBE_MEM;
	region.userspace_addr = (unsigned long)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0 ||
	    (vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0 ||
	    (size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0)) <= 0 ||
	    (run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0)) ==
		    MAP_FAILED ||
	    ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0) {
		snprintf(why, len, "/dev/kvm cannot set up a virtual CPU: %s", strerror(errno));
		goto out;
	}
	flat_segment(&sregs.cs, 8, 11);
	flat_segment(&sregs.ds, 16, 3);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.cr0 = 0x33;  /* PE, MP, ET, NE: the FPU on, no emulation */
	sregs.cr4 = 0x600; /* OSFXSR, OSXMMEXCPT: SSE on */
	regs.rip = PROBE_CODE;
	regs.rflags = 2;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0 || ioctl(vcpu, KVM_SET_REGS, &regs) < 0 ||
	    ioctl(vcpu, KVM_RUN, 0) < 0) {
		snprintf(why, len, "/dev/kvm cannot run a virtual CPU: %s", strerror(errno));
		goto out;
	}
	if (run->exit_reason == KVM_EXIT_IO && run->io.port == PROBE_PORT) {
		ok = 1;
	} else if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR) {
		snprintf(why, len, "this host's KVM cannot run SSE or x87 instructions in a "
				   "guest (internal error %u)",
			 run->internal.suberror);
	} else {
		snprintf(why, len, "a probe guest stopped unexpectedly under KVM (exit reason %u)",
			 run->exit_reason);
	}
out:
	if (run != MAP_FAILED)
		munmap(run, (size_t)size);
	if (vcpu >= 0)
		close(vcpu);
	munmap(mem, PROBE_MEM);
	return ok;
}

int uk_vm_kvm_usable(char *why, size_t len)
{
	int fd, vm, api, ok;

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
	ok = run_probe(fd, vm, why, len);
	close(vm);
	close(fd);
	return ok;
}
