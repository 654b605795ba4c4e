/* The console's input side: where bytes come from and how they are
 * noticed. Input waits in the platform (the UART's FIFO) until a reader or
 * poll takes it: when it raises an interrupt the halted CPU wakes for it,
 * otherwise a poller looks every millisecond while someone waits.
 * Linked only into programs that read (runtime/link-if/console-in names
 * the C library's reading functions; uk_link_console_in is the anchor):
 * a program that only writes links none of it, nor the line discipline. */
#include <uk/cmdline.h>

#include "console.h"
#include "errno.h"
#include "syscall.h"
#include "wait.h"

const char uk_link_console_in = 1;

/* One input byte; under uk.relay, after its escapes are undone. */
static void receive(uint8_t c)
{
	if (uk_opt.relay) {
		if (uk_in.esc) {
			uk_in.esc = 0;
			if (c == UK_RELAY_SYNC)
				uk_in.synced = 1;
			if (c == UK_RELAY_EOF && uk_in.synced) {
				if (uk_in.tty)
					uk_tty_push();
				else
					uk_in.eof = 1;
			}
			if (c != UK_RELAY_ESC)
				return;
		} else if (c == UK_RELAY_ESC) {
			uk_in.esc = 1;
			return;
		}
		if (!uk_in.synced || uk_in.eof)
			return;
	}
	if (uk_in.tty)
		uk_tty_receive(c);
	else
		uk_in_put((char)c);
}

static void console_poll_input(void)
{
	uk_console_pull();
}

static struct uk_poller input_poller = {.poll = console_poll_input};

/* The first reader: where input is kept, and how it is noticed. */
__uk_cold static int start(void)
{
	if (!(uk_in.buf = uk_malloc(UK_IN_SIZE)))
		return 0;
	uk_in.started = 1;
	uk_in.synced = !uk_opt.relay;
	if (!uk_plat_console_input(uk_opt.relay))
		uk_poller_add(&input_poller);
	return 1;
}

void uk_console_pull(void)
{
	if (uk_in.pulling || (!uk_in.started && !start()))
		return;
	uk_in.pulling = 1;
	int c, got = 0;
	while (uk_in_used() < UK_IN_SIZE && (c = uk_plat_console_getc()) >= 0) {
		receive((uint8_t)c);
		got = 1;
	}
	if (got) { /* watchers (epoll) of either file */
		uk_file_notify(uk_console_in_file);
		uk_file_notify(uk_console_tty_file);
	}
	uk_in.pulling = 0;
}

long uk_console_in_read(struct uk_file *f, void *buf, size_t n, uint64_t off)
{
	(void)f, (void)off;
	uk_console_pull();
	size_t i = 0;
	for (char *s = buf; i < n && uk_in_used(); i++)
		s[i] = uk_in.buf[uk_in.head++ % UK_IN_SIZE];
	return i || !n || uk_in.eof ? (long)i : -EAGAIN;
}

unsigned uk_console_in_poll(struct uk_file *f)
{
	(void)f;
	uk_console_pull();
	return (uk_in_used() ? UK_POLLIN : 0) | (uk_in.eof ? UK_POLLHUP : 0);
}

