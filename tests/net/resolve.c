/* getaddrinfo in a uk image: each argument is a name to look up (port 80,
 * TCP, any family), printed as its addresses sorted as text (musl orders
 * them by the routes there are, which IPv6's address coming late would
 * change), or the error. "--resolv" first prints the name servers of
 * /etc/resolv.conf (what DHCP or the image's own file says). */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static void resolv(void)
{
	FILE *f = fopen("/etc/resolv.conf", "r");
	char line[256];
	if (!f) {
		printf("no /etc/resolv.conf\n");
		return;
	}
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "nameserver", 10))
			printf("resolv.conf: %s", line);
	fclose(f);
}

static int by_text(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void lookup(const char *name)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res, *ai;
	int r = getaddrinfo(name, "80", &hints, &res);
	if (r) {
		printf("%s: %s\n", name, gai_strerror(r));
		return;
	}
	char ip[16][64];
	size_t n = 0;
	for (ai = res; ai && n < 16; ai = ai->ai_next) {
		const void *a = ai->ai_family == AF_INET6
					? (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr
					: (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr;
		inet_ntop(ai->ai_family, a, ip[n++], sizeof(ip[0]));
	}
	qsort(ip, n, sizeof(ip[0]), by_text);
	printf("%s:", name);
	for (size_t i = 0; i < n; i++)
		printf(" %s", ip[i]);
	printf("\n");
	freeaddrinfo(res);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, 0, _IONBF, 0);
	int i = 1;
	if (argc > 1 && !strcmp(argv[1], "--resolv")) {
		resolv();
		i++;
	}
	for (; i < argc; i++)
		lookup(argv[i]);
	return 0;
}
