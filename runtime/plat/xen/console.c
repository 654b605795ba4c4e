/* Console of the xen platform: the PV console ring, found through
 * HVMOP_get_param (its page and event channel); the backend is told of new
 * output, or of room made in the input ring, with EVTCHNOP_send. Off Xen,
 * the UART. */
#include "kernel.h"
#include "xen.h"

#define FULL_RING_YIELDS 100000 /* then output is dropped, never a hang */

static struct uk_xencons_interface *ring;
static uint32_t evtchn;
static int cons_state; /* 0 not set up, 1 ring, -1 none */

__uk_cold static int get_param(uint32_t index, uint64_t *value)
{
	struct uk_xen_hvm_param p = { .domid = UK_XEN_DOMID_SELF, .index = index };

	if (uk_xen_hypercall(UK_XEN_HC_HVM_OP, UK_XEN_HVMOP_GET_PARAM, &p) != 0)
		return -1;
	*value = p.value;
	return 0;
}

__uk_cold static int cons_setup(void)
{
	uint64_t pfn, port;

	if (get_param(UK_XEN_HVM_PARAM_CONSOLE_PFN, &pfn) != 0 || !pfn ||
	    get_param(UK_XEN_HVM_PARAM_CONSOLE_EVTCHN, &port) != 0)
		return -1;
	/* the page is outside RAM (reserved in the memory map): map it */
	uk_paging_map_mmio(pfn << 12);
	ring = (struct uk_xencons_interface *)(pfn << 12);
	evtchn = (uint32_t)port;
	return 1;
}

static int on_ring(void)
{
	if (!cons_state)
		cons_state = uk_xen_detect() ? cons_setup() : -1;
	return cons_state > 0;
}

static void notify(void)
{
	struct uk_xen_evtchn_send s = { .port = evtchn };

	uk_xen_hypercall(UK_XEN_HC_EVENT_CHANNEL, UK_XEN_EVTCHNOP_SEND, &s);
}

static void ring_write(const char *s, size_t n)
{
	unsigned yields = 0;

	while (n > 0) {
		size_t k = uk_xencons_put(ring, s, n);

		s += k;
		n -= k;
		notify();
		if (n > 0 && k == 0) {
			if (++yields > FULL_RING_YIELDS)
				return;
			uk_xen_hypercall(UK_XEN_HC_SCHED_OP, UK_XEN_SCHEDOP_YIELD, 0);
		}
	}
}

/* "\n" goes out as "\r\n": `xl console` puts the terminal in raw mode, so
 * nobody else adds the carriage return (on kvm, QEMU's tty does). */
void uk_plat_console_write(const char *s, size_t n)
{
	if (!on_ring()) {
		uk_kvm_console_write(s, n);
		return;
	}
	while (n > 0) {
		size_t k = 0;

		while (k < n && s[k] != '\n')
			k++;
		ring_write(s, k);
		if (k < n) {
			ring_write("\r\n", 2);
			k++;
		}
		s += k;
		n -= k;
	}
}

/* The ring's input is polled (no event-channel upcall yet); no end of
 * file crosses from the backend. */
__uk_cold int uk_plat_console_input(int resync)
{
	return on_ring() ? 0 : uk_kvm_console_input(resync);
}

int uk_plat_console_getc(void)
{
	int c;

	if (!on_ring())
		return uk_kvm_console_getc();
	c = uk_xencons_get(ring);
	if (c >= 0)
		notify(); /* room in the input ring */
	return c;
}
