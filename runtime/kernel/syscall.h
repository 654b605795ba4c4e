/* The Linux system-call layer: each handler takes the six raw arguments
 * and returns a value or a negated errno, as the kernel does. */
#ifndef UK_SYSCALL_H
#define UK_SYSCALL_H

#include "kernel.h"

#include "errno.h"

/* A buffer the program passed (usermem.c): inside RAM and not in page 0,
 * or all present pages of shared file mappings (vmap.c's window above
 * RAM). Pages of RAM that are not mapped (guards, holes below 1 MiB) are
 * not looked up. */
int uk_bad_user(long p, uint64_t len);

/* The calling thread sends itself sig (EPIPE's SIGPIPE): delivered on the
 * way out of the call, or its default action now without the signal
 * group (syscall_proc.c). */
void uk_signal_raise_self(int sig);

#define SYSCALL(name) long sys_##name(const long *a)
typedef long (*uk_sys_fn)(const long *a);

/* Always linked: what every program's start-up and stdio use. */
#define SYS_LIST(X)                                                                        \
	X(0, read, 3) X(1, write, 3) X(3, close, 1) X(5, fstat, 2)                                \
	X(8, lseek, 3) X(9, mmap, 6) X(10, mprotect, 3) X(11, munmap, 2)                          \
	X(13, rt_sigaction, 4) X(14, rt_sigprocmask, 4) X(16, ioctl, 3) X(19, readv, 3)          \
	X(20, writev, 3) X(24, sched_yield, 0) X(25, mremap, 5) X(28, madvise, 3)                \
	X(60, exit, 1) X(62, kill, 2) X(158, arch_prctl, 2) X(186, gettid, 0) X(200, tkill, 2)  \
	X(202, futex, 6) X(218, set_tid_address, 1) X(231, exit_group, 1) X(234, tgkill, 3)      \
	X(318, getrandom, 3)

/* Linked only when the program uses them: one list per group, in
 * sys_<group>.h. A group's table is its anchor, uk_link_<group>, defined
 * in link_<group>.c with UK_SYS_GROUP; the dispatcher refers to it weakly,
 * so a group is in the image only when the linker adds its anchor, which
 * it does when the program links one of the C library functions that
 * runtime/link-if/<group> lists (the component's `link_if:`). Unlinked,
 * the group's calls fail with ENOSYS and cost nothing. Each list is sorted
 * by number, like SYS_LIST. */
#include "sys_groups.h"

struct uk_sys {
	uk_sys_fn fn;
	uint16_t nr;
	uint8_t nargs;
};
struct uk_sys_group {
	const struct uk_sys *table;
	unsigned n;
	const char *names;       /* NUL-separated, in table order (strace) */
	const void *const *more; /* whatever else the group must link */
};
#define UK_SYS_ENTRY(nr, name, n) {sys_##name, nr, n},
#define UK_SYS_NAME(nr, name, n) #name "\0"
/* Defines the anchor uk_link_<group> over SYS_<GROUP>_LIST. */
#define UK_SYS_GROUP(anchor, LIST, more_)                                                  \
	static const struct uk_sys anchor##_table[] = {LIST(UK_SYS_ENTRY)};                   \
	const struct uk_sys_group anchor = {anchor##_table, ARRAY_SIZE(anchor##_table),       \
					    LIST(UK_SYS_NAME), more_}

#define X(nr, name, n) SYSCALL(name);
SYS_LIST(X)
#undef X
#define X(nr, name, n) SYSCALL(name);
SYS_GROUPS(X)
#undef X

#endif
