/* 16550 UART on COM1: the console of the kvm platform. Input raises IRQ 4
 * through the IOAPIC when there is one, else it is polled
 * (kernel/console.c). */
#include "console.h"
#include "cpu.h"
#include "irq.h"
#include "kernel.h"

#define COM1 0x3f8
#define UART_DATA 0
#define UART_IER  1
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define LSR_DATA  0x01
#define LSR_THRE  0x20
#define COM1_IRQ  4

static int uart_ready;

/* Deferred to the first use: each port access is a VM exit, and a program
 * that prints nothing should not pay for them at boot. */
__uk_cold static void uart_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x80); /* divisor latch: 115200 baud */
	outb(COM1 + UART_DATA, 0x01);
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x03); /* 8N1 */
	outb(COM1 + UART_MCR, 0x03);
	/* FCR untouched: changing the FIFO mode clears the FIFOs, and input may
	 * already be waiting in them */
	uart_ready = 1;
}

static void uart_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THRE))
		cpu_relax();
	outb(COM1 + UART_DATA, (uint8_t)c);
}

void uk_plat_console_write(const char *s, size_t n)
{
	if (!uart_ready)
		uart_init();
	/* Bytes go out as the program wrote them: "\n" stays "\n", so output
	 * piped from `uk run` is the program's own. On a terminal, QEMU keeps
	 * the tty's output processing, which adds the carriage return. */
	for (size_t i = 0; i < n; i++)
		uart_putc(s[i]);
}

/* Input is taken when it comes (the CPU is halted then, in uk_wait), so
 * that its watchers hear of it: epoll asks no file that told it nothing. */
static void uart_rx(void *arg)
{
	(void)arg;
	if (uk_console_pull) /* registered by the input side, which has it */
		uk_console_pull();
}

__uk_cold int uk_plat_console_input(int resync)
{
	if (!uart_ready)
		uart_init();
	/* FIFO on, both cleared, interrupt at 14 bytes (or after 4 quiet
	 * characters): QEMU hands over 14 bytes at a time instead of 1 */
	if (resync)
		outb(COM1 + UART_FCR, 0xc7);
	if (uk_irq_register(COM1_IRQ, 0, uart_rx, 0) != 0)
		return 0;
	outb(COM1 + UART_MCR, 0x0b); /* DTR, RTS, OUT2 (gates the IRQ line on a PC) */
	outb(COM1 + UART_IER, 0x01); /* received data available */
	return 1;
}

int uk_plat_console_getc(void)
{
	if (!uart_ready)
		uart_init();
	if (!(inb(COM1 + UART_LSR) & LSR_DATA))
		return -1;
	return inb(COM1 + UART_DATA);
}
