/* Group signal: delivery, masks, waits and timers (runtime/sched/,
 * link_signal.c). Its handlers are sig_<name>: the core has stubs named
 * sys_<name> for some of the same calls (syscall_proc.c), which this
 * group's table comes before in the dispatcher's search. */
#ifndef UK_SYS_SIGNAL_H
#define UK_SYS_SIGNAL_H

#define UK_SIG_SYSCALL(name) long sig_##name(const long *a)

#define SYS_SIGNAL_LIST(X)                                                                  \
	X(13, rt_sigaction, 4) X(14, rt_sigprocmask, 4) X(15, rt_sigreturn, 0) X(34, pause, 0)    \
	X(36, getitimer, 2) X(37, alarm, 1) X(38, setitimer, 3) X(62, kill, 2)                   \
	X(127, rt_sigpending, 2) X(128, rt_sigtimedwait, 4) X(129, rt_sigqueueinfo, 3)           \
	X(130, rt_sigsuspend, 2) X(131, sigaltstack, 2) X(200, tkill, 2)                         \
	X(222, timer_create, 3) X(223, timer_settime, 4) X(224, timer_gettime, 2)                \
	X(225, timer_getoverrun, 1) X(226, timer_delete, 1) X(234, tgkill, 3)                    \
	X(282, signalfd, 3) X(289, signalfd4, 4) X(297, rt_tgsigqueueinfo, 4)

#define X(nr, name, n) UK_SIG_SYSCALL(name);
SYS_SIGNAL_LIST(X)
#undef X

#endif
