/* UDP datagrams of every size class up to the largest through an echo
 * server at HOST PORT and back: each one fragmented on the way out and
 * reassembled on the way in, the bytes compared. Over IPv4 the largest is
 * 65507 bytes and one more is EMSGSIZE; over IPv6 up to 65487, lwIP's
 * largest (its packets' lengths are 16 bits, headers included; Linux's
 * 65527 is not reached: uk-runtime(7)). Usage: udp_big HOST PORT (HOST
 * numeric, either family); PORT 0: the program's own echo socket on HOST
 * answers (QEMU's user network passes no IPv6 fragments). */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char out[65536], in[65536], echo_buf[65536];
static int echo = -1; /* PORT 0: the echo socket */

/* waits up to ms for s's next datagram, answering the echo socket's meanwhile */
static long wait_back(int s, int ms)
{
	for (int left = ms; left > 0; left -= 100) {
		struct pollfd p[2] = {{s, POLLIN, 0}, {echo, POLLIN, 0}};
		if (poll(p, echo >= 0 ? 2 : 1, 100) <= 0)
			continue;
		if (p[0].revents & POLLIN)
			return recv(s, in, sizeof(in), 0);
		if (echo >= 0 && (p[1].revents & POLLIN)) {
			struct sockaddr_storage from;
			socklen_t fl = sizeof(from);
			long n = recvfrom(echo, echo_buf, sizeof(echo_buf), 0, (struct sockaddr *)&from, &fl);
			if (n >= 0)
				sendto(echo, echo_buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct addrinfo hints = {.ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST}, *ai;
	if (argc != 3 || getaddrinfo(argv[1], argv[2], &hints, &ai)) {
		fprintf(stderr, "usage: udp_big HOST PORT\n");
		return 2;
	}
	int s = socket(ai->ai_family, SOCK_DGRAM, 0);
	int v6 = ai->ai_family == AF_INET6;
	if (!strcmp(argv[2], "0")) {
		socklen_t l = ai->ai_addrlen;
		echo = socket(ai->ai_family, SOCK_DGRAM, 0);
		int big = 1 << 20;
		setsockopt(echo, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
		if (bind(echo, ai->ai_addr, ai->ai_addrlen) || getsockname(echo, ai->ai_addr, &l)) {
			perror("echo socket");
			return 2;
		}
	}
	size_t sizes[] = {1, 1472, 1473, 4000, 16384, 32768, 50000, 65000, v6 ? 65487 : 65507, 65508};
	unsigned count = sizeof(sizes) / sizeof(sizes[0]) - v6;
	int bad = 0;
	/* until the address is there (IPv6's is configured after boot): 10 s */
	for (int t = 0; t < 100 && sendto(s, "", 0, 0, ai->ai_addr, ai->ai_addrlen) < 0 &&
			(errno == ENETUNREACH || errno == EADDRNOTAVAIL || errno == EHOSTUNREACH);
	     t++)
		usleep(100000);
	wait_back(s, 5000); /* the empty datagram's echo */
	for (unsigned i = 0; i < count; i++) {
		size_t n = sizes[i];
		for (size_t k = 0; k < n; k++)
			out[k] = (char)(k * 7 + i);
		errno = 0;
		long r = sendto(s, out, n, 0, ai->ai_addr, ai->ai_addrlen);
		if (r < 0) {
			printf("%zu: %s\n", n, strerror(errno));
			continue;
		}
		/* an answer within 5 s, or it was lost (UDP: tried three times) */
		long got = -1;
		for (int t = 0; t < 3 && got < 0; t++)
			if ((got = wait_back(s, 5000)) < 0 && t < 2)
				sendto(s, out, n, 0, ai->ai_addr, ai->ai_addrlen);
		int same = got == (long)n && !memcmp(out, in, n);
		bad |= !same;
		printf("%zu: sent %ld, back %ld, %s\n", n, r, got, same ? "same bytes" : "DIFFERENT");
	}
	freeaddrinfo(ai);
	return bad;
}
