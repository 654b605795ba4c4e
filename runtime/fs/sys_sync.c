/* sync, syncfs, fadvise64: in RAM there is nothing to write back; the
 * file systems that have something do it in their sync op. */
#include "vfs_impl.h"

SYSCALL(sync)
{
	(void)a;
	for (struct uk_fs *fs = uk_vfs_mounts; fs; fs = fs->next)
		if (fs->ops && fs->ops->sync)
			fs->ops->sync(fs);
	return 0;
}

SYSCALL(syncfs)
{
	struct uk_node *n;
	long e = uk_fd_node(a[0], &n);
	if (e || !n || !n->fs->ops || !n->fs->ops->sync)
		return e;
	return n->fs->ops->sync(n->fs);
}

SYSCALL(fadvise64)
{
	struct uk_file *f = uk_fd_get(a[0]);
	if (!f || (f->flags & UK_O_PATH))
		return -EBADF;
	if (!uk_file_node(f) || !(f->ops->flags & UK_FILE_SEEKABLE))
		return -ESPIPE;
	if (a[2] < 0 || a[3] < 0 || a[3] > 5)
		return -EINVAL;
	return 0;
}
