/* Anchor of the optional descriptor calls (SYS_OPT_LIST in syscall.h):
 * linked when the program uses dup, fcntl, pread and the like. */
#include "syscall.h"

long (*const uk_link_fd[])(const long *) = {
	sys_pread64, sys_pwrite64, sys_dup, sys_dup2, sys_fcntl, sys_fsync, sys_fdatasync,
	sys_ftruncate, sys_getdents64, sys_dup3, sys_preadv, sys_pwritev, sys_close_range,
};
