/* Anchor of group fs (kernel/sys_fs.h): linked when the program uses a C
 * library function that reaches the file system (runtime/link-if/fs).
 * It holds every path call, and through them the VFS and tmpfs. File
 * systems mounted at start (vfs.h, uk_vfs_init) add their init hook
 * here (after the handlers) so that they come in with it. */
#include "syscall.h"
#include "vfs.h"

const void *const uk_link_fs[] = {
	sys_open, sys_stat, sys_lstat, sys_access, sys_msync, sys_sendfile, sys_flock,
	sys_truncate, sys_getcwd, sys_chdir, sys_fchdir, sys_rename, sys_mkdir,
	sys_rmdir, sys_creat, sys_link, sys_unlink, sys_symlink, sys_readlink,
	sys_chmod, sys_fchmod, sys_chown, sys_fchown, sys_lchown, sys_umask,
	sys_utime, sys_mknod, sys_statfs, sys_fstatfs, sys_sync, sys_fadvise64,
	sys_utimes, sys_openat, sys_mkdirat, sys_mknodat, sys_fchownat, sys_futimesat,
	sys_newfstatat, sys_unlinkat, sys_renameat, sys_linkat, sys_symlinkat, sys_readlinkat,
	sys_fchmodat, sys_faccessat, sys_utimensat, sys_fallocate, sys_syncfs, sys_renameat2,
	sys_memfd_create, sys_copy_file_range, sys_statx, sys_faccessat2,
	uk_imagefs_init, uk_devfs_init, uk_procfs_init, uk_etcfs_init,
};
