/* Group brk: the program's heap end (syscall_brk.c, link_brk.c). */
#define SYS_BRK_LIST(X) X(12, brk, 1)
