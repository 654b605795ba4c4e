/* Anchor of the signal group (sys_signal.h, runtime/sched/): linked when
 * the program installs handlers, masks signals, waits for them or uses
 * timers (runtime/link-if/signal). */
#include "syscall.h"
#include "sys_signal.h"

#define SIG_ENTRY(nr, name, n) {sig_##name, nr, n},
static const struct uk_sys table[] = {SYS_SIGNAL_LIST(SIG_ENTRY)};
const struct uk_sys_group uk_link_signal = {table, ARRAY_SIZE(table),
					    SYS_SIGNAL_LIST(UK_SYS_NAME), 0};
