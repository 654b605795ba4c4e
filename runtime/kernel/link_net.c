/* Anchor of the net group (sys_net.h): linked when the program uses
 * sockets (runtime/link-if/net). The families come from elsewhere
 * (socket.h): without one, socket() is EAFNOSUPPORT. */
#include "syscall.h"

UK_SYS_GROUP(uk_link_net, SYS_NET_LIST, 0);
