/* The optional system-call groups (syscall.h): each sys_<group>.h defines
 * SYS_<GROUP>_LIST(X), sorted by number. */
#ifndef UK_SYS_GROUPS_H
#define UK_SYS_GROUPS_H

#include "sys_fd.h"
#include "sys_fs.h"
#include "sys_event.h"
#include "sys_net.h"
#include "sys_time.h"
#include "sys_sysinfo.h"
#include "sys_brk.h"
#include "sys_ids.h"

#define SYS_GROUPS(X) SYS_FD_LIST(X) SYS_FS_LIST(X) SYS_EVENT_LIST(X) SYS_NET_LIST(X) SYS_TIME_LIST(X) \
	SYS_SYSINFO_LIST(X) SYS_BRK_LIST(X) SYS_IDS_LIST(X)

#endif
