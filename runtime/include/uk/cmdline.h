/* Kernel command-line ABI between whoever boots an image (uk run, tests)
 * and the runtime; the syntax is in man/uk-runtime.7:
 *
 *   [uk.OPTION[=VALUE]]... [--] [ARG]...
 *
 * Words are separated by blanks; quotes group, a backslash escapes. Words
 * before UK_CMDLINE_END that start with UK_OPT_PREFIX are runtime options,
 * every other word is a program argument. argv[0] is the image name. */
#ifndef UK_CMDLINE_H
#define UK_CMDLINE_H

#define UK_OPT_PREFIX    "uk."
#define UK_CMDLINE_END   "--"

#define UK_OPT_NAME      "uk.name="      /* argv[0] and uname nodename */
#define UK_OPT_ENV       "uk.env="       /* KEY=VALUE, repeatable */
#define UK_OPT_STRACE    "uk.strace"     /* log every system call */
#define UK_OPT_BOOTSTATS "uk.bootstats"  /* print the line below */
#define UK_OPT_STACK     "uk.stack="     /* main stack size: N[K|M|G] */
#define UK_OPT_VERBOSE   "uk.verbose"    /* print the boot information */
/* no "uk: fork() is not supported" line (kernel/nosys.c) */
#define UK_OPT_ENOSYS_QUIET "uk.enosys=quiet"
/* A host folder over virtio-9p: TAG:GUESTPATH[:ro], repeatable; the
 * device whose mount tag is TAG is mounted at GUESTPATH. */
#define UK_OPT_VOLUME    "uk.volume="
/* The network (the uk-net component, runtime/net/stack.c): without
 * uk.net.ip= the address comes from DHCP. IP/PREFIX, gateway, name server
 * (repeatable; also /etc/resolv.conf). */
#define UK_OPT_NET       "uk.net."
#define UK_OPT_NET_IP    "uk.net.ip="
#define UK_OPT_NET_GW    "uk.net.gw="
#define UK_OPT_NET_DNS   "uk.net.dns="
/* Not an option: a virtio-mmio device, SIZE@ADDR:GSI, that QEMU microvm
 * (acpi=off) and Firecracker add to the command line. */
#define UK_VIRTIO_MMIO_WORD "virtio_mmio.device="
/* Which of descriptors 0, 1, 2 are terminals: "0,1,2", "1" or "" (none).
 * Without it all three are, without echo (QEMU started by hand). */
#define UK_OPT_TTY       "uk.tty="
#define UK_OPT_WINSIZE   "uk.winsize="   /* the terminal's ROWSxCOLS (default 24x80) */
#define UK_OPT_RELAY     "uk.relay"      /* console input comes through uk run's relay */

/* The relay (uk run, when its standard input is not a terminal): every
 * byte of input goes into the serial port as itself, but UK_RELAY_ESC
 * goes as ESC ESC; ESC SYNC starts the stream (the runtime drops what
 * came before it: resetting the UART's FIFO may eat a byte) and ESC EOF
 * is the end of file. The runtime decodes this only under uk.relay. */
#define UK_RELAY_ESC     0xff
#define UK_RELAY_EOF     0x00
#define UK_RELAY_SYNC    0x01

/* What uk.bootstats prints, exactly once, N in microseconds. */
#define UK_BOOTSTATS_FORMAT "bootstats: entry-to-main %lu us\n"

#endif
