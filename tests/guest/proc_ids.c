/* The process's identity through each C library function that asks for it
 * (the ids group is linked by them: runtime/link-if/ids; unlinked, each
 * answers -ENOSYS). Run on Linux as pid 1 of a PID namespace
 * (proc_ids.pid1); the user is whoever runs the tests, so only what holds
 * for any user is printed. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	long uid = (long)(int)getuid(), gid = (long)(int)getgid();
	printf("pid %d ppid %d\n", (int)getpid(), (int)getppid());
	printf("uid %s, euid %s\n", uid >= 0 ? "valid" : "negative",
	       (long)(int)geteuid() == uid ? "the same" : "another");
	printf("gid %s, egid %s\n", gid >= 0 ? "valid" : "negative",
	       (long)(int)getegid() == gid ? "the same" : "another");
	return 0;
}
