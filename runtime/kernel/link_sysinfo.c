/* Anchor of the sysinfo group (sys_sysinfo.h): linked when the program has
 * getrlimit, setrlimit, prlimit, uname or sysinfo, the only members of the
 * C library making those calls (sysconf and gethostname call them), or
 * syscall (runtime/link-if/sysinfo). */
#include "syscall.h"

UK_SYS_GROUP(uk_link_sysinfo, SYS_SYSINFO_LIST, 0);
