/* vmm: the QEMU command line and the exit-status decoding. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "vmm/vmm.h"

static int has_pair(char **argv, const char *a, const char *b)
{
	for (char **p = argv; p[0] && p[1]; p++)
		if (!strcmp(p[0], a) && !strcmp(p[1], b))
			return 1;
	return 0;
}

static void t_argv_kernel_kvm(void)
{
	struct uk_vm_opts o = { .image = "img", .memory = 64ull << 20, .accel = UK_ACCEL_KVM,
				.cmdline = "uk.name=x -- a", .qemu = "qemu-x" };
	char **v = uk_vm_argv(&o, "/tmp/st", "/tmp/q");

	CHECK_EQ_STR(v[0], "qemu-x");
	CHECK(has_pair(v, "-M", "microvm"));
	CHECK(has_pair(v, "-accel", "kvm"));
	CHECK(has_pair(v, "-m", "64M"));
	for (char **p = v; *p; p++) /* KVM: QEMU's own RAM, in 2 MiB pages */
		CHECK(strcmp(*p, "-object") != 0);
	CHECK(has_pair(v, "-kernel", "img"));
	CHECK(has_pair(v, "-append", "uk.name=x -- a"));
	CHECK(has_pair(v, "-debugcon", "file:/tmp/st"));
	CHECK(has_pair(v, "-device", "isa-debug-exit,iobase=0xf4,iosize=4"));
	CHECK(has_pair(v, "-serial", "stdio"));
	CHECK(has_pair(v, "-qmp", "unix:/tmp/q,server=on,wait=off"));
	uk_vm_argv_free(v);
}

static void t_argv_disk_tcg_odd_memory(void)
{
	struct uk_vm_opts o = { .image = "d.img", .is_disk = 1, .memory = 3 * 1024 * 1024 + 512,
				.accel = UK_ACCEL_TCG, .qemu = "q" };
	char **v = uk_vm_argv(&o, NULL, NULL);

	/* TCG: the RAM a memfd (4 KiB pages), sized as QEMU rounds -m (8 KiB) */
	CHECK(has_pair(v, "-M", "q35,memory-backend=" UK_VM_RAM_ID));
	CHECK(has_pair(v, "-accel", "tcg"));
	CHECK(has_pair(v, "-m", "3080K"));
	CHECK(has_pair(v, "-object", "memory-backend-memfd,id=" UK_VM_RAM_ID ",size=3080K"));
	for (char **p = v; *p; p++)
		CHECK(strcmp(*p, "-kernel") != 0 && strcmp(*p, "-debugcon") != 0);
	uk_vm_argv_free(v);
}

static void t_decode_with_debugcon(void)
{
	struct uk_vm_result r = { 0 };
	unsigned char b = 200;

	/* QEMU's code keeps 7 bits: (200 << 1 | 1) & 0xff = 145. */
	uk_vm_decode_exit(145, &b, 1, &r);
	CHECK(r.exited);
	CHECK_EQ_INT(r.status, 200);
}

static void t_decode_zero_needs_debugcon(void)
{
	struct uk_vm_result r = { 0 };
	unsigned char b = 0;

	uk_vm_decode_exit(1, NULL, 0, &r);
	CHECK(!r.exited); /* QEMU's own failure also exits 1 */
	uk_vm_decode_exit(1, &b, 1, &r);
	CHECK(r.exited);
	CHECK_EQ_INT(r.status, 0);
}

static void t_decode_without_debugcon(void)
{
	struct uk_vm_result r = { 0 };

	uk_vm_decode_exit(7, NULL, 0, &r);
	CHECK(r.exited);
	CHECK_EQ_INT(r.status, 3);
	uk_vm_decode_exit(0, NULL, 0, &r);
	CHECK(!r.exited);
	uk_vm_decode_exit(2, NULL, 0, &r);
	CHECK(!r.exited);
}

/* The relay doubles its escape byte and nothing else. */
static void t_relay_escape(void)
{
	const unsigned char in[] = { 'a', 0xff, 0, 4, 0xff, 0xff, 'z' };
	const unsigned char want[] = { 'a', 0xff, 0xff, 0, 4, 0xff, 0xff, 0xff, 0xff, 'z' };
	unsigned char out[2 * sizeof(in)];

	CHECK_EQ_INT((int)uk_vm_relay_escape(in, sizeof(in), out), (int)sizeof(want));
	CHECK(memcmp(out, want, sizeof(want)) == 0);
	CHECK_EQ_INT((int)uk_vm_relay_escape(in, 0, out), 0);
}

/* The tests run with no terminal and stdin from /dev/null. */
static void t_console_cmdline(void)
{
	char *s = uk_vm_console_cmdline("uk.name=x -- a", 1);

	CHECK(strncmp(s, "uk.tty=", 7) == 0);
	CHECK(strstr(s, " uk.relay uk.name=x -- a") != NULL);
	free(s);
	s = uk_vm_console_cmdline(NULL, 1);
	CHECK(strstr(s, "uk.relay") != NULL && s[strlen(s) - 1] != ' ');
	free(s);
}

/* uk run -p's forms, [HOSTIP:]HOSTPORT:GUESTPORT[/udp], repeatable: one
 * hostfwd each, in order */
static void t_port_specs(void)
{
	struct uk_vm_port ports[3];
	const char *why = NULL;
	CHECK(uk_vm_port_parse("10.1.2.3:5353:53/udp", &ports[0], &why) == 0);
	CHECK(strcmp(ports[0].host_ip, "10.1.2.3") == 0 && ports[0].host_port == 5353 &&
	      ports[0].guest_port == 53 && ports[0].udp);
	CHECK(uk_vm_port_parse("8080:80/tcp", &ports[1], &why) == 0 && !ports[1].udp);
	CHECK(uk_vm_port_parse("0.0.0.0:443:8443", &ports[2], &why) == 0);
	struct uk_vm_opts o = {.net = 1, .ports = ports, .nports = 3};
	char *nd = uk_vm_netdev(&o);
	CHECK(strcmp(nd, "user,id=" UK_VM_NETDEV_ID ",hostfwd=udp:10.1.2.3:5353-:53"
			 ",hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=tcp:0.0.0.0:443-:8443") == 0);
	free(nd);
	struct uk_vm_port p;
	const char *bad[] = {"80", "0:80", "8080:65536", "8080:80/sctp", "localhost:8080:80",
			     "1.2.3:8080:80", ":80", "8080:", "a:b:8080:80"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		CHECK(uk_vm_port_parse(bad[i], &p, &why) != 0 && why != NULL);
	}
}

static void t_argv_net_user_and_tap(void)
{
	struct uk_vm_port ports[1];
	const char *why;
	CHECK(uk_vm_port_parse("8080:80", &ports[0], &why) == 0);
	struct uk_vm_opts o = { .image = "img", .memory = 64ull << 20, .accel = UK_ACCEL_TCG,
				.qemu = "q", .net = 1, .ports = ports, .nports = 1 };
	char **v = uk_vm_argv(&o, NULL, NULL);
	CHECK(has_pair(v, "-netdev", "user,id=" UK_VM_NETDEV_ID
				     ",hostfwd=tcp:127.0.0.1:8080-:80"));
	CHECK(has_pair(v, "-device", "virtio-net-device,netdev=" UK_VM_NETDEV_ID));
	uk_vm_argv_free(v);

	o.tap = "uktap0";
	o.nports = 0;
	v = uk_vm_argv(&o, NULL, NULL);
	CHECK(has_pair(v, "-netdev", "tap,id=" UK_VM_NETDEV_ID
				     ",ifname=uktap0,script=no,downscript=no"));
	CHECK(has_pair(v, "-device", "virtio-net-device,netdev=" UK_VM_NETDEV_ID));
	uk_vm_argv_free(v);

	CHECK(uk_vm_tap_name_ok("tap0") == 0);
	CHECK(uk_vm_tap_name_ok("a23456789012345") == 0);
	CHECK(uk_vm_tap_name_ok("a234567890123456") != 0);
	CHECK(uk_vm_tap_name_ok("") != 0);
	CHECK(uk_vm_tap_name_ok("a,b") != 0);
	CHECK(uk_vm_tap_name_ok("a/b") != 0);
	CHECK(uk_vm_tap_name_ok("a b") != 0);
}

int main(void)
{
	RUN(t_port_specs);
	RUN(t_argv_net_user_and_tap);
	RUN(t_relay_escape);
	RUN(t_console_cmdline);
	RUN(t_argv_kernel_kvm);
	RUN(t_argv_disk_tcg_odd_memory);
	RUN(t_decode_with_debugcon);
	RUN(t_decode_zero_needs_debugcon);
	RUN(t_decode_without_debugcon);
	return check_done();
}
