/* Exit protocol between the runtime and whoever runs the VM (uk run, tests).
 *
 * To end with status n (0..255) the runtime writes the byte n to I/O port
 * UK_EXIT_DEBUGCON_PORT (QEMU -debugcon; ignored when absent), then n to
 * UK_EXIT_PORT (QEMU -device isa-debug-exit,iobase=0xf4,iosize=4), which makes
 * QEMU exit with ((n << 1) | 1) & 0xff. A host decodes an odd QEMU status c
 * as c >> 1 (exact for 0..127) and takes the debugcon byte for the full
 * value. Without isa-debug-exit the CPU halts with interrupts off.
 * Crash statuses follow Linux shells: 128 + signal number. */
#ifndef UK_EXIT_H
#define UK_EXIT_H

#define UK_EXIT_DEBUGCON_PORT 0xe9
#define UK_EXIT_PORT          0xf4

#define UK_EXIT_PANIC   126 /* the runtime could not start the program */
#define UK_EXIT_SIGABRT 134 /* abort(), failed assert(): SIGABRT sent to self */
#define UK_EXIT_SIGSEGV 139 /* any CPU exception: NULL dereference, stack
			       overflow, invalid opcode, divide error, ... */
/* Any other signal the program sends itself (kill, raise): 128 + signal. */

#endif
