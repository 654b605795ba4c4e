/* Anchor of mprotect, mremap and madvise's work: linked when the program
 * has one of musl's functions that make those calls (runtime/link-if/mman);
 * the core's handlers (syscall_mman.c) refer to it weakly and answer ENOSYS
 * without it, which only a program making the raw call could see. */
#include "syscall.h"

long uk_sys_mprotect(const long *a);
long uk_sys_mremap(const long *a);
long uk_sys_madvise(const long *a);

const void *const uk_link_mman[] = {
	(const void *)uk_sys_mprotect,
	(const void *)uk_sys_mremap,
	(const void *)uk_sys_madvise,
};
