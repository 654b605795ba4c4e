/* What descriptors 0-2 are: isatty, TCGETS (tcgetattr), TIOCGWINSZ, and
 * with the argument "kinds" the file type fstat gives (a pipe for what
 * is not a terminal; Linux would show a file or /dev/null there). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char out[512];
	size_t len = 0;
	for (int fd = 0; fd < 3; fd++) {
		struct termios t;
		struct winsize ws;
		struct stat st;
		int tty = isatty(fd), g = tcgetattr(fd, &t) ? errno : 0;
		len += snprintf(out + len, sizeof out - len, "%d: isatty %d tcgetattr %s", fd, tty,
				g ? strerror(g) : "ok");
		if (ioctl(fd, TIOCGWINSZ, &ws) == 0)
			len += snprintf(out + len, sizeof out - len, " winsize %dx%d", ws.ws_row, ws.ws_col);
		else
			len += snprintf(out + len, sizeof out - len, " winsize %s", strerror(errno));
		if (argc > 1 && !strcmp(argv[1], "kinds") && fstat(fd, &st) == 0)
			len += snprintf(out + len, sizeof out - len, " %s",
					S_ISFIFO(st.st_mode) ? "fifo" : S_ISCHR(st.st_mode) ? "chr" :
					S_ISREG(st.st_mode) ? "reg" : "other");
		len += snprintf(out + len, sizeof out - len, "\n");
	}
	/* one write, on stdout only: it is a file or a terminal */
	fputs(out, stdout);
	return 0;
}
