/* What the memory system calls share (syscall_mman.c, syscall_mprotect.c,
 * syscall_mremap.c). */
#ifndef UK_MMAN_H
#define UK_MMAN_H

#include "syscall.h"

#define PROT_RW   3
#define PROT_WX   6
#define TASK_SIZE 0x7ffffffff000ull /* Linux's end of user space */

/* mman_file.c, weak: writes back and forgets shared file mappings */
__attribute__((weak)) void uk_munmap_file(uint64_t addr, uint64_t len);

/* PROT_WRITE|PROT_EXEC without allow_wx (link_wx.c) */
int uk_mman_wx_refused(long prot);
/* Gives back the program's pages in [p, end); others are left alone. */
void uk_mman_unmap(uint64_t p, uint64_t end);
/* [p, end) is all the program's (true when empty). */
int uk_mman_owned_all(uint64_t p, uint64_t end);
/* Pages just taken from the allocator become the program's: zeroed, then
 * given prot; -ENOMEM (and given back) when a page table is missing. */
int uk_mman_take(uint64_t p, uint64_t end, unsigned prot);

#endif
