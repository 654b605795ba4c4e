/* Group sysinfo: the process's limits, uname and sysinfo
 * (syscall_sysinfo.c, link_sysinfo.c). */
#define SYS_SYSINFO_LIST(X)                                                                 \
	X(63, uname, 1) X(97, getrlimit, 2) X(99, sysinfo, 1) X(160, setrlimit, 2)               \
	X(302, prlimit64, 4)
