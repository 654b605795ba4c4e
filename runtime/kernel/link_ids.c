/* Anchor of the ids group (sys_ids.h): linked when the program has
 * getpid, getppid, getuid, geteuid, getgid or getegid, or a member of the
 * C library making one of those calls itself (setgroups, the set*id
 * family through __setxid, posix_spawn, faccessat), or syscall
 * (runtime/link-if/ids). */
#include "syscall.h"

UK_SYS_GROUP(uk_link_ids, SYS_IDS_LIST, 0);
