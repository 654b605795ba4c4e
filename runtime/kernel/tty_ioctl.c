/* The console terminal's termios and window size as isatty(), tcgetattr()
 * and stdio's buffering ask them (tty.c has its line discipline): in every
 * image, since they ask even of a program that never reads. The other
 * ioctls are tty_ioctl_set.c's, linked with ioctl() (runtime/link-if/tty). */
#include "console.h"
#include "errno.h"
#include "syscall.h"

#include "termbits.h"

long uk_tty_ioctl_set(struct uk_file *f, unsigned long cmd, long arg) __attribute__((weak));

__uk_cold void uk_tty_init(int echo)
{
	static const uint8_t cc[] = {3, 034, 0177, 025, 4, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026, 0};
	uk_in.tio.iflag = ICRNL | IUTF8;
	uk_in.tio.oflag = OPOST | ONLCR;
	uk_in.tio.cflag = B38400 | CS8 | CREAD | HUPCL;
	uk_in.tio.lflag = ISIG | ICANON | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN | (echo ? ECHO : 0);
	uk_memcpy(uk_in.tio.cc, cc, sizeof(cc));
}

__uk_cold long uk_tty_ioctl(struct uk_file *f, unsigned long cmd, long arg)
{
	switch (cmd) {
	case TCGETS:
		if (uk_bad_user(arg, sizeof(uk_in.tio)))
			return -EFAULT;
		uk_memcpy((void *)arg, &uk_in.tio, sizeof(uk_in.tio));
		return 0;
	case TIOCGWINSZ:
		if (uk_bad_user(arg, sizeof(uk_in.winsize)))
			return -EFAULT;
		uk_memcpy((void *)arg, uk_in.winsize, sizeof(uk_in.winsize));
		return 0;
	default:
		return uk_tty_ioctl_set ? uk_tty_ioctl_set(f, cmd, arg) : -ENOTTY;
	}
}
