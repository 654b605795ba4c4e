/* Nodes: references, inode and device numbers. */
#include "vfs.h"

void uk_node_put(struct uk_node *n)
{
	if (--n->refs)
		return;
	if (n->ops->release)
		n->ops->release(n);
}

uint64_t uk_vfs_new_ino(void)
{
	static uint64_t next = 2; /* 1 is nobody's; roots get theirs like anyone */
	return next++;
}

uint32_t uk_vfs_new_dev(void)
{
	static uint32_t next = 0x10; /* minor numbers of the anonymous major 0 */
	return next++;
}

struct uk_node *uk_node_new(const struct uk_node_ops *ops, struct uk_fs *fs, uint32_t mode)
{
	struct uk_node *n = uk_zalloc(sizeof(*n));
	if (!n)
		return 0;
	n->ops = ops;
	n->fs = fs;
	n->mode = mode;
	n->ino = uk_vfs_new_ino();
	return n;
}
