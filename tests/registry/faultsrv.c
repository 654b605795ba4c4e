/* A tiny, single-threaded registry for uk's tests that misbehaves on
 * purpose. It serves an OCI image layout read-only:
 *   GET/HEAD /v2/                      200
 *   GET /v2/<repo>/manifests/<tag>     the blob named by DIR/tags/<tag>
 *   GET /v2/<repo>/manifests/<digest>  DIR/blobs/sha256/<hex>
 *   GET /v2/<repo>/blobs/<digest>      DIR/blobs/sha256/<hex>
 *   GET /token                         {"token":"tok123"} for Basic test:secret
 * Faults: -f N answers the first N requests with 503; -b requires a Bearer
 * token got from the realm (default this server's /token; -r URL names
 * another) with Basic user:pw; -d drops the connection halfway through
 * every blob; -D N drops it halfway through the first N blobs of over
 * 128 KiB, then serves them whole (a download that starts again); -s waits 3 s in the middle of every blob (for killing a
 * client mid-transfer); -e FILE answers every manifest request with HTTP
 * 400 and FILE as its JSON body (a registry's error text). The bytes are
 * served as stored, so a corrupt or crafted blob in DIR reaches the client
 * unchanged (a descriptor's size may lie, a layer may be a gzip bomb).
 * -a ADDR listens on that loopback address instead of 127.0.0.1; -t CERT
 * -k KEY speaks TLS (each connection's TLS runs in a child process, the
 * requests are answered here in order); -l LOG appends one line a request,
 * "METHOD PATH AUTH-SCHEME" (for seeing who sent credentials where).
 * Usage: faultsrv [options] DIR PORTFILE (writes its port there). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int fail_first, bearer, drop, drop_first, slow;
static const char *dir, *realm, *error_body, *logpath;
static const char *addr = "127.0.0.1";
static SSL_CTX *tls;
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
	int cut = drop && !strstr(path, "tags");

	if (!cut && !head && drop_first > 0 && !strstr(path, "tags") && st.st_size > (128 << 10)) {
		drop_first--;
		cut = 1;
	}
	while (!head && (n = fread(buf, 1, sizeof(buf), in)) > 0) {
		if (cut && sent + n > (size_t)st.st_size / 2)
			break; /* drop the connection mid-blob */
		if (slow && !strstr(path, "tags") && n > 1) {
			fwrite(buf, 1, n / 2, f);
			fflush(f);
			sleep(3);
			fwrite(buf + n / 2, 1, n - n / 2, f);
			sent += n;
			continue;
		}
		if (fwrite(buf, 1, n, f) != n)
			break;
		sent += n;
	}
	fclose(in);
}

static void serve_error(FILE *f)
{
	FILE *in = fopen(error_body, "rb");
	char body[65536];
	size_t n = in ? fread(body, 1, sizeof(body), in) : 0;

	if (in)
		fclose(in);
	reply(f, 400, "Content-Type: application/json\r\n", body, n);
}

static void log_request(const char *method, const char *path, const char *auth)
{
	FILE *l = logpath ? fopen(logpath, "a") : NULL;

	if (!l)
		return;
	fprintf(l, "%s %s %.*s\n", method, path, (int)strcspn(auth, " \r\n"),
		auth[0] ? auth : "-");
	fclose(l);
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
			snprintf(auth, sizeof(auth), "%.1000s", line + 15);
	log_request(method, path, auth);
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
		char h[1024], own[256];

		snprintf(own, sizeof(own), "%s://%s:%u/token", tls ? "https" : "http",
			 addr, port);
		snprintf(h, sizeof(h), "WWW-Authenticate: Bearer realm=\"%s\","
			 "service=\"faultsrv\",scope=\"repository:x:pull\"\r\n",
			 realm ? realm : own);
		reply(f, 401, h, "", 0);
	} else if (!strcmp(path, "/v2/") || !strcmp(path, "/v2")) {
		reply(f, 200, NULL, "{}", 2);
	} else if (error_body && strstr(path, "/manifests/")) {
		serve_error(f);
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

/* Moves bytes between the TLS connection c and the plain socket s until
 * either side is done. */
static void relay(int c, int s)
{
	SSL *ssl = SSL_new(tls);
	char buf[16384];

	if (!ssl || !SSL_set_fd(ssl, c) || SSL_accept(ssl) <= 0)
		return;
	for (;;) {
		struct pollfd pf[2] = {{c, POLLIN, 0}, {s, POLLIN, 0}};
		int n;

		if (!SSL_pending(ssl) && poll(pf, 2, 30000) <= 0)
			break;
		if (SSL_pending(ssl) || (pf[0].revents & (POLLIN | POLLHUP))) {
			n = SSL_read(ssl, buf, sizeof(buf));
			if (n <= 0 || write(s, buf, (size_t)n) != n)
				break;
			continue;
		}
		if (pf[1].revents & (POLLIN | POLLHUP)) {
			n = (int)read(s, buf, sizeof(buf));
			if (n <= 0 || SSL_write(ssl, buf, n) != n)
				break;
		}
	}
	SSL_shutdown(ssl);
	SSL_free(ssl);
}

static void serve(int c)
{
	int sv[2];
	pid_t pid;

	if (!tls) {
		handle(c);
		return;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		close(c);
		return;
	}
	pid = fork();
	if (pid == 0) {
		close(sv[1]);
		relay(c, sv[0]);
		_exit(0);
	}
	close(c);
	close(sv[0]);
	if (pid > 0)
		handle(sv[1]);
	else
		close(sv[1]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static int tls_setup(const char *cert, const char *key)
{
	tls = SSL_CTX_new(TLS_server_method());
	if (!tls || SSL_CTX_use_certificate_chain_file(tls, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(tls, key, SSL_FILETYPE_PEM) != 1) {
		ERR_print_errors_fp(stderr);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {0};
	socklen_t alen = sizeof(a);
	const char *cert = NULL, *key = NULL;
	int s, c, one = 1;
	FILE *pf;

	signal(SIGPIPE, SIG_IGN);
	while ((c = getopt(argc, argv, "f:bdD:se:r:a:t:k:l:")) != -1) {
		if (c == 'f')
			fail_first = atoi(optarg);
		else if (c == 'b')
			bearer = 1;
		else if (c == 'd')
			drop = 1;
		else if (c == 'D')
			drop_first = atoi(optarg);
		else if (c == 's')
			slow = 1;
		else if (c == 'e')
			error_body = optarg;
		else if (c == 'r')
			realm = optarg;
		else if (c == 'a')
			addr = optarg;
		else if (c == 't')
			cert = optarg;
		else if (c == 'k')
			key = optarg;
		else if (c == 'l')
			logpath = optarg;
		else
			return 2;
	}
	if (argc - optind != 2 || !cert != !key)
		return 2;
	if (cert && tls_setup(cert, key) < 0)
		return 1;
	dir = argv[optind];
	s = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &a.sin_addr) != 1 ||
	    (ntohl(a.sin_addr.s_addr) >> 24) != 127)
		return 2; /* loopback only */
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
			serve(c);
	}
}
