/* termios bits and ioctl numbers (x86_64 Linux, asm-generic/termbits.h
 * and ioctls.h) for the console terminal (tty.c, tty_ioctl.c). */
#ifndef UK_TERMBITS_H
#define UK_TERMBITS_H

#define TCGETS     0x5401
#define TCSETS     0x5402
#define TCSETSW    0x5403
#define TCSETSF    0x5404
#define TCSBRK     0x5409
#define TCXONC     0x540a
#define TCFLSH     0x540b
#define TIOCGPGRP  0x540f
#define TIOCSPGRP  0x5410
#define TIOCOUTQ   0x5411
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD   0x541b
#define TCSBRKP    0x5425
#define TIOCGSID   0x5429

#define ISTRIP  0000040
#define INLCR   0000100
#define IGNCR   0000200
#define ICRNL   0000400
#define IUTF8   0040000
#define OPOST   0000001
#define ONLCR   0000004
#define B38400  0000017
#define CS8     0000060
#define CREAD   0000200
#define HUPCL   0002000
#define ISIG    0000001
#define ICANON  0000002
#define ECHO    0000010
#define ECHOE   0000020
#define ECHOK   0000040
#define ECHONL  0000100
#define ECHOCTL 0001000
#define ECHOKE  0004000
#define IEXTEN  0100000

enum { VINTR, VQUIT, VERASE, VKILL, VEOF, VTIME, VMIN, VSWTC, VSTART, VSTOP, VSUSP, VEOL,
       VREPRINT, VDISCARD, VWERASE, VLNEXT, VEOL2 };

#define L(flag)  (uk_in.tio.lflag & (flag))
#define I(flag)  (uk_in.tio.iflag & (flag))
#define IS(c, v) ((c) == uk_in.tio.cc[v] && uk_in.tio.cc[v]) /* 0 disables */

#endif
