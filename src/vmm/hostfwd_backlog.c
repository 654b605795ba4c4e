/* QEMU's user network (libslirp) listens on each TCP host forward with a
 * backlog of 1, so when many clients connect at once (wrk -c200) the host
 * kernel's accept queue overflows and drops their handshakes: they wait
 * for a SYN retransmit (1 s, then 3 s) before the guest ever sees them.
 * listen() on a listening socket only changes its backlog, so uk run, as
 * QEMU's parent, takes a copy of each forward's socket from QEMU
 * (pidfd_getfd, Linux 5.6) and calls listen() on it with a Linux-sized
 * backlog. Best effort: without the system calls or the right to use them
 * QEMU keeps its own backlog, and the forward still works. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "vmm/vmm.h"

#define BACKLOG 4096 /* the kernel caps it at net.core.somaxconn */

/* 1 when fd is a listening TCP socket on one of o's forwards */
static int is_forward(int fd, const struct uk_vm_opts *o)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int v = 0;
	socklen_t vl = sizeof(v);
	struct stat st;

	if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode) ||
	    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl) != 0 || !v ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0 || sa.sin_family != AF_INET)
		return 0;
	for (size_t i = 0; i < o->nports; i++) {
		struct in_addr ip;

		if (!o->ports[i].udp && ntohs(sa.sin_port) == o->ports[i].host_port &&
		    inet_pton(AF_INET, o->ports[i].host_ip, &ip) == 1 &&
		    ip.s_addr == sa.sin_addr.s_addr)
			return 1;
	}
	return 0;
}

int uk_vm_widen_backlogs(pid_t qemu, const struct uk_vm_opts *o)
{
	char dir[64];
	struct dirent *e;
	DIR *d;
	int pidfd, n = 0;

	if (!o->nports)
		return 0;
	pidfd = (int)syscall(SYS_pidfd_open, qemu, 0);
	if (pidfd < 0)
		return 0;
	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)qemu);
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		char *end;
		long target = strtol(e->d_name, &end, 10);
		int fd;

		if (*end || end == e->d_name)
			continue;
		fd = (int)syscall(SYS_pidfd_getfd, pidfd, (int)target, 0);
		if (fd < 0)
			continue;
		if (is_forward(fd, o) && listen(fd, BACKLOG) == 0)
			n++;
		close(fd);
	}
	if (d)
		closedir(d);
	close(pidfd);
	return n;
}
