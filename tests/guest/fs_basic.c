/* Files on tmpfs against Linux: open/creat/openat flags, read/write/lseek,
 * stat/lstat/fstatat/statx, directories and their sorted listing,
 * getcwd after chdir, links, symlinks, rename, truncate, stdio, tmpfile,
 * mkstemp, realpath, umask, memfd, sendfile, copy_file_range. Works in
 * /tmp/uk-guest-fs_basic, which it makes and removes. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DIR_ "/tmp/uk-guest-fs_basic"

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		printf("opendir %s: %s\n", path, strerror(errno));
		return;
	}
	char *names[64];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 64) {
		char t = e->d_type == DT_DIR ? 'd' : e->d_type == DT_LNK ? 'l' : e->d_type == DT_REG ? 'f' : '?';
		names[n] = malloc(strlen(e->d_name) + 3);
		sprintf(names[n++], "%c %s", t, e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp);
	printf("%s:", path);
	for (int i = 0; i < n; i++) {
		printf(" [%s]", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void rmtree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char p[PATH_MAX];
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", path, e->d_name);
		struct stat st;
		if (!lstat(p, &st) && S_ISDIR(st.st_mode))
			rmtree(p);
		else
			unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(path);
}

static void stat_of(const char *what, const char *path, int follow)
{
	struct stat st;
	long r = follow ? stat(path, &st) : lstat(path, &st);
	if (r) {
		show(what, r);
		return;
	}
	/* a directory's size is the file system's own business */
	printf("%s: mode %o nlink %lu size %ld\n", what, (unsigned)st.st_mode,
	       (unsigned long)st.st_nlink, S_ISDIR(st.st_mode) ? 0 : (long)st.st_size);
}

int main(void)
{
	char buf[256];
	setvbuf(stdout, 0, _IONBF, 0);
	umask(022);
	rmtree(DIR_);
	show("mkdir", mkdir(DIR_, 0755));
	show("chdir", chdir(DIR_));
	char *cwd = getcwd(buf, sizeof buf);
	printf("getcwd %s\n", cwd ? cwd : strerror(errno));

	/* plain files */
	int fd = open("a", O_CREAT | O_RDWR, 0644);
	show("open a O_CREAT", fd >= 0 ? 0 : -1);
	show("write", write(fd, "hello world", 11));
	show("lseek cur", lseek(fd, 0, SEEK_CUR));
	show("lseek set 6", lseek(fd, 6, SEEK_SET));
	memset(buf, 0, sizeof buf);
	show("read", read(fd, buf, sizeof buf));
	printf("got '%s'\n", buf);
	show("pread 0", pread(fd, buf, 5, 0));
	show("pwrite 20", pwrite(fd, "X", 1, 20));
	stat_of("stat a (sparse)", "a", 1);
	show("pread hole", pread(fd, buf, 10, 11));
	printf("hole bytes %d %d %c\n", buf[0], buf[8], buf[9]);
	show("lseek end", lseek(fd, 0, SEEK_END));
	show("ftruncate 5", ftruncate(fd, 5));
	stat_of("stat a", "a", 1);
	show("ftruncate 100000", ftruncate(fd, 100000));
	show("pread past", pread(fd, buf, 4, 99998));
	printf("zeros %d %d\n", buf[0], buf[1]);
	show("pwrite at 1 TiB", pwrite(fd, "far", 3, 1L << 40));
	stat_of("stat a (1 TiB)", "a", 1);
	show("pread at 1 TiB", pread(fd, buf, 8, (1L << 40) + 1));
	printf("got %.2s\n", buf);
	show("ftruncate 2", ftruncate(fd, 2));
	show("close", close(fd));

	fd = open("a", O_WRONLY | O_APPEND);
	show("append write", write(fd, "++", 2));
	show("lseek after append", lseek(fd, 0, SEEK_CUR));
	show("F_GETFL & 03777", fcntl(fd, F_GETFL) & 03777);
	close(fd);
	fd = open("a", O_RDONLY);
	memset(buf, 0, sizeof buf);
	show("read back", read(fd, buf, 100));
	printf("got '%s'\n", buf);
	show("write on O_RDONLY", write(fd, "x", 1));
	close(fd);
	fd = open("a", O_RDWR | O_TRUNC);
	stat_of("after O_TRUNC", "a", 1);
	close(fd);
	fd = creat("b", 0600);
	show("creat b write", write(fd, "bee", 3));
	close(fd);
	stat_of("stat b", "b", 1);

	/* directories */
	show("mkdir d", mkdir("d", 0700));
	show("mkdir d/e", mkdir("d/e", 0777));
	stat_of("stat d", "d", 1);
	show("mkdir d/e/f/", mkdir("d/e/f/", 0777));
	show("chdir d/e/f", chdir("d/e/f"));
	cwd = getcwd(buf, sizeof buf);
	printf("getcwd %s\n", cwd ? cwd + strlen(DIR_) : strerror(errno));
	show("chdir ../../..", chdir("../../.."));
	cwd = getcwd(buf, sizeof buf);
	printf("getcwd %s\n", cwd ? cwd : strerror(errno));
	show("getcwd small", getcwd(buf, 5) ? 0 : -1);
	int dfd = open("d", O_RDONLY | O_DIRECTORY);
	show("openat d/x", (fd = openat(dfd, "x", O_CREAT | O_WRONLY, 0640)) >= 0 ? 0 : -1);
	close(fd);
	show("fchdir d", fchdir(dfd));
	show("access x", access("x", F_OK));
	show("chdir ..", chdir(".."));
	struct stat st;
	show("fstatat d x", fstatat(dfd, "x", &st, 0));
	printf("x mode %o\n", (unsigned)st.st_mode);
	show("fstatat AT_EMPTY_PATH", fstatat(dfd, "", &st, AT_EMPTY_PATH));
	printf("d is dir %d\n", S_ISDIR(st.st_mode));
	show("getdents on file", syscall(SYS_getdents64, open("b", O_RDONLY), buf, sizeof buf));
	close(dfd);
	list(".");
	list("d");

	/* links and symlinks */
	show("link b c", link("b", "c"));
	stat_of("stat b", "b", 1);
	show("symlink b s", symlink("b", "s"));
	show("symlink d/e sd", symlink("d/e", "sd"));
	show("symlink nowhere dangling", symlink("nowhere", "dangling"));
	stat_of("stat s", "s", 1);
	stat_of("lstat s", "s", 0);
	memset(buf, 0, sizeof buf);
	show("readlink s", readlink("s", buf, sizeof buf));
	printf("-> %s\n", buf);
	show("readlink short", readlink("sd", buf, 2));
	show("open sd/ O_DIRECTORY", (fd = open("sd/", O_RDONLY | O_DIRECTORY)) >= 0 ? 0 : -1);
	close(fd);
	stat_of("stat sd/f", "sd/f", 1);
	char real[PATH_MAX];
	printf("realpath sd/f: %s\n", realpath("sd/f", real) ? real + strlen(DIR_) : strerror(errno));
	printf("realpath ./d/../s: %s\n", realpath("./d/../s", real) ? real + strlen(DIR_) : strerror(errno));
	show("symlink loop1", symlink("loop2", "loop1"));
	show("symlink loop2", symlink("loop1", "loop2"));
	stat_of("stat loop1", "loop1", 1);
	show("open O_NOFOLLOW s", open("s", O_RDONLY | O_NOFOLLOW));
	show("open O_CREAT dangling", (fd = open("dangling", O_CREAT | O_EXCL | O_WRONLY, 0644)));
	show("unlink s", unlink("s"));
	stat_of("stat b after unlink s", "b", 1);

	/* rename */
	show("rename c c2", rename("c", "c2"));
	show("rename c2 d/e/c3", rename("c2", "d/e/c3"));
	show("rename d/e/c3 b (replace)", rename("d/e/c3", "b"));
	stat_of("stat b", "b", 1);
	show("rename d dd", rename("d", "dd"));
	show("renameat2 NOREPLACE", syscall(SYS_renameat2, AT_FDCWD, "a", AT_FDCWD, "b", 1));
	show("renameat2 EXCHANGE", syscall(SYS_renameat2, AT_FDCWD, "a", AT_FDCWD, "dd", 2));
	stat_of("a is", "a", 0);
	stat_of("dd is", "dd", 0);
	show("renameat2 EXCHANGE back", syscall(SYS_renameat2, AT_FDCWD, "a", AT_FDCWD, "dd", 2));
	list(".");

	/* open-but-unlinked file keeps its data */
	fd = open("gone", O_CREAT | O_RDWR, 0600);
	write(fd, "still here", 10);
	show("unlink gone", unlink("gone"));
	memset(buf, 0, sizeof buf);
	show("pread unlinked", pread(fd, buf, 20, 0));
	printf("got '%s'\n", buf);
	show("fstat nlink", fstat(fd, &st) ? -1 : (long)st.st_nlink);
	close(fd);

	/* attributes */
	show("chmod b 0640", chmod("b", 0640));
	stat_of("stat b", "b", 1);
	show("chown b 12 34", chown("b", 12, 34));
	stat(("b"), &st);
	printf("uid %u gid %u\n", (unsigned)st.st_uid, (unsigned)st.st_gid);
	show("chown b -1 56", chown("b", -1, 56));
	stat(("b"), &st);
	printf("uid %u gid %u\n", (unsigned)st.st_uid, (unsigned)st.st_gid);
	struct timespec ts[2] = {{1000, 5}, {2000, 7}};
	show("utimensat", utimensat(AT_FDCWD, "b", ts, 0));
	stat("b", &st);
	printf("atime %ld.%ld mtime %ld.%ld\n", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
	       (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1] = (struct timespec){3000, 0};
	show("utimensat OMIT", utimensat(AT_FDCWD, "b", ts, 0));
	stat("b", &st);
	printf("atime %ld mtime %ld\n", (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec);
	show("truncate b 1", truncate("b", 1));
	stat_of("stat b", "b", 1);
	show("umask 077 (old)", umask(077));
	fd = open("private", O_CREAT | O_WRONLY, 0666);
	close(fd);
	stat_of("stat private", "private", 1);
	show("mkdir pdir", mkdir("pdir", 0777));
	stat_of("stat pdir", "pdir", 1);
	umask(022);
	show("fallocate", fallocate((fd = open("fa", O_CREAT | O_RDWR, 0644)), 0, 0, 10000));
	fstat(fd, &st);
	printf("size %ld blocks>0 %d\n", (long)st.st_size, st.st_blocks > 0);
	show("fallocate KEEP_SIZE", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 20000));
	fstat(fd, &st);
	printf("size %ld\n", (long)st.st_size);
	close(fd);

	/* stdio */
	FILE *f = fopen("stdio.txt", "w+");
	fprintf(f, "line %d\nline %d\n", 1, 2);
	fseek(f, 0, SEEK_SET);
	while (fgets(buf, sizeof buf, f))
		printf("fgets: %s", buf);
	printf("ftell %ld\n", ftell(f));
	fseek(f, 5, SEEK_SET);
	printf("fread %zu\n", fread(buf, 1, 3, f));
	fclose(f);
	f = tmpfile();
	printf("tmpfile %s\n", f ? "ok" : strerror(errno));
	fputs("temp", f);
	rewind(f);
	printf("fgets %s\n", fgets(buf, sizeof buf, f));
	fclose(f);
	char tmpl[] = DIR_ "/stXXXXXX";
	fd = mkstemp(tmpl);
	printf("mkstemp %s\n", fd >= 0 ? "ok" : strerror(errno));
	fstat(fd, &st);
	printf("mkstemp mode %o\n", (unsigned)st.st_mode);
	unlink(tmpl);
	close(fd);

	/* memfd, sendfile, copy_file_range */
	fd = memfd_create("m", MFD_CLOEXEC);
	show("memfd write", write(fd, "memory", 6));
	fstat(fd, &st);
	printf("memfd size %ld reg %d\n", (long)st.st_size, S_ISREG(st.st_mode));
	show("F_GETFD", fcntl(fd, F_GETFD));
	int out = open("copy", O_CREAT | O_RDWR | O_TRUNC, 0644);
	off_t off = 1;
	show("sendfile", sendfile(out, fd, &off, 100));
	printf("off %ld\n", (long)off);
	loff_t in_off = 0;
	show("copy_file_range memfd", copy_file_range(fd, &in_off, out, 0, 3, 0));
	int out2 = open("copy2", O_CREAT | O_RDWR | O_TRUNC, 0644);
	show("copy_file_range", copy_file_range(out, &in_off, out2, 0, 3, 0));
	printf("in_off %ld\n", (long)in_off);
	show("copy_file_range flags", copy_file_range(out, 0, out2, 0, 3, 1));
	show("copy_file_range same overlap", copy_file_range(out, &in_off, out, &in_off, 3, 0));
	memset(buf, 0, sizeof buf);
	pread(out2, buf, 100, 0);
	printf("copy2 '%s'\n", buf);
	close(out2);
	memset(buf, 0, sizeof buf);
	pread(out, buf, 100, 0);
	printf("copy '%s'\n", buf);
	close(out);
	close(fd);

	/* statx */
	unsigned long long sx[32]; /* struct statx: mode at byte 28, size at 40 */
	show("statx b", syscall(SYS_statx, AT_FDCWD, "b", 0, 0x7ff, sx));
	printf("statx size %llu mode %o\n", sx[5], (unsigned)((unsigned short *)sx)[14]);
	show("statx bad mask", syscall(SYS_statx, AT_FDCWD, "b", 0, 0x80000000u, sx));

	show("chdir /", chdir("/"));
	rmtree(DIR_);
	stat_of("removed", DIR_, 1);
	return 0;
}
