/* A program whose image ends past the first GiB: 1,088 MiB of zeroed
 * static data (.bss), which the boot page tables must map (they covered
 * only the first GiB once, and such an image triple-faulted at its first
 * instruction). Its pages, the heap after it and a mapping all work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define BIG ((1u << 30) + (64u << 20))

static unsigned char big[BIG];

int main(void)
{
	unsigned long sum = 0, zero = 0;
	unsigned char *heap, *map;

	/* a byte in every 16 MiB, and the very last one */
	for (unsigned long off = 0; off < BIG; off += 16u << 20) {
		zero += big[off] == 0;
		big[off] = (unsigned char)(off >> 24);
	}
	big[BIG - 1] = 0x5a;
	for (unsigned long off = 0; off < BIG; off += 16u << 20)
		sum += big[off];
	printf("bss: %lu zero, sum %lu, last %#x\n", zero, sum, big[BIG - 1]);

	heap = malloc(32u << 20);
	if (!heap)
		return perror("malloc"), 1;
	memset(heap, 0xa5, 32u << 20);
	printf("heap: %s, %s\n", heap[(32u << 20) - 1] == 0xa5 ? "written" : "wrong",
	       (unsigned long)heap >= (unsigned long)big + BIG ||
			       (unsigned long)heap + (32u << 20) <= (unsigned long)big
		       ? "outside the bss"
		       : "INSIDE THE BSS");

	map = mmap(NULL, 8u << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return perror("mmap"), 1;
	map[0] = 1;
	map[(8u << 20) - 1] = 2;
	printf("mmap: %d, bss untouched: %s\n", map[0] + map[(8u << 20) - 1],
	       big[BIG - 1] == 0x5a && big[16u << 20] == 1 ? "yes" : "no");
	free(heap);
	return 0;
}
