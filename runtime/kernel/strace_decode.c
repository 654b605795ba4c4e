/* uk.strace's decoding of arguments and results (nosys.h), in images that
 * link an optional group or an unsupported call (runtime/link-if/strace);
 * the core prints hexadecimal and decimal without it, so hello stays
 * small. Like strace(1): paths as quoted strings (at most 32 bytes, then
 * "..."), socket's family and type by name; other arguments in hex;
 * errors as -ENAME. */
#include "nosys.h"
#include "syscall.h"

/* present when the image has unsupported calls */
extern const char *uk_nosys_name(long nr) __attribute__((weak));

/* The calls that take paths, and which arguments are (bit n: argument n). */
static const struct {
	uint16_t nr;
	uint8_t strs;
} paths[] = {
	{2, 1},     {4, 1},     {6, 1},     {21, 1},    {59, 1},    {76, 1},   {80, 1},
	{82, 3},    {83, 1},    {84, 1},    {85, 1},    {86, 3},    {87, 1},   {88, 3},
	{89, 1},    {90, 1},    {92, 1},    {94, 1},    {133, 1},   {137, 1},  {257, 2},
	{258, 2},   {259, 2},   {260, 2},   {262, 2},   {263, 2},   {264, 10}, {265, 10},
	{266, 5},   {267, 2},   {268, 2},   {269, 2},   {280, 2},   {316, 10}, {319, 1},
	{332, 2},   {439, 2},
};

#define E(name) {name, #name},
static const struct {
	uint8_t nr;
	char name[15];
} errnos[] = {
	E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(EBADF) E(ECHILD)
	E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT) E(EBUSY) E(EEXIST) E(EXDEV) E(ENODEV)
	E(ENOTDIR) E(EISDIR) E(EINVAL) E(ENFILE) E(EMFILE) E(ENOTTY) E(ETXTBSY) E(EFBIG)
	E(ENOSPC) E(ESPIPE) E(EROFS) E(EMLINK) E(EPIPE) E(EDOM) E(ERANGE) E(EDEADLK)
	E(ENAMETOOLONG) E(ENOLCK) E(ENOSYS) E(ENOTEMPTY) E(ELOOP) E(ENODATA) E(EOVERFLOW)
	E(EBADFD) E(ENOTSOCK) E(EDESTADDRREQ) E(EMSGSIZE) E(EPROTOTYPE) E(ENOPROTOOPT)
	E(EPROTONOSUPPORT) E(ESOCKTNOSUPPORT) E(EOPNOTSUPP) E(EAFNOSUPPORT) E(EADDRINUSE)
	E(EADDRNOTAVAIL) E(ENETDOWN) E(ENETUNREACH) E(ECONNABORTED) E(ECONNRESET)
	E(ENOBUFS) E(EISCONN) E(ENOTCONN) E(ESHUTDOWN) E(ETIMEDOUT) E(ECONNREFUSED)
	E(EHOSTUNREACH) E(EALREADY) E(EINPROGRESS)
};
#undef E

/* Linux's socket constants (linux/socket.h, linux/net.h) */
static const char *const families[] = {
	[1] = "AF_UNIX", [2] = "AF_INET", [10] = "AF_INET6", [16] = "AF_NETLINK",
	[17] = "AF_PACKET",
};
static const char *const types[] = {
	[1] = "SOCK_STREAM", [2] = "SOCK_DGRAM", [3] = "SOCK_RAW", [5] = "SOCK_SEQPACKET",
};
#define SOCK_NONBLOCK_ 04000
#define SOCK_CLOEXEC_ 02000000

__uk_cold static void string(long p)
{
	if (uk_bad_user(p, 1)) {
		uk_printk("0x%lx", (unsigned long)p);
		return;
	}
	const char *s = (const char *)p;
	uk_printk("\"");
	int i = 0;
	for (; i < 32 && !uk_bad_user(p + i, 1) && s[i]; i++) {
		char c = s[i];
		if (c == '"' || c == '\\')
			uk_printk("\\%c", c);
		else if (c >= ' ' && c < 127)
			uk_printk("%c", c);
		else
			uk_printk("\\x%02x", (unsigned char)c);
	}
	uk_printk(i == 32 && !uk_bad_user(p + i, 1) && s[i] ? "\"..." : "\"");
}

__uk_cold static void socket_args(const long *a)
{
	unsigned long f = (unsigned long)a[0], t = (unsigned long)a[1];
	if (f < ARRAY_SIZE(families) && families[f])
		uk_printk("%s, ", families[f]);
	else
		uk_printk("0x%lx, ", f);
	unsigned long base = t & ~(unsigned long)(SOCK_NONBLOCK_ | SOCK_CLOEXEC_);
	if (base < ARRAY_SIZE(types) && types[base])
		uk_printk("%s", types[base]);
	else
		uk_printk("0x%lx", base);
	if (t & SOCK_NONBLOCK_)
		uk_printk("|SOCK_NONBLOCK");
	if (t & SOCK_CLOEXEC_)
		uk_printk("|SOCK_CLOEXEC");
	uk_printk(", %ld", a[2]);
}

__uk_cold void uk_strace_call(long nr, const struct uk_sys *s, const long *a, long ret)
{
	const char *name = s ? uk_sys_name(s) : uk_nosys_name ? uk_nosys_name(nr) : 0;
	unsigned n = s ? s->nargs : 6;
	if (name)
		uk_printk("strace: %s(", name);
	else
		uk_printk("strace: syscall_%ld(", nr);
	unsigned strs = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(paths); i++)
		if (paths[i].nr == nr)
			strs = paths[i].strs;
	if ((nr == 41 || nr == 53) && n >= 3) /* socket, socketpair */ {
		socket_args(a);
		for (unsigned i = 3; i < n; i++)
			uk_printk(", 0x%lx", (unsigned long)a[i]);
	} else {
		for (unsigned i = 0; i < n; i++) {
			if (i)
				uk_printk(", ");
			if (strs & (1u << i))
				string(a[i]);
			else
				uk_printk("0x%lx", (unsigned long)a[i]);
		}
	}
	if (ret < 0 && ret >= -4095) {
		for (unsigned i = 0; i < ARRAY_SIZE(errnos); i++)
			if (errnos[i].nr == -ret) {
				uk_printk(") = -%s\n", errnos[i].name);
				return;
			}
	}
	uk_printk(") = %ld\n", ret);
}
