/* Anchor of the time group (sys_time.h): linked when the program reads a
 * clock or sleeps (runtime/link-if/time: the musl members making those
 * calls). Without it the calls answer ENOSYS, and the wall clock (the
 * RTC's driver) stays out of the image too. */
#include "syscall.h"

UK_SYS_GROUP(uk_link_time, SYS_TIME_LIST, 0);
