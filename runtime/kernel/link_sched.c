/* Anchor of the sched group (sys_sched.h, runtime/sched/): linked when the
 * program makes threads (runtime/link-if/sched). Without it the core's
 * one-thread stubs answer (exit ends the VM, gettid is 1, futex never
 * blocks) and uk_wait halts the CPU itself. */
#include "syscall.h"
#include "sys_sched.h"

#define X(nr, name, n, fn) long fn(const long *a);
SYS_SCHED_LIST(X)
#undef X
long uk_sched_wait(int (*ready)(void *arg), void *arg, uint64_t deadline);

#define ENTRY(nr, name, n, fn) {fn, nr, n},
#define NAME(nr, name, n, fn) #name "\0"
static const struct uk_sys table[] = {SYS_SCHED_LIST(ENTRY)};
/* uk_wait (kernel/wait.c) refers to the scheduler's wait weakly */
static const void *const more[] = {(const void *)uk_sched_wait};
const struct uk_sys_group uk_link_sched = {table, ARRAY_SIZE(table), SYS_SCHED_LIST(NAME), more};
