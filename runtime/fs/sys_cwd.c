/* The working directory and the umask: chdir, fchdir, getcwd, umask. */
#include "vfs_impl.h"

SYSCALL(chdir)
{
	struct uk_node *n;
	long e = uk_vfs_walk(UK_AT_FDCWD, (const char *)a[0], UK_WALK_DIR, &n);
	if (e)
		return e;
	uk_vfs_set_cwd(n);
	uk_node_put(n);
	return 0;
}

SYSCALL(fchdir)
{
	struct uk_file *f = uk_fd_get(a[0]);
	if (!f)
		return -EBADF;
	struct uk_node *n = uk_file_node(f);
	if (!n || !uk_is_dir(n))
		return -ENOTDIR;
	uk_vfs_set_cwd(n);
	return 0;
}

SYSCALL(getcwd)
{
	char *buf = uk_path_buf();
	if (!buf)
		return -ENOMEM;
	struct uk_node *cwd = uk_vfs_cwd();
	long len = uk_vfs_path(cwd, buf, UK_PATH_MAX);
	uk_node_put(cwd);
	if (len >= 0 && (uint64_t)len + 1 > (uint64_t)a[1])
		len = -ERANGE;
	else if (len >= 0 && uk_bad_user(a[0], (uint64_t)len + 1))
		len = -EFAULT;
	else if (len >= 0)
		uk_memcpy((void *)a[0], buf, (size_t)++len);
	uk_path_buf_free(buf);
	return len;
}

SYSCALL(umask)
{
	uint32_t old = uk_vfs_umask;
	uk_vfs_umask = (uint32_t)a[0] & 0777;
	return old;
}
