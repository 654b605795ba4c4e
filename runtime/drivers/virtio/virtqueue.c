/* Split virtqueues (virtio 1.x, 2.7): a descriptor table, the available
 * ring the driver fills and the used ring the device fills, in pages of
 * their own laid out as the legacy interface wants (used ring on the next
 * page boundary), which modern devices accept too. */
#include "errno.h"
#include "virtio.h"
#include "wait.h"

#define SPIN_LOOPS 20000 /* ~tens of microseconds before sleeping */
#define RECHECK_NS 10000000ull

#define barrier() __asm__ volatile("" ::: "memory")

static unsigned ring_bytes(unsigned num)
{
	return (unsigned)ALIGN_UP(16 * num + 6 + 2 * num, PAGE_SIZE);
}

__uk_cold long uk_virtq_init(struct uk_virtq *q, struct uk_virtio_dev *d, unsigned i, unsigned max)
{
	unsigned num = d->ops->queue_max(d, i);
	if (!num)
		return -ENODEV;
	if (num > max)
		num = max;
	/* a power of two (legacy and split rings need one) */
	while (num & (num - 1))
		num &= num - 1;
	uk_memset(q, 0, sizeof(*q));
	q->dev = d;
	q->index = i;
	q->num = num;
	q->mem_size = ring_bytes(num) + ALIGN_UP(6 + 8 * num, PAGE_SIZE);
	q->mem = uk_pmem_alloc(q->mem_size, ~0ull);
	if (!q->mem)
		return -ENOMEM;
	uk_memset((void *)q->mem, 0, q->mem_size);
	q->desc = (struct uk_vq_desc *)q->mem;
	q->avail = (volatile uint16_t *)(q->mem + 16 * num);
	q->used = (volatile uint16_t *)(q->mem + ring_bytes(num));
	for (unsigned k = 0; k < num; k++)
		q->desc[k].next = (uint16_t)(k + 1);
	q->nfree = (uint16_t)num;
	if (d->ops->queue_enable(d, q)) {
		uk_pmem_free(q->mem, q->mem_size);
		return -EIO;
	}
	return 0;
}

long uk_virtq_submit(struct uk_virtq *q, const struct uk_vq_buf *b, unsigned n)
{
	if (!n || n > q->nfree)
		return -ENOSPC;
	uint16_t head = q->free_head, k = head;
	for (unsigned j = 0; j < n; j++) {
		struct uk_vq_desc *dsc = &q->desc[k];
		dsc->addr = (uint64_t)b[j].addr;
		dsc->len = b[j].len;
		dsc->flags = (uint16_t)((b[j].write ? UK_VQ_F_WRITE : 0) | (j + 1 < n ? UK_VQ_F_NEXT : 0));
		k = dsc->next;
	}
	q->free_head = k;
	q->nfree = (uint16_t)(q->nfree - n);
	q->avail[2 + (q->avail_idx % q->num)] = head;
	barrier();
	q->avail_idx++;
	q->avail[1] = q->avail_idx;
	barrier();
	q->dev->ops->notify(q->dev, q);
	return head;
}

long uk_virtq_reap(struct uk_virtq *q, uint32_t *written)
{
	if (q->used[1] == q->last_used)
		return -EAGAIN;
	barrier();
	volatile struct uk_vq_used_elem *e =
		(volatile struct uk_vq_used_elem *)(q->used + 2) + (q->last_used % q->num);
	uint32_t head = e->id, len = e->len;
	q->last_used++;
	if (head >= q->num)
		return -EIO;
	/* give the chain back: it ends at the descriptor without NEXT */
	uint16_t k = (uint16_t)head, n = 1;
	while ((q->desc[k].flags & UK_VQ_F_NEXT) && n < q->num) {
		k = q->desc[k].next;
		n++;
	}
	q->desc[k].next = q->free_head;
	q->free_head = (uint16_t)head;
	q->nfree = (uint16_t)(q->nfree + n);
	if (written)
		*written = len;
	return head;
}

static int completed(void *arg)
{
	struct uk_virtq *q = arg;
	return q->used[1] != q->last_used;
}

static void nothing(void)
{
}

long uk_virtq_wait(struct uk_virtq *q, uint32_t *written)
{
	for (unsigned i = 0; i < SPIN_LOOPS; i++) {
		if (completed(q))
			return uk_virtq_reap(q, written);
		__asm__ volatile("pause");
	}
	/* without an interrupt, wake every millisecond to look (while any
	 * thread waits so: each on a queue of its own, with threads) */
	static struct uk_poller poller = {.poll = nothing};
	static unsigned polling;
	int polled = q->dev->ops->irq(q->dev) != 0;
	if (polled && !polling++)
		uk_poller_add(&poller);
	/* even with an interrupt, look again now and then: a lost one then
	 * costs a few milliseconds, not the program; a signal waits for the
	 * request (uk_wait would return at once, and this loop spin) */
	while (uk_wait_nointr(completed, q, uk_monotonic_ns() + RECHECK_NS))
		;
	if (polled && !--polling)
		uk_poller_remove(&poller);
	return uk_virtq_reap(q, written);
}
