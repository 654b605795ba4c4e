/* The sched group (link_sched.c, runtime/sched/): threads. Its first
 * entries replace the core's one-thread stubs of the same numbers (the
 * dispatcher searches this group before the core table), so each entry
 * names its handler: X(nr, name, nargs, handler). Sorted by number. */
#ifndef UK_SYS_SCHED_H
#define UK_SYS_SCHED_H

#define SYS_SCHED_LIST(X)                                                                  \
	X(24, sched_yield, 0, uk_sched_sched_yield) X(56, clone, 5, uk_sched_clone)             \
	X(60, exit, 1, uk_sched_thread_exit) X(140, getpriority, 2, uk_sched_getpriority)       \
	X(141, setpriority, 3, uk_sched_setpriority)                                           \
	X(144, sched_setscheduler, 3, uk_sched_setscheduler)                                   \
	X(145, sched_getscheduler, 1, uk_sched_getscheduler) X(186, gettid, 0, uk_sched_gettid) \
	X(202, futex, 6, uk_sched_futex) X(203, sched_setaffinity, 3, uk_sched_setaffinity)     \
	X(204, sched_getaffinity, 3, uk_sched_getaffinity)                                     \
	X(218, set_tid_address, 1, uk_sched_set_tid_address)                                   \
	X(273, set_robust_list, 2, uk_sched_set_robust_list)                                   \
	X(274, get_robust_list, 3, uk_sched_get_robust_list)

#endif
