/* How path calls fail, against Linux: ENOENT, ENOTDIR, EISDIR, EEXIST,
 * ENOTEMPTY, ELOOP, ENAMETOOLONG, EBADF, EINVAL, EBUSY, EXDEV, EFAULT,
 * ERANGE, EPERM, trailing slashes, "." and "..", AT_* flags. Works in
 * /tmp/uk-guest-fs_errno, which it makes and removes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DIR_ "/tmp/uk-guest-fs_errno"

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r < 0 ? -1 : r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

/* a system call straight (the C library checks some arguments itself) */
#define sys(...) syscall(__VA_ARGS__)

static void cleanup(void)
{
	static const char *files[] = {"f", "d/g", "lnk", "dl", "loop", "self", "h", "e2/x", 0};
	static const char *dirs[] = {"d/sub", "d", "e", "e2", 0};
	for (int i = 0; files[i]; i++)
		unlink(files[i]);
	for (int i = 0; dirs[i]; i++)
		rmdir(dirs[i]);
}

int main(void)
{
	struct stat st;
	char buf[PATH_MAX + 16];
	setvbuf(stdout, 0, _IONBF, 0);
	umask(022);
	if (!chdir(DIR_)) {
		cleanup();
		chdir("/");
	}
	rmdir(DIR_);
	show("mkdir", mkdir(DIR_, 0755));
	show("chdir", chdir(DIR_));
	close(open("f", O_CREAT | O_WRONLY, 0644));
	mkdir("d", 0755);
	close(open("d/g", O_CREAT | O_WRONLY, 0644));
	symlink("f", "lnk");
	symlink("d", "dl");
	symlink("loop", "loop");
	symlink("nothing", "self");

	printf("-- open\n");
	show("open missing", open("missing", O_RDONLY));
	show("open missing/x", open("missing/x", O_RDONLY));
	show("open f/x", open("f/x", O_RDONLY));
	show("open f/", open("f/", O_RDONLY));
	show("open d O_WRONLY", open("d", O_WRONLY));
	show("open d O_RDWR", open("d", O_RDWR));
	show("open d O_CREAT", open("d", O_CREAT | O_RDONLY, 0644));
	show("open f O_CREAT|O_EXCL", open("f", O_CREAT | O_EXCL | O_WRONLY, 0644));
	show("open lnk O_CREAT|O_EXCL", open("lnk", O_CREAT | O_EXCL | O_WRONLY, 0644));
	show("open f O_DIRECTORY", open("f", O_RDONLY | O_DIRECTORY));
	show("open lnk O_NOFOLLOW", open("lnk", O_RDONLY | O_NOFOLLOW));
	show("open loop", open("loop", O_RDONLY));
	show("open new/ O_CREAT", open("new/", O_CREAT | O_WRONLY, 0644));
	show("open . O_CREAT", open(".", O_CREAT | O_RDONLY, 0644));
	show("open empty", open("", O_RDONLY));
	show("open bad pointer", sys(SYS_open, (char *)8, O_RDONLY));
	int fd = open("lnk", O_PATH | O_NOFOLLOW);
	show("O_PATH|O_NOFOLLOW on symlink", fd >= 0 ? 0 : -1);
	show("read O_PATH", read(fd, buf, 1));
	show("fstat O_PATH", fstat(fd, &st));
	printf("is link %d\n", S_ISLNK(st.st_mode));
	close(fd);
	memset(buf, 'a', sizeof buf);
	buf[256] = 0;
	show("open NAME_MAX+1", open(buf, O_RDONLY));
	buf[255] = 0;
	show("open NAME_MAX", open(buf, O_RDONLY));
	for (int i = 1; i < PATH_MAX + 8; i += 2)
		buf[i] = '/';
	buf[PATH_MAX + 8] = 0;
	show("open PATH_MAX+", open(buf, O_RDONLY));
	show("openat bad dirfd", openat(77, "f", O_RDONLY));
	show("openat file as dirfd", openat((fd = open("f", O_RDONLY)), "x", O_RDONLY));
	show("openat abs ignores dirfd", (fd = openat(77, DIR_ "/f", O_RDONLY)) >= 0 ? 0 : -1);
	close(fd);
	show("O_TMPFILE read-only", open(".", O_TMPFILE | O_RDONLY, 0600));

	printf("-- stat\n");
	show("stat missing", stat("missing", &st));
	show("stat f/", stat("f/", &st));
	show("stat f/.", stat("f/.", &st));
	show("stat d/", stat("d/", &st));
	show("stat dl/", stat("dl/", &st));
	show("lstat dl/ (follows)", lstat("dl/", &st));
	printf("dl/ is dir %d\n", S_ISDIR(st.st_mode));
	show("lstat lnk", lstat("lnk", &st));
	printf("lnk is link %d\n", S_ISLNK(st.st_mode));
	show("stat self (dangling)", stat("self", &st));
	show("stat loop", stat("loop", &st));
	show("fstatat AT_STATX_DONT_SYNC", fstatat(AT_FDCWD, "f", &st, 0x4000));
	show("fstatat bad flag", fstatat(AT_FDCWD, "f", &st, 0x1));
	show("fstatat empty without flag", fstatat(AT_FDCWD, "", &st, 0));
	show("fstatat bad fd", fstatat(99, "f", &st, 0));
	show("stat bad buffer", sys(SYS_stat, "f", (void *)8));
	show("stat d/g/..", stat("d/g/..", &st));
	show("stat d/../f", stat("d/../f", &st));
	show("stat /..", stat("/..", &st));

	printf("-- access\n");
	show("access f R_OK|W_OK", access("f", R_OK | W_OK));
	show("access f X_OK", access("f", X_OK));
	show("access d X_OK", access("d", X_OK));
	show("access bad mode", access("f", 8));
	show("access missing", access("missing", F_OK));
	show("faccessat bad flag", faccessat(AT_FDCWD, "f", F_OK, 0x4));
	chmod("f", 0755);
	show("access f X_OK after chmod", access("f", X_OK));
	chmod("f", 0644);

	printf("-- mkdir\n");
	show("mkdir d", mkdir("d", 0755));
	show("mkdir f", mkdir("f", 0755));
	show("mkdir lnk", mkdir("lnk", 0755));
	show("mkdir self", mkdir("self", 0755));
	show("mkdir missing/x", mkdir("missing/x", 0755));
	show("mkdir f/x", mkdir("f/x", 0755));
	show("mkdir .", mkdir(".", 0755));
	show("mkdir ..", mkdir("..", 0755));
	show("mkdir /", mkdir("/", 0755));
	show("mkdir e/", mkdir("e/", 0755));
	show("mkdir d/sub", mkdir("d/sub", 0755));

	printf("-- rmdir\n");
	show("rmdir missing", rmdir("missing"));
	show("rmdir f", rmdir("f"));
	show("rmdir d", rmdir("d"));
	show("rmdir .", rmdir("."));
	show("rmdir ..", rmdir(".."));
	show("rmdir d/sub/.", rmdir("d/sub/."));
	show("rmdir /", rmdir("/"));
	show("rmdir dl", rmdir("dl"));
	show("rmdir d/sub/", rmdir("d/sub/"));
	show("rmdir e", rmdir("e"));
	show("rmdir /proc (mount point)", rmdir("/proc"));

	printf("-- unlink\n");
	show("unlink missing", unlink("missing"));
	show("unlink d", unlink("d"));
	show("unlink f/", unlink("f/"));
	show("unlink missing/", unlink("missing/"));
	show("unlink d/", unlink("d/"));
	show("unlink .", unlink("."));
	show("unlinkat bad flag", unlinkat(AT_FDCWD, "f", 0x1));
	show("unlinkat AT_REMOVEDIR on file", unlinkat(AT_FDCWD, "f", AT_REMOVEDIR));
	mkdir("e", 0755);
	show("unlinkat AT_REMOVEDIR", unlinkat(AT_FDCWD, "e", AT_REMOVEDIR));

	printf("-- rename\n");
	show("rename missing x", rename("missing", "x"));
	show("rename f d", rename("f", "d"));
	show("rename d f", rename("d", "f"));
	show("rename d d/sub2", rename("d", "d/sub2"));
	mkdir("e", 0755);
	mkdir("e2", 0755);
	close(open("e2/x", O_CREAT | O_WRONLY, 0644));
	show("rename e e2 (not empty)", rename("e", "e2"));
	show("rename e2 e (empty target)", rename("e2", "e"));
	show("rename e e2 back", rename("e", "e2"));
	show("rename f/ g", rename("f/", "g"));
	show("rename f g/", rename("f", "g/"));
	show("rename . x", rename(".", "x"));
	show("rename f ..", rename("f", ".."));
	show("rename f f", rename("f", "f"));
	close(open("h", O_CREAT | O_WRONLY, 0644));
	show("rename across mounts", rename("h", "/proc/uk-guest-x"));
	show("link across mounts", link("h", "/dev/uk-guest-fs_errno"));
	show("renameat2 bad flags", sys(SYS_renameat2, AT_FDCWD, "h", AT_FDCWD, "h2", 8L));
	show("renameat2 EXCHANGE|NOREPLACE", sys(SYS_renameat2, AT_FDCWD, "h", AT_FDCWD, "f", 3L));
	show("renameat2 EXCHANGE missing", sys(SYS_renameat2, AT_FDCWD, "h", AT_FDCWD, "none", 2L));
	show("renameat2 NOREPLACE to .", sys(SYS_renameat2, AT_FDCWD, "h", AT_FDCWD, ".", 1L));

	printf("-- link, symlink, readlink\n");
	show("link f f", link("f", "f"));
	show("link d x", link("d", "dlink"));
	show("link missing x", link("missing", "x"));
	show("link f newdir/", link("f", "x/"));
	show("linkat bad flag", linkat(AT_FDCWD, "f", AT_FDCWD, "x", 0x1));
	show("symlink empty target", symlink("", "x"));
	show("symlink exists", symlink("f", "lnk"));
	show("symlink to x/", symlink("f", "x/"));
	show("readlink f", readlink("f", buf, 10));
	show("readlink missing", readlink("missing", buf, 10));
	show("readlink size 0", sys(SYS_readlink, "lnk", buf, 0L));
	show("readlink size -1", sys(SYS_readlink, "lnk", buf, -1L));

	printf("-- truncate, chmod, utimens\n");
	show("truncate d", truncate("d", 0));
	show("truncate negative", truncate("f", -1));
	show("truncate missing", truncate("missing", 0));
	show("ftruncate O_RDONLY", ftruncate((fd = open("f", O_RDONLY)), 0));
	close(fd);
	show("chmod missing", chmod("missing", 0644));
	show("fchmod bad fd", fchmod(99, 0644));
	struct timespec ts[2] = {{0, 1000000000}, {0, 0}};
	show("utimensat bad nsec", utimensat(AT_FDCWD, "f", ts, 0));
	show("utimensat bad flag", utimensat(AT_FDCWD, "f", 0, 0x4));
	show("utimensat missing", utimensat(AT_FDCWD, "missing", 0, 0));
	show("futimens", futimens((fd = open("f", O_RDONLY)), 0));
	close(fd);
	show("fallocate on O_RDONLY", fallocate((fd = open("f", O_RDONLY)), 0, 0, 10));
	show("fallocate len 0", fallocate(fd, 0, 0, 0));
	close(fd);
	show("fallocate on dir", fallocate((fd = open("d", O_RDONLY)), 0, 0, 10));
	close(fd);

	printf("-- cwd\n");
	show("chdir f", chdir("f"));
	show("chdir missing", chdir("missing"));
	show("fchdir bad", fchdir(99));
	show("fchdir file", fchdir((fd = open("f", O_RDONLY))));
	close(fd);
	show("getcwd size 1", sys(SYS_getcwd, buf, 1L));
	show("getcwd size 0", sys(SYS_getcwd, buf, 0L));
	mkdir("e", 0755);
	chdir("e");
	rmdir("../e");
	show("getcwd removed", getcwd(buf, sizeof buf) ? 0 : -1);
	show("creat in removed cwd", open("x", O_CREAT | O_WRONLY, 0644));
	show("stat . in removed cwd", stat(".", &st));
	chdir(DIR_);
	show("getdents64 bad fd", sys(SYS_getdents64, 99, buf, sizeof buf));
	show("getdents64 small buffer", sys(SYS_getdents64, (fd = open("d", O_RDONLY)), buf, 8L));
	close(fd);

	cleanup();
	chdir("/");
	show("rmdir", rmdir(DIR_));
	return 0;
}
