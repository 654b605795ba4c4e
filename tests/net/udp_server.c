/* A UDP echo server in the guest, reached from the host through
 * uk run -p HOSTPORT:PORT/udp: each datagram goes back to its sender;
 * "quit" ends the program (status 0) after its echo. argv[1]: the port
 * (default 7070). Prints the first sender's address and, at the end, how
 * many datagrams it echoed. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	setvbuf(stdout, 0, _IONBF, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((unsigned short)(argc > 1 ? atoi(argv[1]) : 7070))};
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	if (u < 0 || bind(u, (struct sockaddr *)&a, sizeof(a))) {
		perror("udp");
		return 1;
	}
	unsigned n = 0;
	for (;;) {
		char buf[2048], ip[16];
		struct sockaddr_in from;
		socklen_t len = sizeof(from);
		long r = recvfrom(u, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
		if (r < 0) {
			perror("recvfrom");
			return 1;
		}
		if (!n++)
			printf("first from %s\n", inet_ntop(AF_INET, &from.sin_addr, ip, sizeof(ip)));
		if (sendto(u, buf, (size_t)r, 0, (struct sockaddr *)&from, len) != r)
			perror("sendto");
		if (r == 4 && !memcmp(buf, "quit", 4))
			break;
	}
	printf("echoed %u\n", n);
	return 0;
}
