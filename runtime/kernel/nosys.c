/* Unsupported system calls (nosys.h): named from the image's uk_nosys
 * entries, said once per call number on the console. */
#include <uk/cmdline.h>

#include "nosys.h"
#include "syscall.h"

/* weak: an image whose libc members make no call the runtime lacks has no
 * entry, and so no section to bound */
extern const unsigned char __start_uk_nosys[] __attribute__((weak));
extern const unsigned char __stop_uk_nosys[] __attribute__((weak));

__uk_cold static const unsigned char *entry(long nr)
{
	for (const unsigned char *p = __start_uk_nosys; p < __stop_uk_nosys;) {
		if (p[0] + 256 * (p[1] & 0x7f) == nr)
			return p;
		p += 2 + uk_strlen((const char *)p + 2) + 1;
	}
	return 0;
}

__uk_cold const char *uk_nosys_name(long nr)
{
	const unsigned char *e = entry(nr);
	return e ? (const char *)e + 2 : 0;
}

/* calls said already: numbers below 1024 (x86_64 has ~460), the rest
 * every time */
static uint64_t said[1024 / 64];

__uk_cold long uk_enosys(long nr)
{
	const unsigned char *e = entry(nr);
	/* a group's call this image does not link (fcntl F_SETFD after fopen's
	 * "e", sysconf's sched_getaffinity): named by strace, not said */
	if (uk_opt.quiet_enosys || (e && (e[1] & 0x80)))
		return -ENOSYS;
	if (nr >= 0 && nr < 1024) {
		uint64_t bit = 1ull << (nr % 64);
		if (said[nr / 64] & bit)
			return -ENOSYS;
		said[nr / 64] |= bit;
	}
	if (e)
		uk_printk("uk: %s() is not supported by uk-runtime " UK_RUNTIME_VERSION
			  "; returning ENOSYS\n", (const char *)e + 2);
	else
		uk_printk("uk: syscall_%ld() is not supported by uk-runtime " UK_RUNTIME_VERSION
			  "; returning ENOSYS\n", nr);
	return -ENOSYS;
}
