/* The PV console rings (uk/xen.h): the guest produces into out and
 * consumes from in; indexes run freely and wrap modulo 2^32. Indexes the
 * other side left inconsistent (more than a ring apart) move nothing. */
#include "xen.h"

size_t uk_xencons_put(struct uk_xencons_interface *r, const char *s, size_t n)
{
	uint32_t cons = __atomic_load_n(&r->out_cons, __ATOMIC_ACQUIRE);
	uint32_t prod = r->out_prod;
	size_t k = 0;

	if ((uint32_t)(prod - cons) > UK_XENCONS_OUT_SIZE)
		return 0;
	while (k < n && (uint32_t)(prod - cons) < UK_XENCONS_OUT_SIZE) {
		r->out[prod % UK_XENCONS_OUT_SIZE] = s[k++];
		prod++;
	}
	/* the bytes before the index that publishes them */
	__atomic_store_n(&r->out_prod, prod, __ATOMIC_RELEASE);
	return k;
}

int uk_xencons_get(struct uk_xencons_interface *r)
{
	uint32_t prod = __atomic_load_n(&r->in_prod, __ATOMIC_ACQUIRE);
	uint32_t cons = r->in_cons;
	int c;

	if (cons == prod || (uint32_t)(prod - cons) > UK_XENCONS_IN_SIZE)
		return -1;
	c = (unsigned char)r->in[cons % UK_XENCONS_IN_SIZE];
	__atomic_store_n(&r->in_cons, cons + 1, __ATOMIC_RELEASE);
	return c;
}
