/* Anchor of the brk group (sys_brk.h): linked when the program has musl's
 * malloc (both of its allocators grow the heap with brk first), sbrk or
 * syscall (runtime/link-if/brk). */
#include "syscall.h"

UK_SYS_GROUP(uk_link_brk, SYS_BRK_LIST, 0);
