/* Group ids: the process's identity, answered as a program that is pid 1
 * of its own machine and runs as root (syscall_proc.c, link_ids.c). */
#define SYS_IDS_LIST(X)                                                                     \
	X(39, getpid, 0) X(102, getuid, 0) X(104, getgid, 0) X(107, geteuid, 0)                 \
	X(108, getegid, 0) X(110, getppid, 0)
