/* Dispatch of the `syscall` instruction (arch/x86_64/entry.S) to the
 * handlers in syscall_*.c, with optional tracing (uk.strace). */
#include "syscall.h"

/* 16 bytes an entry: names live apart, in one string per table (only
 * strace reads them). */
struct sys {
	uk_sys_fn fn;
	uint16_t nr;
	uint8_t nargs;
};

/* Weak here only: the anchors (link_<group>.c) must refer to the same
 * handlers strongly, so that linking an anchor pulls them in. */
#define X(nr, name, n) __attribute__((weak)) SYSCALL(name);
SYS_GROUPS(X)
#undef X

/* One sorted table per list (syscall.h), searched in turn; an empty
 * group's table holds only a terminator. */
#define X(nr, name, n) {sys_##name, nr, n},
#define END {0, 0xffff, 0}
static const struct sys core_table[] = {SYS_LIST(X)};
static const struct sys fd_table[] = {SYS_FD_LIST(X) END};
static const struct sys fs_table[] = {SYS_FS_LIST(X) END};
static const struct sys event_table[] = {SYS_EVENT_LIST(X) END};
#undef X
#define X(nr, name, n) #name "\0"
static const char core_names[] = SYS_LIST(X);
static const char fd_names[] = SYS_FD_LIST(X) "";
static const char fs_names[] = SYS_FS_LIST(X) "";
static const char event_names[] = SYS_EVENT_LIST(X) "";
#undef X

static const struct {
	const struct sys *table;
	unsigned n;
	const char *names;
} tables[] = {
	{core_table, ARRAY_SIZE(core_table), core_names},
	{fd_table, ARRAY_SIZE(fd_table), fd_names},
	{fs_table, ARRAY_SIZE(fs_table), fs_names},
	{event_table, ARRAY_SIZE(event_table), event_names},
};

static const struct sys *search(const struct sys *t, unsigned n, long nr)
{
	unsigned lo = 0, hi = n;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (t[mid].nr == nr)
			return &t[mid];
		if (t[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static const struct sys *lookup(long nr)
{
	for (unsigned i = 0; i < ARRAY_SIZE(tables); i++) {
		const struct sys *s = search(tables[i].table, tables[i].n, nr);
		if (s)
			return s;
	}
	return 0;
}

__uk_cold static const char *name_of(const struct sys *s)
{
	for (unsigned i = 0; i < ARRAY_SIZE(tables); i++) {
		if (s < tables[i].table || s >= tables[i].table + tables[i].n)
			continue;
		const char *p = tables[i].names;
		for (long k = s - tables[i].table; k > 0; k--)
			p += uk_strlen(p) + 1;
		return p;
	}
	return "?";
}

__uk_cold static void trace(long nr, const struct sys *s, const long *a, long ret)
{
	if (s)
		uk_printk("strace: %s(", name_of(s));
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
