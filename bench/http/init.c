/* bench/http: /init of the Linux guest's initramfs (the baseline). Loads
 * the virtio modules named on its command line in order (each a file in
 * /modules, dependencies first) with the parameters the kernel's command
 * line gives them (QEMU's microvm names its devices there, as
 * virtio_mmio.device=..., which modprobe would pass on), gives eth0 the address QEMU's user network
 * expects of a static guest (10.0.2.15/24) and brings it up, then runs
 * /server, the http template's server built as a static musl program.
 * No shell, no busybox: what the uk image does at boot, and no more. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *const modules[] = {
	"virtio_ring", "virtio", "virtio_mmio", "virtio_pci_legacy_dev", "virtio_pci_modern_dev",
	"virtio_pci", "failover", "net_failover", "virtio_net",
};

static char cmdline[4096];

/* NAME's parameters from the kernel's command line: each NAME.P=V as P=V */
static void params_of(const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name), o = 0;

	for (char *w = cmdline; *w;) {
		size_t len = strcspn(w, " \n");

		if (len > nl + 1 && !strncmp(w, name, nl) && w[nl] == '.' && o + len - nl + 1 < cap) {
			memcpy(out + o, w + nl + 1, len - nl - 1);
			o += len - nl - 1;
			out[o++] = ' ';
		}
		w += len;
		w += strspn(w, " \n");
	}
	out[o] = '\0';
}

static int load(const char *name)
{
	char path[128], params[1024];
	int fd;
	long r;

	params_of(name, params, sizeof(params));

	snprintf(path, sizeof(path), "/modules/%s.ko", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(path);
		return -1;
	}
	r = syscall(SYS_finit_module, fd, params, 0);
	close(fd);
	if (r != 0)
		perror(path);
	return (int)r;
}

static int set_addr(int s, unsigned long req, const char *ip)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in *sa = (struct sockaddr_in *)&ifr.ifr_addr;

	strcpy(ifr.ifr_name, "eth0");
	sa->sin_family = AF_INET;
	inet_pton(AF_INET, ip, &sa->sin_addr);
	return ioctl(s, req, &ifr);
}

/* eth0 appears when virtio_net has probed the device; wait for it, bounded */
static int eth0_up(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = { 0 };

	strcpy(ifr.ifr_name, "eth0");
	for (int i = 0; ioctl(s, SIOCGIFFLAGS, &ifr) < 0; i++) {
		if (i == 500) {
			perror("eth0");
			return -1;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	if (set_addr(s, SIOCSIFADDR, "10.0.2.15") < 0 ||
	    set_addr(s, SIOCSIFNETMASK, "255.255.255.0") < 0) {
		perror("eth0 address");
		return -1;
	}
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
		perror("eth0 up");
		return -1;
	}
	close(s);
	return 0;
}

int main(void)
{
	char *argv[] = { "/server", NULL };
	char *envp[] = { "HTTP_ROOT=/www", "HTTP_STATS=1", NULL };
	int fd;
	ssize_t n;

	if (mount("proc", "/proc", "proc", 0, NULL) != 0 ||
	    (fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC)) < 0 ||
	    (n = read(fd, cmdline, sizeof(cmdline) - 1)) < 0) {
		perror("/proc/cmdline");
		return 1;
	}
	close(fd);
	cmdline[n] = '\0';

	for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)
		if (load(modules[i]) != 0)
			return 1;
	if (eth0_up() != 0)
		return 1;
	execve(argv[0], argv, envp);
	perror("/server");
	return 1;
}
