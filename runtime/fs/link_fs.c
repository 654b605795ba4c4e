/* Anchor of group fs (kernel/sys_fs.h): linked when the program uses a C
 * library function that reaches the file system (runtime/link-if/fs).
 * It holds every path call, and through them the VFS and tmpfs. File
 * systems mounted at start (vfs.h, uk_vfs_init) add their init hook
 * here (after the handlers) so that they come in with it. */
#include "syscall.h"
#include "vfs.h"

/* the file systems mounted at start come in with the group */
static const void *const mounted_at_start[] = {
	uk_imagefs_init, uk_devfs_init, uk_procfs_init, uk_etcfs_init, 0,
};

UK_SYS_GROUP(uk_link_fs, SYS_FS_LIST, mounted_at_start);
