/* Ending the VM with a status (uk/exit.h): debugcon byte, isa-debug-exit,
 * and if neither ends us, halt with interrupts off. Never a reset. */
#include <uk/exit.h>

#include "cpu.h"
#include "kernel.h"

void uk_plat_exit(int status)
{
	uint8_t n = (uint8_t)status;
	outb(UK_EXIT_DEBUGCON_PORT, n);
	outb(UK_EXIT_PORT, n);
	cpu_halt_forever();
}
