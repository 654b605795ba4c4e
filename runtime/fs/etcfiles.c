/* The /etc files a C library reads (getpwuid, getgrgid, gethostbyname,
 * res_init, gethostname's users), made at the first path call unless the
 * image's own files have them: on the image's read-only root they are
 * added beside its files, on the tmpfs root written like any file (and
 * then the program may change them). */
#include <uk/cmdline.h>

#include "builtin.h"
#include "vfs_impl.h"

static char hostname[UK_NAME_MAX + 2];

static const struct {
	const char *name, *text;
} files[] = {
	{"group", "root:x:0:\nnogroup:x:65534:\n"},
	{"hostname", hostname},
	{"hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"},
	{"passwd", 0}, /* HOME depends on the image */
	{"resolv.conf", "# no name servers: the network is not configured\n"},
};

static const char passwd_root[] = "root:x:0:0:root:/root:/sbin/nologin\n"
				  "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n";
static const char passwd_slash[] = "root:x:0:0:root:/:/sbin/nologin\n"
				   "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n";

/* Writes a file on a writable /etc through its file system. */
__uk_cold static void write_file(struct uk_node *etc, const char *name, const char *text)
{
	struct uk_node *n;
	if (!etc->ops->create || etc->ops->create(etc, name, UK_S_IFREG | 0644, 0, &n))
		return;
	if (n->ops->write)
		n->ops->write(n, text, uk_strlen(text), 0);
	uk_node_put(n);
}

/* the network's name servers, when the uk-net component is linked
 * (runtime/net/stack.c): the text of resolv.conf, or 0 for none */
const char *uk_net_resolv_conf(void) __attribute__((weak));

__uk_cold void uk_etcfs_init(void)
{
	struct uk_node *etc, *n;
	if (uk_vfs_walk_k(UK_AT_FDCWD, "/etc", UK_WALK_DIR, &etc))
		return;
	size_t len = uk_strlen(uk_opt.name);
	if (len > UK_NAME_MAX)
		len = UK_NAME_MAX;
	uk_memcpy(hostname, uk_opt.name, len);
	hostname[len] = '\n';
	for (unsigned i = 0; i < ARRAY_SIZE(files); i++) {
		const char *text = files[i].text;
		if (!text)
			text = uk_imagefs_has_dir("root") ? passwd_root : passwd_slash;
		if (!uk_strncmp(files[i].name, "resolv.conf", 12) && uk_net_resolv_conf &&
		    uk_net_resolv_conf())
			text = uk_net_resolv_conf();
		if (!etc->ops->lookup(etc, files[i].name, &n)) {
			uk_node_put(n); /* the image's own */
			continue;
		}
		if (uk_imagefs() && etc->fs == uk_imagefs())
			uk_imagefs_add(etc, files[i].name, UK_S_IFREG | 0644, text,
				       uk_strlen(text));
		else if (!uk_vfs_writable(etc))
			write_file(etc, files[i].name, text);
	}
	uk_node_put(etc);
}
