/* Record locks and flock against Linux: one process's own locks never
 * conflict, OFD locks on different open files do (and F_GETLK reports
 * them), F_UNLCK splits ranges, flock between open files. Works in
 * /tmp/uk-guest-fs_lock.f, which it makes and removes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define FILE_ "/tmp/uk-guest-fs_lock.f"

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r < 0 ? -1 : r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static long lk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
	return fcntl(fd, cmd, &fl);
}

/* F_GETLK / F_OFD_GETLK: what would conflict (never the pid: it differs) */
static void probe(const char *what, int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
	long r = fcntl(fd, cmd, &fl);
	if (r < 0) {
		show(what, r);
		return;
	}
	if (fl.l_type == F_UNLCK)
		printf("%s: free\n", what);
	else
		printf("%s: %s %ld+%ld ofd %d\n", what, fl.l_type == F_WRLCK ? "write" : "read",
		       (long)fl.l_start, (long)fl.l_len, fl.l_pid == -1);
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	unlink(FILE_);
	int a = open(FILE_, O_CREAT | O_RDWR, 0644), b = open(FILE_, O_RDWR);
	int r = open(FILE_, O_RDONLY), w = open(FILE_, O_WRONLY);
	write(a, "0123456789", 10);

	printf("-- process locks\n");
	show("F_SETLK write 0+10 on a", lk(a, F_SETLK, F_WRLCK, 0, 10));
	show("F_SETLK write 0+10 on b (same process)", lk(b, F_SETLK, F_WRLCK, 0, 10));
	probe("F_GETLK from b", b, F_GETLK, F_WRLCK, 0, 10);
	probe("F_OFD_GETLK from b", b, F_OFD_GETLK, F_RDLCK, 5, 1);
	show("F_OFD_SETLK read 5+1 on b", lk(b, F_OFD_SETLK, F_RDLCK, 5, 1));
	show("F_SETLK unlock 3+4", lk(a, F_SETLK, F_UNLCK, 3, 4));
	probe("F_OFD_GETLK write 0+0", b, F_OFD_GETLK, F_WRLCK, 0, 0);
	probe("F_OFD_GETLK write 3+4", b, F_OFD_GETLK, F_WRLCK, 3, 4);
	probe("F_OFD_GETLK write 7+1", b, F_OFD_GETLK, F_WRLCK, 7, 1);
	show("F_SETLK unlock all", lk(a, F_SETLK, F_UNLCK, 0, 0));
	probe("F_OFD_GETLK after unlock", b, F_OFD_GETLK, F_WRLCK, 0, 0);

	printf("-- OFD locks\n");
	show("F_OFD_SETLK write 0+5 on a", lk(a, F_OFD_SETLK, F_WRLCK, 0, 5));
	show("F_OFD_SETLK read 0+1 on b", lk(b, F_OFD_SETLK, F_RDLCK, 0, 1));
	show("F_OFD_SETLK read 5+5 on b", lk(b, F_OFD_SETLK, F_RDLCK, 5, 5));
	probe("F_OFD_GETLK from b 0+10", b, F_OFD_GETLK, F_WRLCK, 0, 10);
	probe("F_OFD_GETLK from a 5+1", a, F_OFD_GETLK, F_WRLCK, 5, 1);
	probe("F_OFD_GETLK from a read 5+1", a, F_OFD_GETLK, F_RDLCK, 5, 1);
	probe("F_GETLK (process) 0+1", a, F_GETLK, F_RDLCK, 0, 1);
	show("F_SETLK (process) read 0+1", lk(a, F_SETLK, F_RDLCK, 0, 1));
	show("F_SETLK (process) read 6+1", lk(a, F_SETLK, F_RDLCK, 6, 1));
	show("F_SETLK (process) write 6+1", lk(a, F_SETLK, F_WRLCK, 6, 1));
	show("F_OFD_SETLK with pid", ({
		     struct flock fl = {.l_type = F_RDLCK, .l_pid = 1};
		     fcntl(a, F_OFD_SETLK, &fl);
	     }));
	show("F_OFD_SETLK unlock on a", lk(a, F_OFD_SETLK, F_UNLCK, 0, 0));
	show("F_OFD_SETLK write 0+1 on b", lk(b, F_OFD_SETLK, F_WRLCK, 0, 1));
	close(b);
	show("F_OFD_SETLK write 0+10 on a after close(b)", lk(a, F_OFD_SETLK, F_WRLCK, 0, 10));
	show("F_OFD_SETLK unlock on a", lk(a, F_OFD_SETLK, F_UNLCK, 0, 0));

	printf("-- access modes and arguments\n");
	show("F_SETLK write on O_RDONLY", lk(r, F_SETLK, F_WRLCK, 0, 1));
	show("F_SETLK read on O_WRONLY", lk(w, F_SETLK, F_RDLCK, 0, 1));
	show("F_SETLK read on O_RDONLY", lk(r, F_SETLK, F_RDLCK, 0, 1));
	show("F_SETLK bad type", lk(a, F_SETLK, 7, 0, 1));
	show("F_SETLK negative start", lk(a, F_SETLK, F_RDLCK, -1, 1));
	show("F_SETLK negative len", lk(a, F_SETLK, F_RDLCK, 5, -2));
	show("F_GETLK bad fd", lk(99, F_GETLK, F_RDLCK, 0, 1));

	printf("-- flock\n");
	int c = open(FILE_, O_RDONLY);
	show("flock a LOCK_SH", flock(a, LOCK_SH));
	show("flock c LOCK_SH", flock(c, LOCK_SH));
	show("flock c LOCK_EX|LOCK_NB", flock(c, LOCK_EX | LOCK_NB));
	show("flock a LOCK_UN", flock(a, LOCK_UN));
	show("flock c LOCK_EX|LOCK_NB", flock(c, LOCK_EX | LOCK_NB));
	show("flock a LOCK_SH|LOCK_NB", flock(a, LOCK_SH | LOCK_NB));
	int c2 = dup(c);
	show("flock dup of c LOCK_EX|LOCK_NB (same open file)", flock(c2, LOCK_EX | LOCK_NB));
	close(c);
	close(c2);
	show("flock a LOCK_EX|LOCK_NB after close", flock(a, LOCK_EX | LOCK_NB));
	show("flock bad op", flock(a, 0));
	show("flock bad fd", flock(99, LOCK_SH));

	close(a);
	close(r);
	close(w);
	show("unlink", unlink(FILE_));
	return 0;
}
