/* Target names: kvm, xen, raw. */
#include "manifest/manifest.h"

#include <string.h>

const char *uk_target_name(enum uk_target t)
{
	switch (t) {
	case UK_TARGET_KVM:
		return "kvm";
	case UK_TARGET_XEN:
		return "xen";
	case UK_TARGET_RAW:
		return "raw";
	}
	return "unknown";
}

int uk_target_parse(const char *s, enum uk_target *t)
{
	static const enum uk_target all[] = { UK_TARGET_KVM, UK_TARGET_XEN,
					      UK_TARGET_RAW };
	size_t i;

	for (i = 0; s && i < sizeof(all) / sizeof(all[0]); i++) {
		if (strcmp(s, uk_target_name(all[i])) == 0) {
			*t = all[i];
			return 0;
		}
	}
	return -1;
}
