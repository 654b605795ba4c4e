/* bench/boot's stand-in for QEMU: writes the guest's exit byte (0) to the
 * file -debugcon names, a line to stdout, and exits 1, as QEMU does when a
 * guest exits with status 0 through isa-debug-exit. What uk run costs
 * around it is uk run's own cost. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	for (int i = 1; i + 1 < argc; i++) {
		int fd;

		if (strcmp(argv[i], "-debugcon") || strncmp(argv[i + 1], "file:", 5))
			continue;
		fd = open(argv[i + 1] + 5, O_WRONLY);
		if (fd >= 0) {
			if (write(fd, "", 1) != 1)
				return 2;
			close(fd);
		}
	}
	return write(1, "hello\n", 6) == 6 ? 1 : 2;
}
