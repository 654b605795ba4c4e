/* Anchor of host folders over virtio-9p: linked only into images that
 * declare volumes (uk build keeps uk_link_9p then, see man 5 uk.yaml).
 * Before main, every uk.volume=TAG:PATH[:ro] of the command line is
 * mounted; one that cannot be ends the boot, so that a program never
 * writes into an ephemeral folder believing it is the host's. */
#include <uk/cmdline.h>
#include <uk/exit.h>

#include "vfs.h"

#include "virtio.h"

long uk_9pfs_new(const char *tag, struct uk_node **root);

/* what the weak references of the virtio core and the VFS leave out */
const void *const uk_link_9p[] = {
	(const void *)uk_9pfs_new,
	(const void *)uk_virtio_mmio_probe,
	(const void *)uk_virtio_pci_probe,
};

__uk_cold static void fail(const char *word, const char *what, long e)
{
	uk_printk("uk: volume '%s': %s (errno %ld)\n", word, what, -e);
	uk_plat_exit(UK_EXIT_PANIC);
}

/* Makes every missing directory of path (a kernel copy it may cut). */
__uk_cold static long mkdirs(char *path)
{
	for (char *s = path + 1;; s++) {
		if (*s && *s != '/')
			continue;
		char end = *s;
		*s = 0;
		struct uk_node *n, *dir, *made;
		char name[UK_NAME_MAX + 1];
		int slash;
		long e = uk_vfs_walk(UK_AT_FDCWD, path, UK_WALK_DIR, &n);
		if (!e)
			uk_node_put(n);
		else if (e == -ENOENT && !(e = uk_vfs_walk_parent(UK_AT_FDCWD, path, &dir, name, &slash))) {
			e = uk_vfs_writable(dir);
			if (!e)
				e = dir->ops->mkdir ? dir->ops->mkdir(dir, name, UK_S_IFDIR | 0755, &made)
						    : -EPERM;
			if (!e)
				uk_node_put(made);
			uk_node_put(dir);
		}
		*s = end;
		if (e || !end)
			return e;
	}
}

__uk_cold static void mount_one(const char *word)
{
	static char buf[UK_PATH_MAX];
	const char *v = word + sizeof(UK_OPT_VOLUME) - 1;
	size_t len = uk_strlen(v), tag_len = 0;
	while (tag_len < len && v[tag_len] != ':')
		tag_len++;
	unsigned flags = 0;
	if (len > 3 && !uk_strncmp(v + len - 3, ":ro", 3)) {
		flags = UK_MNT_RDONLY;
		len -= 3;
	}
	if (!tag_len || tag_len >= 32 || tag_len + 2 >= len || v[tag_len + 1] != '/' ||
	    len - tag_len >= UK_PATH_MAX)
		fail(word, "not TAG:/PATH[:ro]", -EINVAL);
	char tag[32];
	uk_memcpy(tag, v, tag_len);
	tag[tag_len] = 0;
	uk_memcpy(buf, v + tag_len + 1, len - tag_len - 1);
	buf[len - tag_len - 1] = 0;
	struct uk_node *root;
	long e = uk_9pfs_new(tag, &root);
	if (e)
		fail(word, e == -ENODEV ? "no virtio-9p device has this tag" : "cannot attach", e);
	e = mkdirs(buf);
	if (!e)
		e = uk_vfs_mount(buf, root, flags);
	if (e == -EROFS)
		fail(word, "the image's files are read-only and have no such folder; list it "
			   "in uk.yaml volumes: (the folder is packed then), or mount under /tmp", e);
	if (e)
		fail(word, "cannot mount it there", e);
}

__attribute__((constructor(101))) __uk_cold static void mount_volumes(void)
{
	for (const char *w = uk_cmdline_next(0, 'm'); w; w = uk_cmdline_next(w, 'm'))
		mount_one(w);
}
