/* Group fs: path calls and the file systems (runtime/fs/, link_fs.c). */
#define SYS_FS_LIST(X)                                                                       \
	X(2, open, 3) X(4, stat, 2) X(6, lstat, 2) X(21, access, 2) X(26, msync, 3)                 \
	X(40, sendfile, 4)                                                                        \
	X(73, flock, 2) X(76, truncate, 2) X(79, getcwd, 2) X(80, chdir, 1) X(81, fchdir, 1)      \
	X(82, rename, 2) X(83, mkdir, 2) X(84, rmdir, 1) X(85, creat, 2) X(86, link, 2)           \
	X(87, unlink, 1) X(88, symlink, 2) X(89, readlink, 3) X(90, chmod, 2) X(91, fchmod, 2)    \
	X(92, chown, 3) X(93, fchown, 3) X(94, lchown, 3) X(95, umask, 1) X(132, utime, 2)        \
	X(133, mknod, 3) X(137, statfs, 2) X(138, fstatfs, 2) X(162, sync, 0)                     \
	X(221, fadvise64, 4) X(235, utimes, 2) X(257, openat, 4) X(258, mkdirat, 3)               \
	X(259, mknodat, 4) X(260, fchownat, 5) X(261, futimesat, 3) X(262, newfstatat, 4)         \
	X(263, unlinkat, 3) X(264, renameat, 4) X(265, linkat, 5) X(266, symlinkat, 3)            \
	X(267, readlinkat, 4) X(268, fchmodat, 3) X(269, faccessat, 3) X(280, utimensat, 4)       \
	X(285, fallocate, 4) X(306, syncfs, 1) X(316, renameat2, 5) X(319, memfd_create, 2)       \
	X(326, copy_file_range, 6) X(332, statx, 5) X(439, faccessat2, 4)
