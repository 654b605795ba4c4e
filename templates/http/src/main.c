/* @NAME@: a small HTTP/1.1 server, one epoll loop over non-blocking sockets.
 *
 * GET and HEAD, keep-alive (HTTP/1.1's default; HTTP/1.0 with
 * "Connection: keep-alive"), pipelined requests answered in order. Files come
 * from the folder HTTP_ROOT (default /www: uk.yaml's files: puts a project
 * folder there); without that folder, "/" is a built-in page.
 * Environment: PORT (default 8080), HTTP_ROOT, and HTTP_STATS=1, which adds
 * /.stats (open descriptors, connections, requests) and /.quit (exit 0).
 * Text is put together by put() and put_num() below rather than stdio,
 * which would be the largest part of the C library in the image. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FDS 4096
#define IN_MAX 8192   /* a request's line and headers */
#define HEAD_MAX 2048 /* a response's headers and small body */
#define BUILTIN (-2)  /* conn.file: the body is the built-in page */

static const char page[] =
	"<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>@NAME@</title>\n"
	"<style>body{font-family:sans-serif;max-width:40em;margin:3em auto;line-height:1.5}"
	"code{background:#eee;padding:0 .2em}</style></head>\n<body>\n"
	"<h1>@NAME@ answers</h1>\n"
	"<p>This page comes from a uk unikernel: one C program, musl and the parts of uk's "
	"library OS it uses, booted as a virtual machine. The server is an epoll loop over "
	"non-blocking sockets in <code>src/main.c</code>, keeping connections alive between "
	"requests.</p>\n"
	"<p>To serve your own files, put them in a folder of the project, say "
	"<code>www/</code>, and add to <code>uk.yaml</code>:</p>\n"
	"<pre>files:\n  /www: www/</pre>\n"
	"<p>then <code>uk build</code> and <code>uk run</code> again: <code>/</code> is then "
	"<code>www/index.html</code>. The port is the program's <code>PORT</code> "
	"(8080); <code>ports:</code> in <code>uk.yaml</code> says which ports "
	"<code>uk run</code> forwards from 127.0.0.1.</p>\n"
	"</body></html>\n";

struct conn {
	char in[IN_MAX];
	size_t nin;
	char head[HEAD_MAX]; /* what is still to send before the file */
	size_t nhead, sent;
	int file;            /* the body's file, BUILTIN, or -1 */
	off_t off, end;
	int close_after;     /* answer then close (HTTP/1.0, errors, /.quit) */
	int eof;             /* the client sent all it will */
	int quit;            /* /.quit: the server ends after this answer */
};

static struct conn **conns; /* MAX_FDS slots, by descriptor */
static int ep, stats, done;
static const char *root;
static int root_ok;
static unsigned long requests, nconns;

/* Text built in a fixed buffer: what does not fit is counted, not stored
 * (t->n > t->cap then), so a caller can tell. */
struct text {
	char *buf;
	size_t cap, n;
};

static void put(struct text *t, const char *s)
{
	for (; *s; s++, t->n++)
		if (t->n < t->cap)
			t->buf[t->n] = *s;
}

static void put_num(struct text *t, unsigned long long v)
{
	char d[21];
	int i = sizeof(d) - 1;

	d[i] = '\0';
	do
		d[--i] = (char)('0' + v % 10);
	while (v /= 10);
	put(t, d + i);
}

/* a line on standard output or error */
static void say(int fd, struct text *t)
{
	if (write(fd, t->buf, t->n < t->cap ? t->n : t->cap) < 0)
		return; /* nowhere to say it */
}

/* what failed and why, as perror(3) says it */
static void complain(const char *what)
{
	const char *why = strerror(errno);
	char b[256];
	struct text t = { b, sizeof(b), 0 };

	put(&t, what);
	put(&t, ": ");
	put(&t, why);
	put(&t, "\n");
	say(2, &t);
}

static int open_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < MAX_FDS; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

static void watch(int fd, int op, unsigned events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	if (epoll_ctl(ep, op, fd, &ev) < 0 && op != EPOLL_CTL_DEL)
		complain("epoll_ctl");
}

static void drop(int fd)
{
	struct conn *c = conns[fd];

	if (c->file >= 0)
		close(c->file);
	done |= c->quit;
	free(c);
	conns[fd] = NULL;
	nconns--;
	close(fd); /* leaves the epoll set too */
}

static const char *type_of(const char *path)
{
	static const char *const types[][2] = {
		{ ".html", "text/html; charset=utf-8" }, { ".htm", "text/html; charset=utf-8" },
		{ ".css", "text/css" },			 { ".js", "text/javascript" },
		{ ".json", "application/json" },	 { ".txt", "text/plain; charset=utf-8" },
		{ ".svg", "image/svg+xml" },		 { ".png", "image/png" },
		{ ".jpg", "image/jpeg" },		 { ".ico", "image/x-icon" },
	};
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcasecmp(dot, types[i][0]))
			return types[i][1];
	return "application/octet-stream";
}

/* The response's status line and headers, then body (len bytes, or none
 * when NULL: a file follows, or HEAD). */
static void respond(struct conn *c, int status, const char *type, long long len,
		    const char *body, int head_only)
{
	const char *reason = status == 200   ? "OK"
			     : status == 400 ? "Bad Request"
			     : status == 404 ? "Not Found"
			     : status == 405 ? "Method Not Allowed"
			     : status == 431 ? "Request Header Fields Too Large"
					     : "HTTP Version Not Supported";
	struct text t = { c->head, HEAD_MAX, 0 };

	put(&t, "HTTP/1.1 ");
	put_num(&t, (unsigned)status);
	put(&t, " ");
	put(&t, reason);
	put(&t, "\r\nServer: @NAME@\r\nContent-Type: ");
	put(&t, type);
	put(&t, "\r\nContent-Length: ");
	put_num(&t, (unsigned long long)len);
	put(&t, c->close_after ? "\r\nConnection: close\r\n\r\n" : "\r\n\r\n");
	if (body && !head_only && t.n + (size_t)len <= HEAD_MAX) {
		memcpy(c->head + t.n, body, (size_t)len);
		t.n += (size_t)len;
	}
	c->nhead = t.n < HEAD_MAX ? t.n : HEAD_MAX;
	c->sent = 0;
}

static void error_page(struct conn *c, int status, int head_only)
{
	char body[64];
	struct text t = { body, sizeof(body), 0 };

	put_num(&t, (unsigned)status);
	put(&t, "\n");
	respond(c, status, "text/plain", (long long)t.n, body, head_only);
}

static int hex(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20; /* lower case */
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* %XX decoded into out; refuses NUL, "..", and paths not starting at '/' */
static int clean_path(const char *s, size_t len, char *out, size_t cap)
{
	size_t o = 0;

	if (!len || s[0] != '/')
		return -1;
	for (size_t i = 0; i < len && s[i] != '?' && s[i] != '#'; i++) {
		int ch = (unsigned char)s[i];

		if (ch == '%' && i + 2 < len) {
			int hi = hex(s[i + 1]), lo = hex(s[i + 2]);

			if (hi < 0 || lo < 0)
				return -1;
			ch = hi * 16 + lo;
			i += 2;
		}
		if (ch == 0 || o + 1 >= cap)
			return -1;
		out[o++] = (char)ch;
	}
	out[o] = '\0';
	return strstr(out, "/../") || (o >= 3 && !strcmp(out + o - 3, "/..")) ? -1 : 0;
}

/* root, path and tail in out; -1 when that does not fit */
static int join(char *out, size_t cap, const char *path, const char *tail)
{
	struct text t = { out, cap - 1, 0 };

	put(&t, root);
	put(&t, path);
	put(&t, tail);
	out[t.n < t.cap ? t.n : t.cap] = '\0';
	return t.n < t.cap ? 0 : -1;
}

static void serve_path(struct conn *c, const char *path, int head_only)
{
	char full[1024];
	struct stat st;
	int fd;

	if (stats && !strcmp(path, "/.stats")) {
		char body[256];
		struct text t = { body, sizeof(body), 0 };

		put(&t, "fds "); /* the descriptor this connection holds counts too */
		put_num(&t, (unsigned)open_fds());
		put(&t, "\nconnections ");
		put_num(&t, nconns);
		put(&t, "\nrequests ");
		put_num(&t, requests);
		put(&t, "\n");
		respond(c, 200, "text/plain", (long long)t.n, body, head_only);
		return;
	}
	if (stats && !strcmp(path, "/.quit")) {
		c->quit = c->close_after = 1;
		respond(c, 200, "text/plain", 4, "bye\n", head_only);
		return;
	}
	if (!root_ok) {
		if (strcmp(path, "/") && strcmp(path, "/index.html")) {
			error_page(c, 404, head_only);
			return;
		}
		respond(c, 200, "text/html; charset=utf-8", sizeof(page) - 1, NULL, head_only);
		if (!head_only) { /* sent from where it is, after the headers */
			c->file = BUILTIN;
			c->off = 0;
			c->end = sizeof(page) - 1;
		}
		return;
	}
	fd = join(full, sizeof(full), path, path[strlen(path) - 1] == '/' ? "index.html" : "")
		     ? -1
		     : open(full, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		fd = join(full, sizeof(full), path, "/index.html") ? -1
								   : open(full, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		error_page(c, 404, head_only);
		return;
	}
	respond(c, 200, type_of(full), (long long)st.st_size, NULL, head_only);
	if (head_only) {
		close(fd);
		return;
	}
	c->file = fd;
	c->off = 0;
	c->end = st.st_size;
}

/* Value of header name in the headers h (up to the blank line), or NULL. */
static const char *header(const char *h, const char *name, size_t *len)
{
	size_t nl = strlen(name);

	for (const char *p = strstr(h, "\r\n"); p && p[2] != '\r'; p = strstr(p + 2, "\r\n")) {
		const char *line = p + 2;

		if (!strncasecmp(line, name, nl) && line[nl] == ':') {
			const char *v = line + nl + 1;

			while (*v == ' ' || *v == '\t')
				v++;
			*len = strcspn(v, "\r");
			return v;
		}
	}
	return NULL;
}

/* One complete request at the start of c->in, ending at end (its blank
 * line): answer it and drop it from the buffer. */
static void handle(struct conn *c, char *end)
{
	size_t used = (size_t)(end + 4 - c->in), vlen;
	char *eol = memmem(c->in, used, "\r\n", 2), *sp1, *sp2, path[512];
	const char *v;
	int http10, head_only;

	end[2] = '\0'; /* headers as a string, each line ending in \r\n */
	requests++;
	sp1 = memchr(c->in, ' ', (size_t)(eol - c->in));
	sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
	if (!sp1 || !sp2 || strncmp(sp2 + 1, "HTTP/1.", 7)) {
		c->close_after = 1;
		error_page(c, sp2 && !strncmp(sp2 + 1, "HTTP/", 5) ? 505 : 400, 0);
		goto out;
	}
	http10 = sp2[8] == '0';
	v = header(c->in, "Connection", &vlen);
	if (http10)
		c->close_after = !(v && vlen == 10 && !strncasecmp(v, "keep-alive", 10));
	else
		c->close_after = v && vlen == 5 && !strncasecmp(v, "close", 5);
	head_only = (size_t)(sp1 - c->in) == 4 && !strncmp(c->in, "HEAD", 4);
	/* a body is not read: refuse requests that have one, then close */
	if (header(c->in, "Content-Length", &vlen) || header(c->in, "Transfer-Encoding", &vlen) ||
	    (!head_only && ((size_t)(sp1 - c->in) != 3 || strncmp(c->in, "GET", 3)))) {
		c->close_after = 1;
		error_page(c, 405, head_only);
		goto out;
	}
	if (clean_path(sp1 + 1, (size_t)(sp2 - sp1 - 1), path, sizeof(path)) != 0) {
		error_page(c, 400, head_only);
		goto out;
	}
	serve_path(c, path, head_only);
out:
	memmove(c->in, c->in + used, c->nin - used);
	c->nin -= used;
}

/* Sends what is pending. 1: all sent; 0: the socket is full; -1: gone. */
static int flush(int fd, struct conn *c)
{
	while (c->sent < c->nhead) {
		ssize_t n = send(fd, c->head + c->sent, c->nhead - c->sent, MSG_NOSIGNAL);

		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		c->sent += (size_t)n;
	}
	while (c->file != -1 && c->off < c->end) {
		const char *p = page + c->off;
		size_t want = (size_t)(c->end - c->off);
		char chunk[16384];

		/* read + send, not sendfile: send's MSG_NOSIGNAL keeps a peer that
		 * reset from ending the server with SIGPIPE (sendfile has no such
		 * flag); what the socket did not take is read again next time */
		if (c->file != BUILTIN) {
			ssize_t r = lseek(c->file, c->off, SEEK_SET) < 0 ? -1
				    : read(c->file, chunk, want < sizeof(chunk) ? want : sizeof(chunk));

			if (r <= 0)
				return -1; /* the file shrank, or cannot be read */
			p = chunk;
			want = (size_t)r;
		}
		ssize_t n = send(fd, p, want, MSG_NOSIGNAL);

		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		c->off += n;
	}
	if (c->file >= 0)
		close(c->file);
	c->file = -1;
	c->nhead = c->sent = 0;
	return 1;
}

/* Answers the requests buffered, as far as the socket takes them. */
static void progress(int fd, struct conn *c)
{
	for (;;) {
		int r = flush(fd, c);
		char *end;

		if (r < 0 || (r > 0 && c->close_after)) {
			drop(fd);
			return;
		}
		if (r == 0) {
			watch(fd, EPOLL_CTL_MOD, EPOLLOUT);
			return;
		}
		end = c->nin >= 4 ? memmem(c->in, c->nin, "\r\n\r\n", 4) : NULL;
		if (!end)
			break;
		handle(c, end);
	}
	if (c->eof) {
		drop(fd);
		return;
	}
	if (c->nin == IN_MAX) {
		c->close_after = 1;
		c->nin = 0;
		error_page(c, 431, 0);
		progress(fd, c);
		return;
	}
	watch(fd, EPOLL_CTL_MOD, EPOLLIN | EPOLLRDHUP);
}

static void readable(int fd, struct conn *c)
{
	while (c->nin < IN_MAX) {
		ssize_t n = recv(fd, c->in + c->nin, IN_MAX - c->nin, 0);

		if (n < 0 && errno != EAGAIN) {
			drop(fd);
			return;
		}
		if (n == 0) { /* answer what came, then close */
			c->eof = 1;
			break;
		}
		if (n < 0)
			break;
		c->nin += (size_t)n;
	}
	progress(fd, c);
}

static void accept_all(int lfd)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), one = 1;

		if (fd < 0) {
			if (errno != EAGAIN && errno != ECONNABORTED)
				complain("accept4");
			return;
		}
		if (fd >= MAX_FDS || !(conns[fd] = calloc(1, sizeof(struct conn)))) {
			close(fd);
			continue;
		}
		conns[fd]->file = -1;
		nconns++;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		watch(fd, EPOLL_CTL_ADD, EPOLLIN | EPOLLRDHUP);
	}
}

int main(void)
{
	const char *port = getenv("PORT");
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct epoll_event evs[64];
	struct stat st;
	char text[256];
	struct text line = { text, sizeof(text), 0 };
	int lfd, one = 1;

	root = getenv("HTTP_ROOT") ? getenv("HTTP_ROOT") : "/www";
	root_ok = stat(root, &st) == 0 && S_ISDIR(st.st_mode);
	stats = getenv("HTTP_STATS") && !strcmp(getenv("HTTP_STATS"), "1");
	sa.sin_port = htons((unsigned short)(port ? atoi(port) : 8080));
	conns = calloc(MAX_FDS, sizeof(*conns));
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (!conns || lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 512) < 0) {
		complain("listen");
		return 1;
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	watch(lfd, EPOLL_CTL_ADD, EPOLLIN);
	put(&line, "@NAME@: listening on port ");
	put_num(&line, ntohs(sa.sin_port));
	put(&line, ", serving ");
	put(&line, root_ok ? root : "the built-in page");
	put(&line, "\n");
	say(1, &line);
	while (!done) {
		int n = epoll_wait(ep, evs, 64, -1);

		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == lfd)
				accept_all(lfd);
			else if (conns[fd] && (evs[i].events & EPOLLOUT))
				progress(fd, conns[fd]);
			else if (conns[fd])
				readable(fd, conns[fd]);
		}
	}
	line.n = 0;
	put(&line, "@NAME@: ");
	put_num(&line, requests);
	put(&line, " requests, ");
	put_num(&line, (unsigned)open_fds());
	put(&line, " descriptors open at the end\n");
	say(1, &line);
	return 0;
}
