/* lwIP's glue: what the lwip component asks its user for (sys_now and
 * the uk_lwip_* functions, recipes/lwip/README.md), the interface and its
 * configuration (DHCP, or uk.net.ip=/gw=/dns=), and the one place that
 * runs lwIP's timers and takes received frames in: uk_net_kick, from the
 * wait loop's poller and timer and after socket calls. */
#include <uk/cmdline.h>

#include "net.h"

#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/timeouts.h"

#define DHCP_WAIT_NS (5 * 1000000000ull) /* at boot, for an address */
#define DRAIN_NS     (2 * 1000000000ull) /* at exit, for data still in flight */

static struct netif nif;
static int up, have_nif, in_stack;
static struct uk_timer tick;
static struct uk_poller poller;
static ip4_addr_t dns[3];
static unsigned ndns;
static char resolv[160];

u32_t sys_now(void)
{
	return (u32_t)(uk_monotonic_ns() / 1000000);
}

void *uk_lwip_malloc(size_t n)
{
	return uk_malloc(n);
}

void *uk_lwip_calloc(size_t count, size_t n)
{
	if (n && count > ~(size_t)0 / n)
		return 0;
	return uk_zalloc(count * n);
}

void uk_lwip_free(void *p)
{
	uk_free(p);
}

unsigned int uk_lwip_rand(void)
{
	unsigned int v;
	uk_random_fill(&v, sizeof(v));
	return v;
}

__uk_cold void uk_lwip_diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	uk_vprintk(fmt, ap);
	va_end(ap);
}

__uk_cold void uk_lwip_assert(const char *msg, const char *file, int line)
{
	uk_printk("uk: lwip: assertion \"%s\" failed at %s:%d\n", msg, file, line);
	uk_plat_exit(126);
}

/* DHCP's name servers (option 6), for /etc/resolv.conf */
__uk_cold void uk_lwip_dhcp_option(struct netif *netif, unsigned char msg_type,
				   unsigned char option, unsigned char len, struct pbuf *p,
				   unsigned short offset)
{
	(void)netif;
	(void)msg_type;
	if (option != 6 || ndns)
		return;
	for (unsigned i = 0; i + 4 <= len && ndns < ARRAY_SIZE(dns); i += 4) {
		uint32_t a;
		if (pbuf_copy_partial(p, &a, 4, (u16_t)(offset + i)) == 4)
			dns[ndns++].addr = a;
	}
}

static void run(void)
{
	if (in_stack || !up)
		return;
	in_stack = 1;
	if (have_nif)
		uk_virtio_net_poll(&nif);
	netif_poll_all(); /* loopback */
	sys_check_timeouts();
	u32_t ms = sys_timeouts_sleeptime();
	if (ms != SYS_TIMEOUTS_SLEEPTIME_INFINITE)
		uk_timer_arm(&tick, uk_monotonic_ns() + (uint64_t)ms * 1000000 + 1);
	in_stack = 0;
}

void uk_net_kick(void)
{
	run();
}

static void on_tick(struct uk_timer *t)
{
	(void)t;
	run();
}

long uk_net_wait(int (*ready)(void *arg), void *arg, uint64_t deadline)
{
	return uk_wait(ready, arg, deadline);
}

/* "10.0.2.15" or "10.0.2.15/24": 0 if it is one */
__uk_cold static int parse_ip(const char *s, ip4_addr_t *ip, unsigned *prefix)
{
	uint32_t v = 0;
	for (unsigned k = 0; k < 4; k++) {
		unsigned x = 0, digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 4) {
			x = x * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (!digits || x > 255 || (k < 3 && *s++ != '.'))
			return -1;
		v = v << 8 | x;
	}
	if (prefix && *s == '/') {
		unsigned p = 0;
		for (s++; *s >= '0' && *s <= '9' && p <= 32; s++)
			p = p * 10 + (unsigned)(*s - '0');
		if (p > 32)
			return -1;
		*prefix = p;
	}
	if (*s)
		return -1;
	ip->addr = lwip_htonl(v);
	return 0;
}

static int starts(const char *w, const char *p)
{
	return !uk_strncmp(w, p, uk_strlen(p));
}

/* The uk.net.* options: 1 when an address is given (no DHCP). */
__uk_cold static int options(ip4_addr_t *ip, ip4_addr_t *mask, ip4_addr_t *gw)
{
	int fixed = 0;
	for (const char *w = uk_cmdline_next(0, 'n'); w; w = uk_cmdline_next(w, 'n')) {
		unsigned prefix = 24;
		ip4_addr_t a;
		if (starts(w, UK_OPT_NET_IP) &&
		    !parse_ip(w + sizeof(UK_OPT_NET_IP) - 1, ip, &prefix)) {
			mask->addr = prefix ? lwip_htonl(~0u << (32 - prefix)) : 0;
			fixed = 1;
		} else if (starts(w, UK_OPT_NET_GW) && !parse_ip(w + sizeof(UK_OPT_NET_GW) - 1, gw, 0)) {
		} else if (starts(w, UK_OPT_NET_DNS) &&
			   !parse_ip(w + sizeof(UK_OPT_NET_DNS) - 1, &a, 0)) {
			if (ndns < ARRAY_SIZE(dns))
				dns[ndns++] = a;
		} else {
			uk_printk("uk: bad network option '%s' ignored\n", w);
		}
	}
	return fixed;
}

static int bound(void *arg)
{
	(void)arg;
	return dhcp_supplied_address(&nif);
}

__uk_cold static void say(void)
{
	char a[16], m[16], g[16];
	ip4addr_ntoa_r(netif_ip4_addr(&nif), a, sizeof(a));
	ip4addr_ntoa_r(netif_ip4_netmask(&nif), m, sizeof(m));
	ip4addr_ntoa_r(netif_ip4_gw(&nif), g, sizeof(g));
	/* lwIP numbers all its netifs, lo0 first: the first NIC is en0 */
	uk_printk("uk: net: %c%c%u %s mask %s gateway %s\n", nif.name[0], nif.name[1],
		  (unsigned)(nif.num - 1), a, m, g);
}

__uk_cold void uk_net_up(void)
{
	if (up)
		return;
	up = 1;
	tick.fire = on_tick;
	poller.poll = run;
	poller.irq = 1;
	in_stack = 1;
	lwip_init();
	ip4_addr_t ip = {0}, mask = {0}, gw = {0};
	int fixed = options(&ip, &mask, &gw);
	long attached = uk_virtio_net_attach(&nif);
	have_nif = attached >= 0;
	poller.irq = attached != 1; /* a polled device: the wait loop looks every 1 ms */
	if (have_nif) {
		netif_set_addr(&nif, &ip, &mask, &gw);
		netif_set_default(&nif);
		netif_set_up(&nif);
		netif_set_link_up(&nif);
		netif_create_ip6_linklocal_address(&nif, 1);
		nif.ip6_autoconfig_enabled = 1;
		if (!fixed)
			dhcp_start(&nif);
	}
	in_stack = 0;
	uk_poller_add(&poller);
	run();
	if (have_nif && !fixed &&
	    uk_wait_nointr(bound, 0, uk_monotonic_ns() + DHCP_WAIT_NS) && uk_opt.verbose)
		uk_printk("uk: net: no DHCP answer yet\n");
	if (have_nif && uk_opt.verbose)
		say();
}

/* /etc/resolv.conf (fs/etcfiles.c asks when it makes /etc) */
__uk_cold const char *uk_net_resolv_conf(void)
{
	uk_net_up();
	if (!ndns)
		return 0;
	size_t n = 0;
	for (unsigned i = 0; i < ndns; i++) {
		char a[16];
		ip4addr_ntoa_r(&dns[i], a, sizeof(a));
		size_t l = uk_strlen(a);
		if (n + 12 + l >= sizeof(resolv))
			break;
		uk_memcpy(resolv + n, "nameserver ", 11);
		uk_memcpy(resolv + n + 11, a, l);
		n += 11 + l;
		resolv[n++] = '\n';
	}
	resolv[n] = 0;
	return resolv;
}

static int drained(void *arg)
{
	(void)arg;
	for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next)
		if (p->unsent || p->unacked || (p->flags & TF_CLOSEPEND))
			return 0;
	return 1;
}

/* At exit, what the program wrote but TCP has not delivered yet still
 * goes out (Linux sends it after the process is gone), for a while. */
__attribute__((destructor)) __uk_cold static void drain(void)
{
	/* runtime code in the program's context, where a signal timer or a
	 * second thread turned interrupts on: their handlers run timers and
	 * pollers, which must not find the stack's half-done */
	__asm__ volatile("cli" ::: "memory");
	if (up)
		uk_wait_nointr(drained, 0, uk_monotonic_ns() + DRAIN_NS); /* a signal ends it not */
	if (up && have_nif)
		uk_virtio_net_flush();
}
