/* The console's input, shared by console.c (where bytes come from, the
 * open files behind descriptors 0-2) and tty.c (the line discipline). */
#ifndef UK_CONSOLE_H
#define UK_CONSOLE_H

#include "file.h"

#define UK_IN_SIZE 4096
#define UK_IN_MARKS 8

/* the kernel's struct termios (asm-generic/termbits.h), 36 bytes */
struct uk_ktermios {
	uint32_t iflag, oflag, cflag, lflag;
	uint8_t line, cc[19];
};
_Static_assert(sizeof(struct uk_ktermios) == 36, "struct termios, x86_64");

struct uk_console_in {
	char *buf;          /* UK_IN_SIZE bytes, allocated by the first reader */
	unsigned head, tail; /* free-running: bytes [head, tail) are waiting */
	unsigned commit;    /* a tty in canonical mode: [head, commit) is readable */
	uint16_t marks[UK_IN_MARKS]; /* ^D: a read ends there (tail's low bits) */
	uint8_t nmarks;
	uint8_t eof;        /* not a tty: the relay said end of file */
	uint8_t tty;        /* descriptor 0 is a terminal: bytes go through tty.c */
	uint8_t lnext;      /* the next byte is taken literally (^V) */
	uint8_t started, pulling, esc, synced; /* console.c's */
	struct uk_ktermios tio;
	uint16_t winsize[4]; /* rows, columns, pixels */
};
extern struct uk_console_in uk_in;

static inline unsigned uk_in_used(void)
{
	return uk_in.tail - uk_in.head;
}

static inline void uk_in_put(char c)
{
	if (uk_in_used() < UK_IN_SIZE)
		uk_in.buf[uk_in.tail++ % UK_IN_SIZE] = c;
}

/* console.c: the open files behind 0-2 */
extern struct uk_file *const uk_console_tty_file, *const uk_console_in_file;

/* The input side, linked only into programs that read: weak here, so
 * that always-linked code calls it only when it is there. */
#define UK_INPUT __attribute__((weak))
/* console_in.c: takes what the platform has received */
UK_INPUT void uk_console_pull(void);
UK_INPUT long uk_console_in_read(struct uk_file *f, void *buf, size_t n, uint64_t off);
UK_INPUT unsigned uk_console_in_poll(struct uk_file *f);
/* tty.c: the line discipline */
void uk_tty_receive(uint8_t c);
void uk_tty_push(void);  /* ^D, or the relay's end of file */
UK_INPUT unsigned uk_tty_readable(void);
UK_INPUT long uk_tty_read(struct uk_file *f, void *buf, size_t n, uint64_t off);
UK_INPUT void uk_tty_flush(void);
/* tty_ioctl.c: termios and ioctls, always linked */
long uk_tty_ioctl(struct uk_file *f, unsigned long cmd, long arg);
void uk_tty_init(int echo);

#endif
