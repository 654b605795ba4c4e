/* /proc/cpuinfo and /proc/meminfo: the lines programs parse are there, in
 * Linux's layout; /proc lists self and cpuinfo. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char buf[65536];

static long slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	long n = 0, r;
	while (n < (long)sizeof(buf) - 1 && (r = read(fd, buf + n, 100)) > 0) /* 100 at a time */
		n += r;
	close(fd);
	buf[n] = 0;
	return n;
}

/* the value of "name: value" lines, or 0 */
static const char *value(const char *name)
{
	static char v[256];
	for (const char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : 0) {
		size_t n = strlen(name);
		if (!strncmp(l, name, n) && (l[n] == ':' || l[n] == '\t' || l[n] == ' ')) {
			const char *c = strchr(l, ':');
			c += 2;
			size_t k = strcspn(c, "\n");
			if (k >= sizeof(v))
				k = sizeof(v) - 1;
			memcpy(v, c, k);
			v[k] = 0;
			return v;
		}
	}
	return 0;
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	printf("cpuinfo read: %d\n", slurp("/proc/cpuinfo") > 0);
	printf("starts with processor 0: %d\n", !strncmp(buf, "processor\t: 0\n", 14));
	const char *v = value("vendor_id");
	printf("vendor_id: %d\n", v && (!strcmp(v, "GenuineIntel") || !strcmp(v, "AuthenticAMD")));
	printf("model name: %d\n", value("model name") != 0);
	v = value("flags");
	printf("flags has fpu, sse2, lm: %d %d %d\n", v && strstr(v, "fpu ") == v, v && strstr(v, " sse2 ") != 0,
	       v && strstr(v, " lm ") != 0);
	printf("cpu family a number: %d\n", (v = value("cpu family")) && strspn(v, "0123456789") == strlen(v));

	printf("meminfo read: %d\n", slurp("/proc/meminfo") > 0);
	printf("first line MemTotal: %d\n", !strncmp(buf, "MemTotal:", 9));
	const char *names[] = {"MemTotal", "MemFree", "MemAvailable"};
	for (int i = 0; i < 3; i++) {
		v = value(names[i]);
		unsigned long kb = 0;
		char unit[8] = "";
		int got = v ? sscanf(v, "%lu %7s", &kb, unit) : 0;
		printf("%s: %d fields, kB %d, nonzero %d\n", names[i], got, !strcmp(unit, "kB"), kb > 0);
	}
	/* Linux pads the name to 16 columns and the number to 8 */
	const char *l = strstr(buf, "MemFree:");
	printf("MemFree's number ends at column 24: %d\n", l && l[23] >= '0' && l[23] <= '9' && l[24] == ' ');

	int fd = open("/proc/meminfo", O_WRONLY);
	printf("open meminfo O_WRONLY: %s\n", fd < 0 ? strerror(errno) : "opened");
	if (fd >= 0)
		close(fd);
	struct stat st;
	int r = stat("/proc/meminfo", &st);
	printf("stat meminfo: %d, regular %d, size %ld, mode %o\n", r, S_ISREG(st.st_mode),
	       (long)st.st_size, (unsigned)(st.st_mode & 0777));
	r = stat("/proc", &st);
	printf("stat /proc: %d, dir %d, mode %o\n", r, S_ISDIR(st.st_mode), (unsigned)(st.st_mode & 0777));
	DIR *d = opendir("/proc");
	struct dirent *e;
	int self = 0, cpuinfo = 0;
	while (d && (e = readdir(d))) {
		self |= !strcmp(e->d_name, "self") && e->d_type == DT_LNK;
		cpuinfo |= !strcmp(e->d_name, "cpuinfo") && e->d_type == DT_REG;
	}
	printf("/proc lists self (link) and cpuinfo (file): %d %d\n", self, cpuinfo);
	closedir(d);
	return 0;
}
