/* File operations in the folder argv[1], for tests/integration/volumes.sh:
 * run on Linux in a host folder and in a uk guest in a volume (uk run -v)
 * of an identical folder, the two outputs must be equal. Prints results
 * and errno names only, never times but fixed ones it set.
 *   ops DIR            the operations (DIR holds a.txt = "hello\n")
 *   ops DIR crash      writes and fsyncs DIR/crash.txt, then abort()
 *   ops DIR cat NAME   prints DIR/NAME
 *   ops DIR ro         what a read-only folder allows */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *en(int e)
{
	switch (e) {
	case 0: return "ok";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case ENOTEMPTY: return "ENOTEMPTY";
	case EINVAL: return "EINVAL";
	case EROFS: return "EROFS";
	case EBADF: return "EBADF";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ELOOP: return "ELOOP";
	case EXDEV: return "EXDEV";
	default: return strerror(e);
	}
}

/* the result of a call returning -1 on error */
#define R(what, call)                                                                      \
	do {                                                                               \
		errno = 0;                                                                 \
		long r_ = (long)(call);                                                    \
		printf("%-28s %ld %s\n", what, r_, en(r_ < 0 ? errno : 0));               \
	} while (0)

static char path_buf[8][4200];
static const char *P(int i, const char *dir, const char *name)
{
	snprintf(path_buf[i], sizeof(path_buf[i]), "%s/%s", dir, name);
	return path_buf[i];
}

static void show_stat(const char *what, const char *p, int follow)
{
	struct stat st;
	int r = follow ? stat(p, &st) : lstat(p, &st);
	if (r) {
		printf("%-28s %s\n", what, en(errno));
		return;
	}
	printf("%-28s type %o perm %o size %lld nlink %ld\n", what, st.st_mode & S_IFMT,
	       st.st_mode & 07777, (long long)st.st_size, (long)st.st_nlink);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *what, const char *dir)
{
	DIR *d = opendir(dir);
	char *names[64];
	int n = 0;
	struct dirent *e;
	if (!d) {
		printf("%-28s %s\n", what, en(errno));
		return;
	}
	while ((e = readdir(d)) && n < 64) {
		char t = e->d_type == DT_DIR ? 'd' : e->d_type == DT_LNK ? 'l' : e->d_type == DT_REG ? 'f' : '?';
		char *s = malloc(strlen(e->d_name) + 3);
		sprintf(s, "%s:%c", e->d_name, t);
		names[n++] = s;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp);
	printf("%-28s", what);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void cat(const char *what, const char *p)
{
	char buf[256];
	int fd = open(p, O_RDONLY);
	if (fd < 0) {
		printf("%-28s %s\n", what, en(errno));
		return;
	}
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		n = 0;
	buf[n] = 0;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\n')
			buf[i] = '|';
	printf("%-28s %zd [%s]\n", what, n, buf);
}

static int ops(const char *d)
{
	int fd;
	char buf[64];

	show_stat("stat a.txt", P(0, d, "a.txt"), 1);
	cat("cat a.txt", P(0, d, "a.txt"));
	R("open missing", open(P(0, d, "missing"), O_RDONLY));
	R("open a.txt/x", open(P(0, d, "a.txt/x"), O_RDONLY));
	R("open dir for writing", open(d, O_WRONLY));
	R("create b.txt excl", fd = open(P(0, d, "b.txt"), O_WRONLY | O_CREAT | O_EXCL, 0640));
	R("write b.txt", write(fd, "one two three\n", 14));
	R("fsync b.txt", fsync(fd));
	R("close b.txt", close(fd));
	R("create b.txt excl again", open(P(0, d, "b.txt"), O_WRONLY | O_CREAT | O_EXCL, 0640));
	show_stat("stat b.txt", P(0, d, "b.txt"), 1);
	R("append open", fd = open(P(0, d, "b.txt"), O_WRONLY | O_APPEND));
	R("append write", write(fd, "four\n", 5));
	R("lseek end", lseek(fd, 0, SEEK_END));
	close(fd);
	cat("cat b.txt", P(0, d, "b.txt"));
	R("pwrite at 4", (fd = open(P(0, d, "b.txt"), O_RDWR), pwrite(fd, "TWO", 3, 4)));
	R("pread at 8", pread(fd, buf, 5, 8));
	printf("%-28s [%.5s]\n", "pread data", buf);
	R("ftruncate 3", ftruncate(fd, 3));
	R("ftruncate 10000", ftruncate(fd, 10000));
	R("pread past end", pread(fd, buf, 8, 20000));
	close(fd);
	show_stat("stat b.txt after", P(0, d, "b.txt"), 1);
	R("truncate 7", truncate(P(0, d, "b.txt"), 7));
	cat("cat b.txt truncated", P(0, d, "b.txt"));
	R("chmod 600", chmod(P(0, d, "b.txt"), 0600));
	show_stat("stat b.txt chmod", P(0, d, "b.txt"), 1);
	struct timespec ts[2] = {{1000000000, 0}, {1234567890, 500}};
	R("utimensat", utimensat(AT_FDCWD, P(0, d, "b.txt"), ts, 0));
	struct stat st;
	stat(P(0, d, "b.txt"), &st);
	printf("%-28s %lld %lld.%ld\n", "times", (long long)st.st_atime, (long long)st.st_mtime,
	       st.st_mtim.tv_nsec);
	R("mkdir sub", mkdir(P(0, d, "sub"), 0750));
	R("mkdir sub again", mkdir(P(0, d, "sub"), 0750));
	show_stat("stat sub", P(0, d, "sub"), 1);
	R("rename b.txt sub/c.txt", rename(P(0, d, "b.txt"), P(1, d, "sub/c.txt")));
	R("rename missing", rename(P(0, d, "missing"), P(1, d, "x")));
	R("rename sub into itself", rename(P(0, d, "sub"), P(1, d, "sub/deeper")));
	R("rmdir sub (not empty)", rmdir(P(0, d, "sub")));
	R("rmdir a.txt", rmdir(P(0, d, "a.txt")));
	R("unlink sub", unlink(P(0, d, "sub")));
	R("symlink", symlink("sub/c.txt", P(0, d, "ln")));
	R("symlink exists", symlink("x", P(0, d, "ln")));
	memset(buf, 0, sizeof(buf));
	R("readlink", readlink(P(0, d, "ln"), buf, sizeof(buf)));
	printf("%-28s [%s]\n", "readlink target", buf);
	R("readlink a.txt", readlink(P(0, d, "a.txt"), buf, sizeof(buf)));
	show_stat("lstat ln", P(0, d, "ln"), 0);
	cat("cat through ln", P(0, d, "ln"));
	R("link", link(P(0, d, "a.txt"), P(1, d, "hard.txt")));
	show_stat("stat a.txt linked", P(0, d, "a.txt"), 1);
	R("unlink hard.txt", unlink(P(0, d, "hard.txt")));
	R("unlink missing", unlink(P(0, d, "missing")));
	show_stat("stat a.txt unlinked", P(0, d, "a.txt"), 1);

	/* 1 MiB and a bit: more than one 9p message */
	size_t big = (1u << 20) + 12345;
	unsigned char *b = malloc(big), *c = malloc(big);
	for (size_t i = 0; i < big; i++)
		b[i] = (unsigned char)(i * 7 + (i >> 12));
	fd = open(P(0, d, "big.bin"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	R("write big", write(fd, b, big));
	R("lseek 0", lseek(fd, 0, SEEK_SET));
	size_t got = 0;
	for (int i = 0; i < 100 && got < big; i++) {
		ssize_t n = read(fd, c + got, big - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	printf("%-28s %zu %s\n", "read big", got, memcmp(b, c, big) ? "differs" : "same");
	close(fd);
	free(b);
	free(c);
	R("unlink big", unlink(P(0, d, "big.bin")));

	list("list", d);
	list("list sub", P(0, d, "sub"));
	/* left for the host to see */
	fd = open(P(0, d, "from-guest.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	R("write from-guest.txt", write(fd, "written in the guest\n", 21));
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, 0, _IONBF, 0);
	if (argc < 2)
		return 2;
	const char *d = argv[1];
	if (argc == 2)
		return ops(d);
	if (!strcmp(argv[2], "crash")) {
		int fd = open(P(0, d, "crash.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
		R("write crash.txt", write(fd, "survives the crash\n", 19));
		R("fsync crash.txt", fsync(fd));
		abort();
	}
	if (!strcmp(argv[2], "cat") && argc == 4) {
		cat(argv[3], P(0, d, argv[3]));
		return 0;
	}
	if (!strcmp(argv[2], "ro")) {
		cat("cat a.txt", P(0, d, "a.txt"));
		R("create", open(P(0, d, "new.txt"), O_WRONLY | O_CREAT, 0644));
		R("open a.txt for writing", open(P(0, d, "a.txt"), O_WRONLY));
		R("mkdir", mkdir(P(0, d, "dir"), 0755));
		R("unlink a.txt", unlink(P(0, d, "a.txt")));
		R("rename", rename(P(0, d, "a.txt"), P(1, d, "b.txt")));
		R("chmod", chmod(P(0, d, "a.txt"), 0600));
		list("list", d);
		return 0;
	}
	return 2;
}
