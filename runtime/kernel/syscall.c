/* Dispatch of the `syscall` instruction (arch/x86_64/entry.S) to the
 * handlers in syscall_*.c, with optional tracing (uk.strace). */
#include "syscall.h"

#include "nosys.h"

/* The core table, 16 bytes an entry; names apart in one string (only
 * strace reads them). The optional groups are tables of their own
 * (syscall.h), present when linked. */
#define sys uk_sys
static const struct sys core_table[] = {SYS_LIST(UK_SYS_ENTRY)};
static const struct uk_sys_group core = {core_table, ARRAY_SIZE(core_table),
					 SYS_LIST(UK_SYS_NAME), 0};
extern const struct uk_sys_group uk_link_fd __attribute__((weak));
extern const struct uk_sys_group uk_link_fs __attribute__((weak));
extern const struct uk_sys_group uk_link_event __attribute__((weak));
extern const struct uk_sys_group uk_link_net __attribute__((weak));
extern const struct uk_sys_group uk_link_time __attribute__((weak));
extern const struct uk_sys_group uk_link_sysinfo __attribute__((weak));
extern const struct uk_sys_group uk_link_brk __attribute__((weak));
extern const struct uk_sys_group uk_link_ids __attribute__((weak));
extern const struct uk_sys_group uk_link_signal __attribute__((weak));
extern const struct uk_sys_group uk_link_sched __attribute__((weak));
/* The signal and sched groups first: they replace the core's stubs of
 * their calls. */
static const struct uk_sys_group *const uk_sys_groups[] = {&uk_link_signal, &uk_link_sched, &core,
						    &uk_link_fd, &uk_link_fs, &uk_link_event,
						    &uk_link_net, &uk_link_time, &uk_link_sysinfo,
						    &uk_link_brk, &uk_link_ids};

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
	for (unsigned i = 0; i < ARRAY_SIZE(uk_sys_groups); i++) {
		const struct uk_sys_group *g = uk_sys_groups[i];
		const struct sys *s = g ? search(g->table, g->n, nr) : 0;
		if (s)
			return s;
	}
	return 0;
}

/* not static: strace_decode.c names calls with it too */
__uk_cold const char *uk_sys_name(const struct sys *s)
{
	for (unsigned i = 0; i < ARRAY_SIZE(uk_sys_groups); i++) {
		const struct uk_sys_group *g = uk_sys_groups[i];
		if (!g || s < g->table || s >= g->table + g->n)
			continue;
		const char *p = g->names;
		for (long k = s - g->table; k > 0; k--)
			p += uk_strlen(p) + 1;
		return p;
	}
	return "?";
}

/* Linked only when wanted (nosys.h): the naming of unsupported calls and
 * the decoding of arguments cost images without them nothing. */
extern long uk_enosys(long nr) __attribute__((weak));
extern void uk_strace_call(long nr, const struct uk_sys *s, const long *a, long ret)
	__attribute__((weak));

__uk_cold static void trace(long nr, const struct sys *s, const long *a, long ret)
{
	if (uk_strace_call) {
		uk_strace_call(nr, s, a, ret);
		return;
	}
	if (s)
		uk_printk("strace: %s(", uk_sys_name(s));
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
	if (uk_opt.strace && (nr == 60 || nr == 231)) /* exit, exit_group: said before, never return */
		trace(nr, s, a, 0);
	long ret = s && s->fn ? s->fn(a) : uk_enosys ? uk_enosys(nr) : -ENOSYS;
	if (uk_opt.strace)
		trace(nr, s, a, ret);
	return ret;
}
