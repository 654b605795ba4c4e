/* The QEMU command line for an image: microvm for PVH ELF kernels, q35 for
 * disks; a serial console on stdio; the exit devices of the guest protocol. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/vmm.h"

struct argv_builder {
	char **v;
	size_t n, cap;
};

static void push(struct argv_builder *b, const char *s)
{
	if (b->n + 2 > b->cap) {
		b->cap = b->cap ? b->cap * 2 : 32;
		b->v = realloc(b->v, b->cap * sizeof(*b->v));
		if (!b->v)
			abort();
	}
	b->v[b->n++] = strdup(s);
	b->v[b->n] = NULL;
}

/* QEMU reads "-drive file=X,...", "-qmp unix:X,..." and the like as
 * option lists, where a comma in X starts another option unless doubled:
 * a path under "a,b/" would otherwise add options of its own. */
char *uk_vm_qemu_escape(const char *s)
{
	char *out = malloc(2 * strlen(s) + 1), *p = out;

	if (!out)
		abort();
	for (; *s; s++) {
		*p++ = *s;
		if (*s == ',')
			*p++ = ',';
	}
	*p = '\0';
	return out;
}

/* fmt with one %s, filled with the path a escaped for QEMU */
static void pushf(struct argv_builder *b, const char *fmt, const char *a)
{
	char *s, *e = uk_vm_qemu_escape(a);

	if (asprintf(&s, fmt, e) < 0)
		abort();
	free(e);
	push(b, s);
	free(s);
}

char **uk_vm_argv(const struct uk_vm_opts *o, const char *status_path,
		  const char *qmp_path)
{
	struct argv_builder b = { 0 };
	const char *qemu = o->qemu ? o->qemu : getenv("UK_QEMU");
	char mem[32], machine[64];

	push(&b, qemu && qemu[0] ? qemu : "qemu-system-x86_64");
	push(&b, "-M");
	/* microvm lists virtio-mmio devices on the kernel command line only
	 * without ACPI. Under TCG the guest's RAM is a memfd, so in 4 KiB
	 * pages: QEMU asks for 2 MiB pages for its own RAM, and each first
	 * write into one cost a boot 240 us, at times 5 ms when the host
	 * compacted memory for it (hello: 3% faster taken turns with the old
	 * way, 12% back to back when the host compacted often, and no slow
	 * boots); TCG's software TLB gains nothing from them. KVM keeps them:
	 * a guest's own page walks do. */
	snprintf(machine, sizeof(machine), "%s%s",
		 o->is_disk		 ? "q35"
		 : o->nvolumes || o->net ? "microvm,acpi=off"
					 : "microvm",
		 o->accel == UK_ACCEL_KVM ? "" : ",memory-backend=" UK_VM_RAM_ID);
	push(&b, machine);
	push(&b, "-accel");
	push(&b, o->accel == UK_ACCEL_KVM ? "kvm" : "tcg");
	push(&b, "-cpu");
	/* KVM passes the host CPU through, less the IA32_ARCH_CAPABILITIES MSR
	 * that nested hypervisors often refuse to set (QEMU then aborts); TCG's
	 * "max" gives SSE4, XSAVE and RDRAND. */
	push(&b, o->accel == UK_ACCEL_KVM ? "host,-arch-capabilities" : "max");
	/* QEMU wants a whole number of KiB, M when it divides; it rounds -m
	 * up to 8 KiB, which a memfd's size must then match. */
	uint64_t memory = o->accel == UK_ACCEL_KVM ? o->memory : (o->memory + 8191) & ~8191ull;
	if (memory % (1024 * 1024) == 0)
		snprintf(mem, sizeof(mem), "%" PRIu64 "M", memory >> 20);
	else
		snprintf(mem, sizeof(mem), "%" PRIu64 "K", (memory + 1023) >> 10);
	push(&b, "-m");
	push(&b, mem);
	if (o->accel != UK_ACCEL_KVM) {
		char ram[80];

		snprintf(ram, sizeof(ram), "memory-backend-memfd,id=" UK_VM_RAM_ID ",size=%s", mem);
		push(&b, "-object");
		push(&b, ram);
	}
	push(&b, "-nodefaults");
	push(&b, "-no-user-config");
	push(&b, "-display");
	push(&b, "none");
	push(&b, "-no-reboot");
	push(&b, "-serial");
	push(&b, "stdio");
	push(&b, "-device");
	push(&b, "isa-debug-exit,iobase=0xf4,iosize=4");
	if (status_path) {
		push(&b, "-debugcon");
		pushf(&b, "file:%s", status_path);
	}
	if (qmp_path) {
		push(&b, "-qmp");
		pushf(&b, "unix:%s,server=on,wait=off", qmp_path);
	}
	if (o->gdb_port) {
		char gdb[40];

		snprintf(gdb, sizeof(gdb), "tcp:127.0.0.1:%u", o->gdb_port);
		push(&b, "-gdb");
		push(&b, gdb);
		push(&b, "-S");
	}
	if (o->is_disk) {
		push(&b, "-drive");
		pushf(&b, "file=%s,format=raw,if=virtio,readonly=on", o->image);
	} else {
		push(&b, "-kernel");
		push(&b, o->image);
		if (o->cmdline && o->cmdline[0]) {
			push(&b, "-append");
			push(&b, o->cmdline);
		}
	}
	for (size_t i = 0; i < o->nvolumes; i++) {
		char *fsdev = uk_vm_volume_fsdev(&o->volumes[i], i);
		char *dev = uk_vm_volume_device(&o->volumes[i], i, o->is_disk);

		push(&b, "-fsdev");
		push(&b, fsdev);
		push(&b, "-device");
		push(&b, dev);
		free(fsdev);
		free(dev);
	}
	if (o->net) {
		char *netdev = uk_vm_netdev(o);

		push(&b, "-netdev");
		push(&b, netdev);
		push(&b, "-device");
		push(&b, o->is_disk ? "virtio-net-pci,netdev=" UK_VM_NETDEV_ID
				    : "virtio-net-device,netdev=" UK_VM_NETDEV_ID);
		free(netdev);
	}
	return b.v;
}

void uk_vm_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}
