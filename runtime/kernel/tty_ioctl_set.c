/* The console terminal's ioctls beyond TCGETS and TIOCGWINSZ
 * (tty_ioctl.c): setting termios and the window size, flushing, queue
 * sizes, the process group. Linked with musl's ioctl(), which tcsetattr,
 * tcflush, tcgetpgrp... call, and with the members making the call
 * themselves (runtime/link-if/tty). The input side is linked only by
 * programs that read (console_in.c): without it the weak calls below are
 * skipped, there being no input to flush or count. */
#include "console.h"
#include "errno.h"
#include "syscall.h"

#include "termbits.h"

__uk_cold static long set_termios(const void *arg, int flush)
{
	if (uk_bad_user((long)arg, sizeof(uk_in.tio)))
		return -EFAULT;
	uint32_t was = uk_in.tio.lflag;
	uk_memcpy(&uk_in.tio, arg, sizeof(uk_in.tio));
	if ((was ^ uk_in.tio.lflag) & ICANON) { /* what is there becomes readable */
		uk_in.commit = uk_in.tail;
		uk_in.nmarks = 0;
	}
	if (flush && uk_tty_flush)
		uk_tty_flush();
	return 0;
}

__uk_cold static long put_int(long arg, int v)
{
	if (uk_bad_user(arg, sizeof(int)))
		return -EFAULT;
	*(int *)arg = v;
	return 0;
}

__uk_cold long uk_tty_ioctl_set(struct uk_file *f, unsigned long cmd, long arg)
{
	(void)f;
	switch (cmd) {
	case TCSETS:
	case TCSETSW: /* output is never queued: nothing to wait for */
	case TCSETSF:
		return set_termios((const void *)arg, cmd == TCSETSF);
	case TIOCSWINSZ:
		if (uk_bad_user(arg, sizeof(uk_in.winsize)))
			return -EFAULT;
		uk_memcpy(uk_in.winsize, (const void *)arg, sizeof(uk_in.winsize));
		return 0;
	case TCFLSH: /* TCIFLUSH, TCOFLUSH, TCIOFLUSH */
		if (arg < 0 || arg > 2)
			return -EINVAL;
		if (arg != 1 && uk_tty_flush)
			uk_tty_flush();
		return 0;
	case TCXONC:
		return arg < 0 || arg > 3 ? -EINVAL : 0;
	case TCSBRK:
	case TCSBRKP:
		return 0;
	case FIONREAD:
		if (uk_console_pull)
			uk_console_pull();
		return put_int(arg, (int)(L(ICANON) ? uk_in.commit - uk_in.head : uk_in_used()));
	case TIOCOUTQ:
		return put_int(arg, 0);
	case TIOCGPGRP:
	case TIOCGSID:
		return put_int(arg, 1); /* the one process leads its session */
	case TIOCSPGRP:
		return uk_bad_user(arg, sizeof(int)) ? -EFAULT : 0;
	default:
		return -ENOTTY;
	}
}
