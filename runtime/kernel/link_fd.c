/* Anchor of group fd (sys_fd.h): linked when the program uses dup, fcntl,
 * pread and the like (runtime/link-if/fd). */
#include "syscall.h"

UK_SYS_GROUP(uk_link_fd, SYS_FD_LIST, 0);
