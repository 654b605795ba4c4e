/* The guest's console as uk run sets it up: the runtime is told which of
 * our descriptors 0-2 are terminals (uk.tty=) and the terminal's size
 * (uk.winsize=); a standard input that is not a terminal goes to QEMU
 * through the relay, a child process that escapes it and ends it with
 * the end-of-file mark (uk.relay). The protocol's guest side is
 * runtime/include/uk/cmdline.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The relay's own process: until our input ends or QEMU goes away. */
static void relay(int in, int out)
{
	static const unsigned char start[] = { RELAY_ESC, RELAY_SYNC, RELAY_ESC, RELAY_SYNC };
	static const unsigned char end[] = { RELAY_ESC, RELAY_EOF };
	unsigned char buf[4096], esc[2 * sizeof(buf)];
	ssize_t n;

	/* two marks: resetting the UART's FIFO may drop the first byte */
	if (write_all(out, start, sizeof(start)) != 0)
		_exit(0);
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (write_all(out, esc, uk_vm_relay_escape(buf, (size_t)n, esc)) != 0)
			_exit(0);
	}
	write_all(out, end, sizeof(end));
	_exit(0);
}

int uk_vm_relay_start(int stdin_null, const sigset_t *mask, int *qemu_stdin)
{
	int p[2];
	pid_t pid;

	if (pipe(p) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int in = stdin_null ? open("/dev/null", O_RDONLY) : 0;

		sigprocmask(SIG_SETMASK, mask, NULL);
		signal(SIGPIPE, SIG_DFL);
		close(p[0]);
		relay(in < 0 ? 0 : in, p[1]);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	*qemu_stdin = p[0];
	return pid;
}
