/* A program whose only call is syscall(): no libc member it links makes
 * a call the runtime lacks, so the image has no uk_nosys entry at all (it
 * failed to link: __start_uk_nosys undefined). */
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	long r = syscall(SYS_write, 1, "SYS_write\n", 10);
	if (syscall(SYS_getpid) <= 0)
		return 2;
	return r == 10 ? 0 : 1;
}
