/* Group fd: descriptor calls beyond read/write/close (link_fd.c). */
#define SYS_FD_LIST(X)                                                                      \
	X(17, pread64, 4) X(18, pwrite64, 4) X(32, dup, 1) X(33, dup2, 2) X(72, fcntl, 3)         \
	X(74, fsync, 1) X(75, fdatasync, 1) X(77, ftruncate, 2) X(217, getdents64, 3)            \
	X(292, dup3, 3) X(295, preadv, 4) X(296, pwritev, 4) X(436, close_range, 3)
