/* Group event: pipes, poll/select/epoll, eventfd, timerfd (link_event.c). */
#define SYS_EVENT_LIST(X)                                                                   \
	X(7, poll, 3) X(22, pipe, 1) X(23, select, 5) X(213, epoll_create, 1)                     \
	X(232, epoll_wait, 4) X(233, epoll_ctl, 4) X(270, pselect6, 6) X(271, ppoll, 5)           \
	X(281, epoll_pwait, 6) X(283, timerfd_create, 2) X(284, eventfd, 1)                      \
	X(286, timerfd_settime, 4) X(287, timerfd_gettime, 2) X(290, eventfd2, 2)                \
	X(291, epoll_create1, 1) X(293, pipe2, 2) X(441, epoll_pwait2, 6)
