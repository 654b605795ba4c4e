/* The console terminal's line discipline, as Linux's n_tty behaves for a
 * program: in canonical mode (ICANON) a read returns at most one line,
 * which can be edited before it is sent (erase, word erase, kill, ^V
 * literal next); ^D sends the line, and at its start is the end of file.
 * Without ICANON a read waits for VMIN bytes or VTIME tenths of a second.
 * Echo goes to the console output (the host's terminal adds the carriage
 * returns, OPOST|ONLCR). ISIG is the host's: there ^C stops the VM.
 * Flow control (IXON) and output processing are not done here. */
#include "console.h"
#include "errno.h"
#include "syscall.h"
#include "wait.h"

#include "termbits.h"


__uk_cold static void out(const char *s, size_t n)
{
	uk_plat_console_write(s, n);
}

__uk_cold static int is_ctl(uint8_t c)
{
	return (c < 32 && c != '\t' && c != '\n') || c == 127;
}

__uk_cold static void echo(uint8_t c)
{
	if (!L(ECHO)) {
		if (c == '\n' && L(ECHONL) && L(ICANON))
			out("\n", 1);
		return;
	}
	char caret[2] = {'^', (char)(c ^ 0x40)};
	if (L(ECHOCTL) && is_ctl(c))
		out(caret, 2);
	else
		out((const char *)&c, 1);
}

enum { ERASE, WERASE, KILL };

/* Takes back the end of the line being edited: a character (all of a
 * UTF-8 one under IUTF8), a word or all of it. */
__uk_cold static void erase(int kind)
{
	if (uk_in.tail == uk_in.commit)
		return;
	int visual = L(ECHO) && (kind == KILL ? L(ECHOKE) : L(ECHOE)), seen = 0;
	if (L(ECHO) && !visual) {
		echo(uk_in.tio.cc[kind == KILL ? VKILL : kind == WERASE ? VWERASE : VERASE]);
		if (kind == KILL && L(ECHOK))
			out("\n", 1);
	}
	while (uk_in.tail != uk_in.commit) {
		uint8_t c = (uint8_t)uk_in.buf[(uk_in.tail - 1) % UK_IN_SIZE];
		int space = c == ' ' || c == '\t', cont = I(IUTF8) && (c & 0xc0) == 0x80;
		if (kind == WERASE && space && seen)
			break;
		seen |= !space;
		uk_in.tail--;
		for (int w = visual && !cont ? 1 + (L(ECHOCTL) && is_ctl(c)) : 0; w > 0; w--)
			out("\b \b", 3);
		if (kind == ERASE && !cont)
			break;
	}
}

/* The line so far may be read, and a read ends here (at a line's start:
 * a read of 0, the end of file). */
__uk_cold void uk_tty_push(void)
{
	uk_in.commit = uk_in.tail;
	if (uk_in.nmarks < UK_IN_MARKS)
		uk_in.marks[uk_in.nmarks++] = (uint16_t)uk_in.tail;
}

__uk_cold static int line_end(uint8_t c)
{
	return c == '\n' || IS(c, VEOL) || (L(IEXTEN) && IS(c, VEOL2));
}

__uk_cold void uk_tty_receive(uint8_t c)
{
	if (I(ISTRIP))
		c &= 0x7f;
	if (uk_in.lnext) {
		uk_in.lnext = 0;
	} else {
		if (c == '\r') {
			if (I(IGNCR))
				return;
			if (I(ICRNL))
				c = '\n';
		} else if (c == '\n' && I(INLCR)) {
			c = '\r';
		}
		if (L(ICANON)) {
			if (IS(c, VERASE) || IS(c, VKILL) || (L(IEXTEN) && IS(c, VWERASE))) {
				erase(IS(c, VERASE) ? ERASE : IS(c, VKILL) ? KILL : WERASE);
				return;
			}
			if (L(IEXTEN) && IS(c, VLNEXT)) {
				uk_in.lnext = 1;
				if (L(ECHO) && L(ECHOCTL))
					out("^\b", 2);
				return;
			}
			if (IS(c, VEOF)) {
				uk_tty_push();
				return;
			}
		}
	}
	echo(c);
	uk_in_put((char)c);
	if (!L(ICANON) || line_end(c) || uk_in_used() == UK_IN_SIZE)
		uk_in.commit = uk_in.tail;
}

__uk_cold unsigned uk_tty_readable(void)
{
	if (L(ICANON))
		return uk_in.commit != uk_in.head || uk_in.nmarks;
	/* what poll says: VMIN bytes, unless a timer makes fewer enough */
	unsigned want = !uk_in.tio.cc[VTIME] && uk_in.tio.cc[VMIN] ? uk_in.tio.cc[VMIN] : 1;
	return uk_in_used() >= want;
}

__uk_cold static long canon_read(char *s, size_t n)
{
	if (!uk_tty_readable())
		return -EAGAIN;
	size_t i = 0;
	while (i < n) {
		if (uk_in.nmarks && uk_in.marks[0] == (uint16_t)uk_in.head) {
			uk_in.nmarks--;
			for (unsigned k = 0; k < uk_in.nmarks; k++)
				uk_in.marks[k] = uk_in.marks[k + 1];
			break;
		}
		if (uk_in.head == uk_in.commit)
			break;
		char c = uk_in.buf[uk_in.head++ % UK_IN_SIZE];
		s[i++] = c;
		if (line_end((uint8_t)c))
			break;
	}
	return (long)i;
}

__uk_cold static int has_bytes(void *want)
{
	uk_console_pull();
	return uk_in_used() >= (unsigned)(uintptr_t)want;
}

#define WANT(n) ((void *)(uintptr_t)(n))

/* VMIN/VTIME: MIN bytes (at most n); with TIME, MIN = 0 waits that long
 * for one byte, MIN > 0 ends when the line stays quiet that long after a
 * byte. */
__uk_cold static long raw_read(char *s, size_t n, int nonblock)
{
	unsigned vmin = uk_in.tio.cc[VMIN], want = vmin < n ? vmin : (unsigned)n;
	uint64_t time = uk_in.tio.cc[VTIME] * 100000000ull;
	long w = 0;
	if (!nonblock) {
		if (!time) {
			w = uk_wait(has_bytes, WANT(want), UK_FOREVER);
		} else if (!vmin) {
			w = uk_wait(has_bytes, WANT(1), uk_monotonic_ns() + time);
		} else if (!(w = uk_wait(has_bytes, WANT(1), UK_FOREVER))) {
			for (unsigned got; (got = uk_in_used()) < want;)
				if (uk_wait(has_bytes, WANT(got + 1), uk_monotonic_ns() + time))
					break;
		}
	}
	if (w == -EINTR && !uk_in_used())
		return -EINTR; /* a signal before any byte */
	size_t i = 0;
	for (; i < n && uk_in_used(); i++)
		s[i] = uk_in.buf[uk_in.head++ % UK_IN_SIZE];
	return !i && nonblock && (vmin || time) ? -EAGAIN : (long)i;
}

__uk_cold long uk_tty_read(struct uk_file *f, void *buf, size_t n, uint64_t off)
{
	(void)off;
	if (!n)
		return 0;
	uk_console_pull();
	return L(ICANON) ? canon_read(buf, n) : raw_read(buf, n, f->flags & UK_O_NONBLOCK);
}

/* TCFLSH, TCSETSF: what was typed and not read is dropped. */
__uk_cold void uk_tty_flush(void)
{
	uk_console_pull();
	uk_in.head = uk_in.commit = uk_in.tail;
	uk_in.nmarks = 0;
	uk_in.lnext = 0;
}
