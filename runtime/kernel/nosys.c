/* Unsupported system calls (nosys.h): named from the image's uk_nosys
 * entries, said once per call number on the console. */
#include <uk/cmdline.h>

#include "nosys.h"
#include "syscall.h"

/* weak: an image whose libc members make no call the runtime lacks has no
 * entry, and so no section to bound */
extern const unsigned char __start_uk_nosys[] __attribute__((weak));
extern const unsigned char __stop_uk_nosys[] __attribute__((weak));

__uk_cold const char *uk_nosys_name(long nr)
{
	for (const unsigned char *p = __start_uk_nosys; p < __stop_uk_nosys;) {
		const char *name = (const char *)p + 2;
		if (p[0] + 256 * p[1] == nr)
			return name;
		p += 2 + uk_strlen(name) + 1;
	}
	return 0;
}

/* calls said already: numbers below 1024 (x86_64 has ~460), the rest
 * every time */
static uint64_t said[1024 / 64];

__uk_cold long uk_enosys(long nr)
{
	if (uk_opt.quiet_enosys)
		return -ENOSYS;
	if (nr >= 0 && nr < 1024) {
		uint64_t bit = 1ull << (nr % 64);
		if (said[nr / 64] & bit)
			return -ENOSYS;
		said[nr / 64] |= bit;
	}
	const char *name = uk_nosys_name(nr);
	if (name)
		uk_printk("uk: %s() is not supported by uk-runtime " UK_RUNTIME_VERSION
			  "; returning ENOSYS\n", name);
	else
		uk_printk("uk: syscall_%ld() is not supported by uk-runtime " UK_RUNTIME_VERSION
			  "; returning ENOSYS\n", nr);
	return -ENOSYS;
}
