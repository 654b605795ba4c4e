/* The console terminal's termios and ioctls (tty.c has its line
 * discipline): in every image, since isatty() and stdio's buffering ask
 * them even of a program that never reads. The input side is linked only
 * by programs that read (console_in.c): without it the weak calls below
 * are skipped, there being no input to flush or count. */
#include "console.h"
#include "errno.h"
#include "syscall.h"

#include "termbits.h"


__uk_cold void uk_tty_init(int echo)
{
	static const uint8_t cc[] = {3, 034, 0177, 025, 4, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026, 0};
	uk_in.tio.iflag = ICRNL | IUTF8;
	uk_in.tio.oflag = OPOST | ONLCR;
	uk_in.tio.cflag = B38400 | CS8 | CREAD | HUPCL;
	uk_in.tio.lflag = ISIG | ICANON | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN | (echo ? ECHO : 0);
	uk_memcpy(uk_in.tio.cc, cc, sizeof(cc));
}

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

__uk_cold long uk_tty_ioctl(struct uk_file *f, unsigned long cmd, long arg)
{
	(void)f;
	switch (cmd) {
	case TCGETS:
		if (uk_bad_user(arg, sizeof(uk_in.tio)))
			return -EFAULT;
		uk_memcpy((void *)arg, &uk_in.tio, sizeof(uk_in.tio));
		return 0;
	case TCSETS:
	case TCSETSW: /* output is never queued: nothing to wait for */
	case TCSETSF:
		return set_termios((const void *)arg, cmd == TCSETSF);
	case TIOCGWINSZ:
	case TIOCSWINSZ:
		if (uk_bad_user(arg, sizeof(uk_in.winsize)))
			return -EFAULT;
		if (cmd == TIOCGWINSZ)
			uk_memcpy((void *)arg, uk_in.winsize, sizeof(uk_in.winsize));
		else
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
