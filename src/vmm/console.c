/* The guest's console as uk run sets it up: the runtime is told which of
 * our descriptors 0-2 are terminals (uk.tty=) and the terminal's size
 * (uk.winsize=); a standard input that is not a terminal goes to QEMU
 * through the relay, a thread that escapes it and ends it with the
 * end-of-file mark (uk.relay); /dev/null needs no thread, only the marks. The protocol's guest side is
 * runtime/include/uk/cmdline.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "vmm/vmm.h"

#define RELAY_ESC  0xff
#define RELAY_EOF  0x00
#define RELAY_SYNC 0x01

size_t uk_vm_relay_escape(const unsigned char *in, size_t n, unsigned char *out)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		if (in[i] == RELAY_ESC)
			out[m++] = RELAY_ESC;
		out[m++] = in[i];
	}
	return m;
}

char *uk_vm_console_cmdline(const char *cmdline, int stdin_null)
{
	char tty[16] = "", size[48] = "", *line;
	struct winsize ws = { 0 };
	int relay = stdin_null || !isatty(0);

	for (int fd = 0; fd < 3; fd++) {
		if (fd == 0 && relay)
			continue;
		if (isatty(fd)) {
			snprintf(tty + strlen(tty), sizeof(tty) - strlen(tty), "%s%d", tty[0] ? "," : "", fd);
			if (!ws.ws_row && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
				snprintf(size, sizeof(size), " uk.winsize=%ux%u", ws.ws_row, ws.ws_col);
		}
	}
	if (asprintf(&line, "uk.tty=%s%s%s%s%s", tty, size, relay ? " uk.relay" : "",
		     cmdline && cmdline[0] ? " " : "", cmdline ? cmdline : "") < 0)
		abort();
	return line;
}

/* Waits until fd is ready for ev, or the relay is told to stop (0). */
static int ready(const struct uk_vm_relay *r, int fd, short ev)
{
	for (;;) {
		struct pollfd p[2] = { { fd, ev, 0 }, { r->stop, POLLIN, 0 } };

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		if (p[1].revents)
			return 0;
		if (p[0].revents)
			return 1;
	}
}

/* Writes to QEMU's pipe (non-blocking), unless told to stop: -1 then. */
static int write_all(const struct uk_vm_relay *r, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(r->out, p, n);

		if (w < 0 && errno == EAGAIN) {
			if (!ready(r, r->out, POLLOUT))
				return -1;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The relay's thread: our input, escaped, until it ends, QEMU goes away
 * or it is told to stop; then the end-of-file mark, and the pipe closed
 * (QEMU's EOF). It waits only in poll, so that stopping it needs no
 * pthread_cancel. */
static void *relay(void *arg)
{
	struct uk_vm_relay *r = arg;
	static const unsigned char end[] = { RELAY_ESC, RELAY_EOF };
	unsigned char buf[4096], esc[2 * sizeof(buf)];
	ssize_t n;

	while (ready(r, r->in, POLLIN) && (n = read(r->in, buf, sizeof(buf))) != 0) {
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0 || write_all(r, esc, uk_vm_relay_escape(buf, (size_t)n, esc)) != 0)
			break;
	}
	write_all(r, end, sizeof(end));
	return NULL;
}

/* Standard input is /dev/null: nothing to relay but the end. */
static int input_is_null(void)
{
	struct stat st;

	return fstat(0, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
	       minor(st.st_rdev) == 3;
}

int uk_vm_relay_start(int stdin_null, struct uk_vm_relay *r, int *qemu_stdin)
{
	/* two marks: resetting the UART's FIFO may drop the first byte */
	static const unsigned char start[] = { RELAY_ESC, RELAY_SYNC, RELAY_ESC, RELAY_SYNC };
	static const unsigned char end[] = { RELAY_ESC, RELAY_EOF };
	int p[2];

	r->running = 0;
	r->in = 0;
	r->out = r->stop = -1;
	*qemu_stdin = -1;
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	fcntl(p[0], F_SETFL, 0); /* QEMU's end blocks, as a terminal would */
	*qemu_stdin = p[0];
	r->out = p[1];
	/* the pipe is empty: these writes do not wait */
	write_all(r, start, sizeof(start));
	/* No input: the pipe holds all the relay would write; no thread. */
	if (stdin_null || input_is_null()) {
		write_all(r, end, sizeof(end));
		close(r->out);
		r->out = -1;
		return 0;
	}
	r->stop = eventfd(0, EFD_CLOEXEC);
	if (r->stop < 0 || uk_vm_thread_start(&r->th, relay, r) != 0) {
		uk_vm_relay_stop(r);
		close(p[0]);
		*qemu_stdin = -1;
		return -1;
	}
	r->running = 1;
	return 0;
}

void uk_vm_relay_stop(struct uk_vm_relay *r)
{
	if (r->running) {
		uint64_t one = 1;

		if (write(r->stop, &one, sizeof(one)) == sizeof(one))
			uk_vm_thread_end(r->th, 0);
		else
			uk_vm_thread_end(r->th, 1);
	}
	r->running = 0;
	if (r->stop >= 0)
		close(r->stop);
	if (r->out >= 0)
		close(r->out);
	r->out = r->stop = -1;
}
