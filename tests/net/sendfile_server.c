/* sendfile from a file to a socket: an HTTP/1.0 server on port 8080
 * answering GET /NAME with /srv/NAME's bytes, sent by sendfile(2) from the
 * file position (in pieces of at most 300000 bytes, so a call ends inside
 * the file and the next goes on from there); GET /part/NAME sends bytes
 * [1000, 6000) of it through an offset, which must then say 6000, with the
 * file position left at 0. GET /quit ends the program. One line a request. */
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void answer(int c, const char *path)
{
	int part = !strncmp(path, "/part/", 6);
	char file[256];
	snprintf(file, sizeof(file), "/srv/%s", path + (part ? 6 : 1));
	int fd = open(file, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		const char nf[] = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n";
		write(c, nf, sizeof(nf) - 1);
		printf("%s: not found\n", path);
		if (fd >= 0)
			close(fd);
		return;
	}
	long len = part ? 5000 : (long)st.st_size;
	char head[128];
	int n = snprintf(head, sizeof(head), "HTTP/1.0 200 OK\r\nContent-Length: %ld\r\n\r\n", len);
	write(c, head, (size_t)n);
	if (part) {
		off_t off = 1000;
		long r = sendfile(c, fd, &off, 5000);
		printf("%s: sendfile = %ld, offset %ld, position %ld\n", path, r, (long)off,
		       (long)lseek(fd, 0, SEEK_CUR));
	} else {
		long sent = 0, r, calls = 0;
		while ((r = sendfile(c, fd, 0, 300000)) > 0) {
			sent += r;
			calls++;
		}
		printf("%s: %ld bytes in %ld calls, then %ld, position %ld\n", path, sent, calls, r,
		       (long)lseek(fd, 0, SEEK_CUR));
	}
	close(fd);
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	int one = 1, ls = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(8080)};
	if (bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 8)) {
		perror("bind/listen");
		return 1;
	}
	for (int i = 0; i < 20; i++) {
		int c = accept(ls, 0, 0);
		if (c < 0)
			return 1;
		char req[512];
		size_t got = 0;
		long r;
		while (got < sizeof(req) - 1 && (r = read(c, req + got, sizeof(req) - 1 - got)) > 0) {
			got += (size_t)r;
			req[got] = 0;
			if (strstr(req, "\r\n\r\n"))
				break;
		}
		req[got] = 0;
		char path[256] = "";
		sscanf(req, "GET %255s", path);
		int quit = !strcmp(path, "/quit");
		if (quit) {
			const char ok[] = "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nbye";
			write(c, ok, sizeof(ok) - 1);
			printf("quit\n");
		} else {
			answer(c, path);
		}
		close(c);
		if (quit)
			return 0;
	}
	return 1;
}
