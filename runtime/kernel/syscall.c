/* Dispatch of the `syscall` instruction (arch/x86_64/entry.S) to the
 * handlers in syscall_*.c, with optional tracing (uk.strace). */
#include "syscall.h"

struct sys {
	uint16_t nr;
	uint8_t nargs;
	const char *name;
	uk_sys_fn fn;
};

/* Weak here only: the anchors (link_<group>.c) must refer to the same
 * handlers strongly, so that linking an anchor pulls them in. */
#define X(nr, name, n) __attribute__((weak)) SYSCALL(name);
SYS_GROUPS(X)
#undef X

/* One sorted table per list (syscall.h), searched in turn. */
#define X(nr, name, n) {nr, n, #name, sys_##name},
static const struct sys table[] = {SYS_LIST(X)};
static const struct sys fd_table[] = {SYS_FD_LIST(X) {0xffff, 0, 0, 0}};
static const struct sys fs_table[] = {SYS_FS_LIST(X) {0xffff, 0, 0, 0}};
static const struct sys event_table[] = {SYS_EVENT_LIST(X) {0xffff, 0, 0, 0}};
#undef X

static const struct sys *search(const struct sys *table, unsigned n, long nr)
{
	unsigned lo = 0, hi = n;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (table[mid].nr == nr)
			return &table[mid];
		if (table[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static const struct sys *lookup(long nr)
{
	const struct sys *s = search(table, ARRAY_SIZE(table), nr);
	if (!s)
		s = search(fd_table, ARRAY_SIZE(fd_table), nr);
	if (!s)
		s = search(fs_table, ARRAY_SIZE(fs_table), nr);
	if (!s)
		s = search(event_table, ARRAY_SIZE(event_table), nr);
	return s;
}

__uk_cold static void trace(long nr, const struct sys *s, const long *a, long ret)
{
	if (s)
		uk_printk("strace: %s(", s->name);
	else
		uk_printk("strace: syscall_%ld(", nr);
	unsigned n = s ? s->nargs : 6;
	for (unsigned i = 0; i < n; i++)
		uk_printk(i ? ", 0x%lx" : "0x%lx", (unsigned long)a[i]);
	uk_printk(") = %ld\n", ret);
}

long uk_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	const long a[6] = {a0, a1, a2, a3, a4, a5};
	const struct sys *s = lookup(nr);
	if (uk_opt.strace && s && (s->fn == sys_exit || s->fn == sys_exit_group))
		trace(nr, s, a, 0);
	long ret = s && s->fn ? s->fn(a) : -ENOSYS;
	if (uk_opt.strace)
		trace(nr, s, a, ret);
	return ret;
}
