#include "vmm/qmp.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Where the folder goes: the user's runtime folder or /dev/shm, both
 * memory file systems, before /tmp. On a disk's file system (ext4 with
 * discard here) making and removing it took half a millisecond of every
 * uk run, a twentieth of a short boot; on tmpfs, 40 us. A parent that
 * cannot take it (missing, not writable, a name too long for the folder
 * or the socket's path) is passed over. */
static int make_dir(struct uk_qmp *q)
{
	const char *parents[] = { getenv("XDG_RUNTIME_DIR"), "/dev/shm", "/tmp" };

	for (size_t i = 0; i < sizeof(parents) / sizeof(parents[0]); i++) {
		const char *p = parents[i];

		if (p && p[0] == '/' &&
		    (size_t)snprintf(q->dir, sizeof(q->dir), "%s/uk-qmp.XXXXXX", p) < sizeof(q->dir) &&
		    mkdtemp(q->dir))
			return 0;
	}
	q->dir[0] = '\0';
	return -1;
}

int uk_qmp_prepare(struct uk_qmp *q)
{
	memset(q, 0, sizeof(*q));
	q->fd = -1;
	if (make_dir(q) < 0)
		return -1;
	snprintf(q->path, sizeof(q->path), "%s/qmp", q->dir);
	return 0;
}

static void try_connect(struct uk_qmp *q)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", q->path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	q->fd = fd;
}

/* Consumes whole lines; returns 1 when one is a STOP event. */
static int scan_lines(struct uk_qmp *q)
{
	int stopped = 0;
	char *nl;

	while ((nl = memchr(q->buf, '\n', q->len))) {
		*nl = '\0';
		if (strstr(q->buf, "\"QMP\"") && !q->greeted) {
			/* Events flow only after the handshake; a guest stopped
			 * before it is found by asking for the status. */
			static const char hello[] = "{\"execute\":\"qmp_capabilities\"}\n"
						    "{\"execute\":\"query-status\"}\n";

			/* QEMU may be gone already: no SIGPIPE for that. */
			if (send(q->fd, hello, sizeof(hello) - 1, MSG_NOSIGNAL) ==
			    (ssize_t)sizeof(hello) - 1)
				q->greeted = 1;
		}
		if (strstr(q->buf, "\"event\": \"STOP\"") || strstr(q->buf, "\"event\":\"STOP\"") ||
		    strstr(q->buf, "\"status\": \"internal-error\"") ||
		    strstr(q->buf, "\"status\":\"internal-error\""))
			stopped = 1;
		q->len -= (unsigned)(nl + 1 - q->buf);
		memmove(q->buf, nl + 1, q->len);
	}
	if (q->len == sizeof(q->buf))
		q->len = 0; /* a line longer than we care about */
	return stopped;
}

int uk_qmp_poll(struct uk_qmp *q)
{
	if (q->fd < 0)
		try_connect(q);
	if (q->fd < 0)
		return 0;
	for (;;) {
		ssize_t n = read(q->fd, q->buf + q->len, sizeof(q->buf) - q->len);

		if (n > 0) {
			q->len += (unsigned)n;
			if (scan_lines(q))
				return 1;
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			close(q->fd);
			q->fd = -2; /* QEMU closed it: do not reconnect */
		}
		return 0;
	}
}

int uk_qmp_quit(struct uk_qmp *q)
{
	static const char quit[] = "{\"execute\":\"quit\"}\n";

	if (q->fd < 0 || !q->greeted)
		return -1;
	return send(q->fd, quit, sizeof(quit) - 1, MSG_NOSIGNAL) == (ssize_t)sizeof(quit) - 1 ? 0
												: -1;
}

void uk_qmp_close(struct uk_qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	if (q->path[0])
		unlink(q->path);
	if (q->dir[0])
		rmdir(q->dir);
}
