/* Group time: the clocks and sleeping (syscall_time.c, link_time.c). */
#define SYS_TIME_LIST(X)                                                                    \
	X(35, nanosleep, 2) X(96, gettimeofday, 2) X(201, time, 1) X(228, clock_gettime, 2)      \
	X(229, clock_getres, 2) X(230, clock_nanosleep, 4)
