/* termios as a program that reads single keys sees it: the defaults,
 * then raw input (no ICANON, ECHO, ISIG) with VMIN=1, VMIN=0 and VTIME,
 * then back. Keys are read until 'q'. Not a terminal: tcgetattr fails
 * with ENOTTY and the keys come as they are. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static void keys(void)
{
	char c;
	while (read(0, &c, 1) == 1 && c != 'q')
		printf("key %d\r\n", c);
	printf("keys done\r\n");
}

int main(void)
{
	struct termios saved, t;
	setvbuf(stdout, 0, _IONBF, 0);
	if (tcgetattr(0, &saved) != 0) {
		printf("tcgetattr: %s\n", strerror(errno));
		keys();
		return 0;
	}
	printf("icanon %d echo %d echoe %d isig %d iexten %d icrnl %d opost %d onlcr %d cs8 %d\n",
	       !!(saved.c_lflag & ICANON), !!(saved.c_lflag & ECHO), !!(saved.c_lflag & ECHOE),
	       !!(saved.c_lflag & ISIG), !!(saved.c_lflag & IEXTEN), !!(saved.c_iflag & ICRNL),
	       !!(saved.c_oflag & OPOST), !!(saved.c_oflag & ONLCR), (saved.c_cflag & CSIZE) == CS8);
	printf("intr %d erase %d kill %d eof %d min %d time %d\n", saved.c_cc[VINTR],
	       saved.c_cc[VERASE], saved.c_cc[VKILL], saved.c_cc[VEOF], saved.c_cc[VMIN],
	       saved.c_cc[VTIME]);
	t = saved;
	t.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
	t.c_iflag &= ~ICRNL;
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	char c;
	printf("tcsetattr %d\n", tcsetattr(0, TCSAFLUSH, &t));
	printf("vmin0 %ld\n", (long)read(0, &c, 1));
	t.c_cc[VTIME] = 2;
	tcsetattr(0, TCSANOW, &t);
	printf("vtime %ld\n", (long)read(0, &c, 1));
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tcsetattr(0, TCSANOW, &t);
	printf("raw: type keys, q ends\n");
	keys();
	printf("restore %d\n", tcsetattr(0, TCSANOW, &saved));
	return 0;
}
