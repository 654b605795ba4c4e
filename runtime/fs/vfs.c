/* The mount table, the root and working directories, the umask, and what
 * is mounted where on the first path call (vfs.h, uk_vfs_init). */
#include "vfs_impl.h"

struct uk_fs *uk_vfs_mounts;
static struct uk_fs *root_fs;
static struct uk_node *cwd;
uint32_t uk_vfs_umask = 022;

__attribute__((weak)) void uk_imagefs_init(void);
__attribute__((weak)) void uk_devfs_init(void);
__attribute__((weak)) void uk_procfs_init(void);
__attribute__((weak)) void uk_etcfs_init(void);

__uk_cold static void no_root(void)
{
	uk_printk("uk: no memory for the root file system\n");
	uk_plat_exit(126);
}

__uk_cold void uk_vfs_init(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	struct uk_node *r = uk_tmpfs_new(), *d;
	if (!r || uk_vfs_mount("/", r, 0))
		no_root();
	static const char *const dirs[] = {"tmp", "dev", "proc", "etc"};
	for (unsigned i = 0; i < ARRAY_SIZE(dirs); i++)
		if (!r->ops->mkdir(r, dirs[i], UK_S_IFDIR | (i ? 0755 : 01777), &d))
			uk_node_put(d);
	if (uk_imagefs_init)
		uk_imagefs_init();
	struct uk_node *tmp = uk_tmpfs_new();
	if (tmp && uk_vfs_mount("/tmp", tmp, 0))
		uk_node_put(tmp);
	if (uk_devfs_init)
		uk_devfs_init();
	if (uk_procfs_init)
		uk_procfs_init();
	if (uk_etcfs_init)
		uk_etcfs_init();
}

struct uk_node *uk_vfs_root(void)
{
	if (!root_fs)
		uk_vfs_init();
	return root_fs->root;
}

struct uk_fs *uk_vfs_mounted(struct uk_node *dir)
{
	for (struct uk_fs *fs = uk_vfs_mounts; fs; fs = fs->next)
		if (fs->covered == dir)
			return fs;
	return 0;
}

long uk_vfs_mount(const char *path, struct uk_node *root, unsigned flags)
{
	struct uk_fs *fs = root->fs;
	struct uk_node *on = 0;
	if (!uk_streq(path, "/")) {
		long e = uk_vfs_walk_k(UK_AT_FDCWD, path, UK_WALK_DIR, &on);
		if (e)
			return e;
		if (uk_vfs_mounted(on) || on == uk_vfs_root()) {
			uk_node_put(on);
			return -EBUSY;
		}
	}
	fs->root = root;
	fs->covered = on;
	fs->flags = flags;
	fs->dev = uk_vfs_new_dev();
	fs->next = uk_vfs_mounts;
	uk_vfs_mounts = fs;
	if (!on) {
		struct uk_node *old = root_fs ? root_fs->root : 0;
		root_fs = fs;
		if (!cwd || cwd == old)
			uk_vfs_set_cwd(root);
	}
	return 0;
}

struct uk_node *uk_vfs_cwd(void)
{
	uk_vfs_root();
	return uk_node_get(cwd);
}

void uk_vfs_set_cwd(struct uk_node *n)
{
	uk_node_get(n);
	if (cwd)
		uk_node_put(cwd);
	cwd = n;
}
