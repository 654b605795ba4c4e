/* Group net: the socket calls (socket.c, socket.h; link_net.c). */
#define SYS_NET_LIST(X)                                                                     \
	X(41, socket, 3) X(42, connect, 3) X(43, accept, 3) X(44, sendto, 6)                     \
	X(45, recvfrom, 6) X(46, sendmsg, 3) X(47, recvmsg, 3) X(48, shutdown, 2)                 \
	X(49, bind, 3) X(50, listen, 2) X(51, getsockname, 3) X(52, getpeername, 3)              \
	X(53, socketpair, 4) X(54, setsockopt, 5) X(55, getsockopt, 5) X(288, accept4, 4)
