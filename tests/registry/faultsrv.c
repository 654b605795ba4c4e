/* A tiny, single-threaded registry for uk's tests that misbehaves on
 * purpose. It serves an OCI image layout read-only:
 *   GET/HEAD /v2/                      200
 *   GET /v2/<repo>/manifests/<tag>     the blob named by DIR/tags/<tag>
 *   GET /v2/<repo>/manifests/<digest>  DIR/blobs/sha256/<hex>
 *   GET /v2/<repo>/blobs/<digest>      DIR/blobs/sha256/<hex>
 * Faults: -f N answers the first N requests with 503; -b requires a Bearer
 * token got from /token with Basic user:pw; -d drops the connection
 * halfway through every blob; -s waits 3 s in the middle of every blob
 * (for killing a client mid-transfer). The bytes are served as stored, so a
 * corrupt blob in DIR reaches the client unchanged.
 * Usage: faultsrv [-f N] [-b] [-d] [-s] DIR PORTFILE (writes its port there). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail_first, bearer, drop, slow;
static const char *dir;
static unsigned port;

static void reply(FILE *f, int code, const char *extra, const char *body,
		  size_t len)
{
	fprintf(f, "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n",
		code, len, extra ? extra : "");
	if (body)
		fwrite(body, 1, len, f);
}

static void serve_file(FILE *f, const char *path, int head, const char *type)
{
	FILE *in = fopen(path, "rb");
	char hdr[256], buf[65536];
	struct stat st;
	size_t n, sent = 0;

	if (!in || fstat(fileno(in), &st) < 0) {
		reply(f, 404, "Content-Type: application/json\r\n",
		      "{\"errors\":[{\"code\":\"NOT_FOUND\"}]}", 33);
		if (in)
			fclose(in);
		return;
	}
	snprintf(hdr, sizeof(hdr), "Content-Type: %s\r\n", type);
	fprintf(f, "HTTP/1.1 200 OK\r\nContent-Length: %lld\r\nConnection: close\r\n%s\r\n",
		(long long)st.st_size, hdr);
	while (!head && (n = fread(buf, 1, sizeof(buf), in)) > 0) {
		if (drop && !strstr(path, "tags") && sent + n > (size_t)st.st_size / 2)
			break; /* drop the connection mid-blob */
		if (slow && !strstr(path, "tags") && n > 1) {
			fwrite(buf, 1, n / 2, f);
			fflush(f);
			sleep(3);
			fwrite(buf + n / 2, 1, n - n / 2, f);
			sent += n;
			continue;
		}
		fwrite(buf, 1, n, f);
		sent += n;
	}
	fclose(in);
}

static void handle(int fd)
{
	static int count;
	FILE *f = fdopen(fd, "r+");
	char line[4096], method[16], path[2048], auth[1024] = "", file[4096];
	char *p;

	if (!f || !fgets(line, sizeof(line), f) ||
	    sscanf(line, "%15s %2047s", method, path) != 2) {
		if (f)
			fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f) && strcmp(line, "\r\n") && strcmp(line, "\n"))
		if (!strncasecmp(line, "Authorization:", 14))
			snprintf(auth, sizeof(auth), "%s", line + 15);
	if (count++ < fail_first) {
		reply(f, 503, NULL, "", 0);
	} else if (!strncmp(path, "/token", 6)) {
		/* test:secret */
		if (strncmp(auth, "Basic dGVzdDpzZWNyZXQ=", 22))
			reply(f, 401, NULL, "", 0);
		else
			reply(f, 200, "Content-Type: application/json\r\n",
			      "{\"token\":\"tok123\"}", 18);
	} else if (bearer && strncmp(auth, "Bearer tok123", 13)) {
		char h[512];

		snprintf(h, sizeof(h), "WWW-Authenticate: Bearer realm=\"http://127.0.0.1:%u/token\","
			 "service=\"faultsrv\",scope=\"repository:x:pull\"\r\n", port);
		reply(f, 401, h, "", 0);
	} else if (!strcmp(path, "/v2/") || !strcmp(path, "/v2")) {
		reply(f, 200, NULL, "{}", 2);
	} else if ((p = strstr(path, "/manifests/")) || (p = strstr(path, "/blobs/"))) {
		int is_manifest = p[1] == 'm';
		const char *ref = strchr(p + 1, '/') + 1;

		if (!strncmp(ref, "sha256:", 7))
			snprintf(file, sizeof(file), "%s/blobs/sha256/%s", dir, ref + 7);
		else
			snprintf(file, sizeof(file), "%s/tags/%s", dir, ref);
		serve_file(f, file, !strcmp(method, "HEAD"),
			   is_manifest ? "application/vnd.oci.image.index.v1+json"
				       : "application/octet-stream");
	} else {
		reply(f, 404, NULL, "", 0);
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {0};
	socklen_t alen = sizeof(a);
	int s, c, one = 1;
	FILE *pf;

	signal(SIGPIPE, SIG_IGN);
	while ((c = getopt(argc, argv, "f:bds")) != -1) {
		if (c == 'f')
			fail_first = atoi(optarg);
		else if (c == 'b')
			bearer = 1;
		else if (c == 'd')
			drop = 1;
		else if (c == 's')
			slow = 1;
		else
			return 2;
	}
	if (argc - optind != 2)
		return 2;
	dir = argv[optind];
	s = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 16) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &alen) < 0)
		return 1;
	port = ntohs(a.sin_port);
	pf = fopen(argv[optind + 1], "w");
	if (!pf)
		return 1;
	fprintf(pf, "%u\n", port);
	fclose(pf);
	for (;;) {
		c = accept(s, NULL, NULL);
		if (c >= 0)
			handle(c);
	}
}
