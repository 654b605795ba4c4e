/* Group event: pipes, poll/select/epoll, eventfd, timerfd (link_event.c). */
#define SYS_EVENT_LIST(X)
