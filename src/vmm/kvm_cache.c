/* The KVM probe's answer, remembered: creating a VM and running the probe
 * takes 2-3 ms, a tenth of a short guest's whole run, and `uk run` asks on
 * every start with --accel auto. The answer is kept in $UK_HOME/cache/
 * kvm-probe under a key of what it depends on: this boot (a module
 * reloaded, nested virtualization switched, a new kernel: all reboot or
 * change /dev/kvm), /dev/kvm's identity, owner, mode and ctime (chmod and
 * chown move it), and whether this process may open it (a user added to
 * the kvm group). Anything else, or no cache, probes again. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/path.h"
#include "vmm/vmm.h"

#define KVM_CACHE_VERSION 1 /* bump when the probe changes */

static char *cache_path(void)
{
	const char *home = getenv("UK_HOME");
	char *p;

	if (home && *home) {
		if (asprintf(&p, "%s/cache/kvm-probe", home) < 0)
			abort();
		return p;
	}
	home = getenv("HOME");
	if (!home || !*home)
		return NULL;
	if (asprintf(&p, "%s/.local/share/uk/cache/kvm-probe", home) < 0)
		abort();
	return p;
}

/* 0 when there is no /dev/kvm to key on (the probe fails at once then) */
static int cache_key(char *key, size_t len)
{
	char boot[64] = "";
	struct stat st;
	FILE *f;

	if (stat("/dev/kvm", &st) != 0)
		return 0;
	f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (!f)
		return 0;
	if (!fgets(boot, sizeof(boot), f))
		boot[0] = '\0';
	fclose(f);
	boot[strcspn(boot, "\n")] = '\0';
	if (!boot[0])
		return 0;
	snprintf(key, len, "v%d boot=%s rdev=%lx ino=%lu mode=%o owner=%u:%u ctime=%lld.%09ld "
			   "uid=%u access=%d",
		 KVM_CACHE_VERSION, boot, (unsigned long)st.st_rdev, (unsigned long)st.st_ino,
		 (unsigned)st.st_mode, (unsigned)st.st_uid, (unsigned)st.st_gid,
		 (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec, (unsigned)geteuid(),
		 access("/dev/kvm", R_OK | W_OK) == 0);
	return 1;
}

/* The remembered answer for key: 1 or 0 (why filled), -1 if none. */
static int cache_read(const char *path, const char *key, char *why, size_t len)
{
	char *text = NULL, *nl, *ans;
	int rc = -1;

	if (uk_read_file(path, &text, NULL, NULL) != 0)
		return -1;
	nl = strchr(text, '\n');
	if (nl && (size_t)(nl - text) == strlen(key) && !strncmp(text, key, strlen(key))) {
		ans = nl + 1;
		ans[strcspn(ans, "\n")] = '\0';
		if (!strcmp(ans, "1")) {
			rc = 1;
		} else if (!strncmp(ans, "0 ", 2)) {
			snprintf(why, len, "%s", ans + 2);
			rc = 0;
		}
	}
	free(text);
	return rc;
}

static void cache_write(const char *path, const char *key, int usable, const char *why)
{
	struct uk_error err = { 0 };
	char *dir = strdup(path), *text;

	if (!dir)
		abort();
	*strrchr(dir, '/') = '\0';
	if (asprintf(&text, "%s\n%s%s\n", key, usable ? "1" : "0 ", usable ? "" : why) < 0)
		abort();
	/* best effort: a cache that cannot be written probes next time */
	if (uk_mkdirs(dir, &err) == 0)
		uk_write_file_atomic(path, text, strlen(text), 0644, &err);
	free(text);
	free(dir);
}

int uk_vm_kvm_usable_cached(char *why, size_t len)
{
	char key[256];
	char *path;
	int usable;

	if (!cache_key(key, sizeof(key)) || !(path = cache_path()))
		return uk_vm_kvm_usable(why, len);
	usable = cache_read(path, key, why, len);
	if (usable < 0) {
		usable = uk_vm_kvm_usable(why, len);
		cache_write(path, key, usable, why);
	}
	free(path);
	return usable;
}
