/* Booting an image in QEMU: accelerator detection, the QEMU command line,
 * and the guest's exit status. Never prints; the caller shows notices. */
#ifndef UK_VMM_H
#define UK_VMM_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

enum uk_accel { UK_ACCEL_AUTO, UK_ACCEL_KVM, UK_ACCEL_TCG };

/* Guest exit protocol (runtime/include/uk/exit.h is the guest side): the
 * guest writes its status byte to the debugcon port, then to isa-debug-exit,
 * which makes QEMU exit with (status << 1) | 1. */
#define UK_VM_DEBUG_EXIT_IOBASE 0xf4

/* A host folder for the guest (uk run -v): virtio-9p device i has mount
 * tag UK_VM_VOLUME_TAG i; the guest's uk.volume= option says where it goes. */
#define UK_VM_VOLUME_TAG "ukvol"
struct uk_vm_volume {
	const char *host; /* an existing folder */
	int ro;
};
char *uk_vm_volume_fsdev(const struct uk_vm_volume *v, size_t i);
char *uk_vm_volume_device(const struct uk_vm_volume *v, size_t i, int pci);

/* A host forward (uk run -p [HOSTIP:]HOSTPORT:GUESTPORT[/udp]) on QEMU's
 * user network, whose netdev is UK_VM_NETDEV_ID (net.c). */
#define UK_VM_NETDEV_ID "uknet0"
/* The guest RAM object under TCG (a memfd: 4 KiB pages; qemu_argv.c) */
#define UK_VM_RAM_ID "ukram0"
struct uk_vm_port {
	char host_ip[16]; /* 127.0.0.1 unless given */
	unsigned host_port, guest_port;
	int udp;
};
int uk_vm_port_parse(const char *spec, struct uk_vm_port *p, const char **why);

struct uk_vm_opts {
	const char *image;   /* PVH ELF kernel, or a raw disk when is_disk */
	int is_disk;
	uint64_t memory;     /* bytes */
	enum uk_accel accel; /* UK_ACCEL_KVM or UK_ACCEL_TCG (resolve AUTO first) */
	const char *cmdline; /* kernel command line, may be NULL */
	unsigned timeout_s;  /* 0: none */
	const char *qemu;    /* NULL: $UK_QEMU or qemu-system-x86_64 */
	int stdin_null;      /* give the guest no input */
	const struct uk_vm_volume *volumes; /* virtio-9p devices (microvm: acpi=off) */
	size_t nvolumes;
	int net;             /* a virtio-net device on QEMU's user network */
	const char *tap;     /* ... or on this host's tap device (--net tap:IFNAME) */
	const struct uk_vm_port *ports; /* its host forwards (user network only) */
	size_t nports;
	/* told QEMU's command line before it starts (uk run --verbose) */
	void (*command)(void *ctx, char *const argv[]);
	void *command_ctx;
	unsigned gdb_port;   /* QEMU's gdb stub on 127.0.0.1:PORT, the VM held
			      * at its first instruction; 0: none */
	const char *debug_file; /* the image's .debug: frames of a crash
				 * report get file:line (symbolize.c) */
	/* when debug_file is missing: makes it, once, at a crash report's
	 * first frame, on the output's thread; 0 when made, else it has said
	 * why (the frames go out as they are). NULL: none is made. */
	int (*make_debug)(void *ctx);
	void *make_debug_ctx;
};
/* Raises the backlog of QEMU's listening sockets for o's TCP forwards
 * (libslirp's is 1) to Linux's usual; returns how many it raised, 0 when
 * it could not (hostfwd_backlog.c). */
int uk_vm_widen_backlogs(pid_t qemu, const struct uk_vm_opts *o);
/* The -netdev value for o's user network and forwards, or its tap
 * (caller frees). */
char *uk_vm_netdev(const struct uk_vm_opts *o);
/* --net tap:IFNAME's name: 0 if Linux would take it (1 to 15 bytes, no
 * '/', ',', ':' or space: QEMU's option syntax and IFNAMSIZ). */
int uk_vm_tap_name_ok(const char *name);

struct uk_vm_result {
	int status;      /* the guest's exit status (0..255) when exited */
	int exited;      /* the guest ended through the exit protocol */
	int timed_out;   /* stopped after timeout_s */
	int interrupted; /* stopped by SIGINT/SIGTERM */
	int stalled;     /* QEMU paused the guest by itself (internal error) */
	int qemu_status; /* QEMU's own exit status */
	double seconds;  /* wall time from spawn to exit */
};

/* 1 when /dev/kvm can create a VM; 0 with the reason in why otherwise. */
int uk_vm_kvm_usable(char *why, size_t len);
/* kvm_cache.c: the same answer, remembered in $UK_HOME/cache/kvm-probe
 * for as long as this boot and /dev/kvm's identity and permissions last. */
int uk_vm_kvm_usable_cached(char *why, size_t len);

/* The QEMU argument vector (NULL-terminated, caller frees with
 * uk_vm_argv_free). status_path receives the debugcon bytes; qmp_path, if
 * not NULL, is where QEMU listens for QMP. */
char **uk_vm_argv(const struct uk_vm_opts *o, const char *status_path,
		  const char *qmp_path);
void uk_vm_argv_free(char **argv);

/* Boots and waits. Returns 0 when QEMU ran (see res for how it ended), -1
 * when it could not be started or failed on its own (err says which; a
 * missing QEMU names the package to install). */
int uk_vm_run(const struct uk_vm_opts *o, struct uk_vm_result *res,
	      struct uk_error *err);

/* Decodes QEMU's exit status plus the debugcon bytes into res. */
void uk_vm_decode_exit(int qemu_status, const unsigned char *dbg, size_t ndbg,
		       struct uk_vm_result *res);

/* console.c: the guest's console. The runtime's options for our
 * descriptors (uk.tty=, uk.winsize=, uk.relay when standard input is not
 * a terminal or stdin_null) in front of cmdline; the caller frees it. */
char *uk_vm_console_cmdline(const char *cmdline, int stdin_null);
/* The relay of our standard input (none if stdin_null) to QEMU's:
 * *qemu_stdin is what QEMU reads instead (close-on-exec, for dup2).
 * A thread copies the input; an input that is /dev/null needs none. */
struct uk_vm_relay {
	pthread_t th;
	int running, in, out, stop; /* stop: an eventfd, readable to end it */
};
int uk_vm_relay_start(int stdin_null, struct uk_vm_relay *r, int *qemu_stdin);
/* Ends the relay (QEMU has gone). */
void uk_vm_relay_stop(struct uk_vm_relay *r);

/* io_thread.c: a thread with every signal blocked; 0 or -1. */
int uk_vm_thread_start(pthread_t *th, void *(*fn)(void *), void *arg);
/* Joins th, waiting up to seconds (0: as long as it takes); after that it
 * is detached, left running until the process ends, and 1 returned. */
int uk_vm_thread_end(pthread_t th, double seconds);
/* ESC doubled: out holds 2 * n bytes; returns how many it wrote. */
size_t uk_vm_relay_escape(const unsigned char *in, size_t n, unsigned char *out);

/* A temporary copy of a uk raw disk with another kernel command line
 * (*copy: its path, the caller unlinks and frees it). */
int uk_vm_disk_copy(const char *disk, const char *cmdline, char **copy,
		    struct uk_error *err);

/* Boots a xen image with `xl create -c IMAGE.xl.cfg`; *status is xl's exit
 * status. -1 with a hint on booting by hand when xl is not installed. */
int uk_vm_run_xl(const char *image, int *status, struct uk_error *err);

/* Starts the thread that copies QEMU's output (*qemu_stdout: the pipe's
 * write end for QEMU, close-on-exec) to ours, adding " at FILE:LINE" to
 * the frames of a crash report (lines "rip: 0x...", "  0x... <f+0x..>",
 * "  ? 0x...", "called from: 0x...") from debug_file, made by make (may be
 * NULL) when it is missing at the first frame; NULL if it cannot start. */
struct uk_vm_symbolizer *uk_vm_symbolizer_start(const char *debug_file,
						int (*make)(void *ctx), void *make_ctx,
						int *qemu_stdout);
/* Waits (up to 5 s) for it to pass all of QEMU's output on, then ends it. */
void uk_vm_symbolizer_end(struct uk_vm_symbolizer *s);
/* The annotation for one line of a report, or NULL (caller frees). */
char *uk_vm_symbolize_line(void *bfd, const char *line);

/* A value for one of QEMU's option lists ("-drive file=X,..."): commas
 * doubled, as QEMU requires (malloc'd). */
char *uk_vm_qemu_escape(const char *s);

#endif
