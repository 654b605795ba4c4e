/* Kernel command line (man/uk-runtime.7):
 *   [uk.OPTION[=VALUE]]... [--] [ARG]...
 * Words are separated by blanks; "double" or 'single' quotes group words
 * and a backslash escapes the next character. Words before `--` starting
 * with "uk." are runtime options; every other word is a program argument.
 *
 * The words are unquoted once into a page-allocated buffer, each prefixed
 * by its kind: 'a' argument, 'e' environment entry, 'o' consumed option. */
#include <uk/cmdline.h>

#include "kernel.h"

struct uk_options uk_opt = {.name = "uk", .tty = 7, .rows = 24, .cols = 80};

static char *words;
static uint64_t words_len;

/* Copies the next word of *src into dst, unquoted; 0 when none is left. */
__uk_cold static size_t next_word(const char **src, char *dst)
{
	const char *s = *src;
	size_t n = 0;
	char quote = 0;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!*s)
		return 0;
	for (; *s; s++) {
		if (quote) {
			if (*s == quote)
				quote = 0;
			else if (*s == '\\' && quote == '"' && s[1])
				dst[n++] = *++s;
			else
				dst[n++] = *s;
		} else if (*s == '"' || *s == '\'') {
			quote = *s;
		} else if (*s == '\\' && s[1]) {
			dst[n++] = *++s;
		} else if (*s == ' ' || *s == '\t' || *s == '\n') {
			break;
		} else {
			dst[n++] = *s;
		}
	}
	*src = s;
	dst[n] = 0;
	return n ? n : 1; /* "" is a word too */
}

__uk_cold static int starts(const char *s, const char *prefix)
{
	return !uk_strncmp(s, prefix, uk_strlen(prefix));
}

__uk_cold static uint64_t parse_size(const char *s)
{
	uint64_t v = 0;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (uint64_t)(*s - '0');
	if (*s == 'k' || *s == 'K')
		v <<= 10;
	else if (*s == 'm' || *s == 'M')
		v <<= 20;
	else if (*s == 'g' || *s == 'G')
		v <<= 30;
	return v;
}

/* "0,2": a bit per descriptor 0-2 */
__uk_cold static uint8_t parse_fds(const char *s)
{
	uint8_t bits = 0;
	for (; *s; s++)
		if (*s >= '0' && *s <= '2')
			bits |= (uint8_t)(1u << (*s - '0'));
	return bits;
}

/* "ROWSxCOLS"; a part that is 0 or missing keeps its default */
__uk_cold static void parse_winsize(const char *s)
{
	uint64_t rows = parse_size(s), cols = 0;
	while (*s >= '0' && *s <= '9')
		s++;
	if (*s == 'x')
		cols = parse_size(s + 1);
	if (rows && rows < 0x10000)
		uk_opt.rows = (uint16_t)rows;
	if (cols && cols < 0x10000)
		uk_opt.cols = (uint16_t)cols;
}

__uk_cold static char option(char *w)
{
	if (!uk_strncmp(w, UK_OPT_STRACE, sizeof(UK_OPT_STRACE)))
		uk_opt.strace = 1;
	else if (!uk_strncmp(w, UK_OPT_BOOTSTATS, sizeof(UK_OPT_BOOTSTATS)))
		uk_opt.bootstats = 1;
	else if (!uk_strncmp(w, UK_OPT_VERBOSE, sizeof(UK_OPT_VERBOSE)))
		uk_opt.verbose = 1;
	else if (!uk_strncmp(w, UK_OPT_ENOSYS_QUIET, sizeof(UK_OPT_ENOSYS_QUIET)))
		uk_opt.quiet_enosys = 1;
	else if (starts(w, UK_OPT_NAME))
		uk_opt.name = w + sizeof(UK_OPT_NAME) - 1;
	else if (starts(w, UK_OPT_STACK))
		uk_opt.stack_size = ALIGN_UP(parse_size(w + sizeof(UK_OPT_STACK) - 1), PAGE_SIZE);
	else if (!uk_strncmp(w, UK_OPT_RELAY, sizeof(UK_OPT_RELAY)))
		uk_opt.relay = 1;
	else if (starts(w, UK_OPT_TTY)) {
		uk_opt.tty = parse_fds(w + sizeof(UK_OPT_TTY) - 1);
		uk_opt.tty_given = 1;
	} else if (starts(w, UK_OPT_WINSIZE))
		parse_winsize(w + sizeof(UK_OPT_WINSIZE) - 1);
	else if (starts(w, UK_OPT_ENV) && w[sizeof(UK_OPT_ENV) - 1])
		return 'e';
	else if (starts(w, UK_OPT_VOLUME))
		return 'm'; /* drivers/virtio/link_9p.c mounts it */
	else if (starts(w, UK_OPT_NET))
		return 'n'; /* the uk-net component's (runtime/net/stack.c) */
	else
		uk_printk("uk: unknown option '%s' ignored\n", w);
	return 'o';
}

__uk_cold void uk_cmdline_parse(const char *raw)
{
	size_t len = raw ? uk_strlen(raw) : 0;
	if (!len)
		return;
	words_len = ALIGN_UP(2 * len + 2, PAGE_SIZE); /* kind bytes, NULs */
	words = (char *)uk_pmem_alloc(words_len, ~0ull);
	if (!words) {
		uk_printk("uk: command line too long, ignored\n");
		return;
	}
	char *w = words;
	int dashdash = 0;
	char *run = 0;
	size_t n;
	while ((n = next_word(&raw, w + 1))) {
		char *word = w + 1;
		if (!dashdash && !uk_strncmp(word, UK_CMDLINE_END, sizeof(UK_CMDLINE_END))) {
			dashdash = 1;
			continue;
		}
		if (starts(word, UK_VIRTIO_MMIO_WORD)) {
			/* a device: QEMU appends these after "--", so there only
			 * a run that no argument follows counts */
			w[0] = 'v';
			if (dashdash && !run)
				run = w;
		} else {
			w[0] = !dashdash && starts(word, UK_OPT_PREFIX) ? option(word) : 'a';
			for (; run && w[0] == 'a' && run < w; run += 1 + uk_strlen(run + 1) + 1)
				*run = 'a';
			run = 0;
		}
		w += 1 + uk_strlen(word) + 1;
	}
	*w = 0;
}

/* Walks the words of one kind: pass 0 first, then what it returned. */
__uk_cold const char *uk_cmdline_next(const char *prev, char kind)
{
	const char *w = prev ? prev + uk_strlen(prev) + 1 : words;
	if (!w)
		return 0;
	for (; *w; w += 1 + uk_strlen(w + 1) + 1)
		if (*w == kind)
			return kind == 'e' ? w + sizeof(UK_OPT_ENV) : w + 1;
	return 0;
}
