/* Anchor of the event group (sys_event.h): linked when the program uses
 * pipes, poll, select, epoll, eventfd or timerfd (runtime/link-if/event). */
#include "syscall.h"

UK_SYS_GROUP(uk_link_event, SYS_EVENT_LIST, 0);
