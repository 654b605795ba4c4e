/* Anchor of the event group (sys_event.h): linked when the program uses
 * pipes, poll, select, epoll, eventfd or timerfd. */
#include "syscall.h"

long (*const uk_link_event[])(const long *) = {
	sys_poll, sys_pipe, sys_select, sys_epoll_create, sys_epoll_wait, sys_epoll_ctl,
	sys_pselect6, sys_ppoll, sys_epoll_pwait, sys_timerfd_create, sys_eventfd,
	sys_timerfd_settime, sys_timerfd_gettime, sys_eventfd2, sys_epoll_create1, sys_pipe2,
	sys_epoll_pwait2,
};
