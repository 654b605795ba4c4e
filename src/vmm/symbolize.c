/* file:line for the guest's crash reports. When an image has its .debug
 * file beside it, or the recipe to make one, QEMU's output comes to us
 * through a pipe: a thread copies it to our standard output as it arrives
 * and, from a "uk: crash:" line on, one line at a time, adding " at
 * FILE:LINE" to each frame the report names (runtime/arch/x86_64/trap.c
 * prints them) from the .debug file's DWARF through libbfd, opened (made
 * first, by the caller's function, when missing) at the first frame. The
 * guest's own text is left as it is. */
#include <bfd.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/path.h"
#include "vmm/vmm.h"

struct dbg {
	bfd *abfd;
	asymbol **syms;
};

static struct dbg *dbg_open(const char *path)
{
	struct dbg *d = calloc(1, sizeof(*d));
	long n;

	if (!d)
		abort();
	bfd_init();
	d->abfd = bfd_openr(path, NULL);
	if (!d->abfd || !bfd_check_format(d->abfd, bfd_object)) {
		if (d->abfd)
			bfd_close(d->abfd);
		free(d);
		return NULL;
	}
	n = bfd_get_symtab_upper_bound(d->abfd);
	d->syms = malloc(n > 0 ? (size_t)n : sizeof(asymbol *));
	if (!d->syms)
		abort();
	if (n <= 0 || bfd_canonicalize_symtab(d->abfd, d->syms) < 0)
		d->syms[0] = NULL;
	return d;
}

/* "0x..." after one of the report's frame prefixes: the address to look
 * up (a return address less one: the call, not what follows it) */
static int frame_addr(const char *line, uint64_t *addr)
{
	static const char *const pre[] = { "rip: ", "called from: ", "  ? ", "  " };
	char *end;

	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		size_t n = strlen(pre[i]);

		if (strncmp(line, pre[i], n) || strncmp(line + n, "0x", 2))
			continue;
		errno = 0;
		*addr = strtoull(line + n + 2, &end, 16);
		if (errno || end == line + n + 2 || (*end && *end != ' '))
			return 0;
		if (i > 0 && *addr)
			*addr -= 1;
		return 1;
	}
	return 0;
}

/* A path under the working folder is shown relative to it; the program's
 * own sources are named from the project folder, which their DWARF calls
 * "." (the builder's -fdebug-prefix-map). */
static const char *shown(const char *file, const char *cwd)
{
	size_t n = strlen(cwd);

	if (n > 1 && !strncmp(file, cwd, n) && file[n] == '/')
		return file + n + 1;
	while (file[0] == '.' && file[1] == '/')
		file += 2;
	return file;
}

char *uk_vm_symbolize_line(void *handle, const char *line)
{
	struct dbg *d = handle;
	const char *file = NULL, *func = NULL;
	unsigned int ln = 0;
	char cwd[4096], *out;
	uint64_t addr;

	if (!d || !frame_addr(line, &addr))
		return NULL;
	for (asection *s = d->abfd->sections; s; s = s->next) {
		bfd_vma vma = bfd_section_vma(s);

		if (!(bfd_section_flags(s) & SEC_ALLOC) || addr < vma ||
		    addr - vma >= bfd_section_size(s))
			continue;
		if (!bfd_find_nearest_line(d->abfd, s, d->syms, addr - vma, &file, &func, &ln))
			return NULL;
		break;
	}
	if (!file || !ln)
		return NULL;
	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	if (asprintf(&out, " at %s:%u", shown(file, cwd), ln) < 0)
		abort();
	return out;
}

struct relay {
	const char *path;
	int (*make)(void *ctx); /* makes path when it is missing */
	void *make_ctx;
	atomic_int making;      /* make runs: the end waits for it */
	struct dbg *d;
	int tried, crash;
	char line[512];
	size_t n;       /* bytes of the current line in line[] */
	size_t written; /* of those, already passed on (before a crash) */
};

/* At the first frame: the debug file, made first when it is missing. */
static struct dbg *open_debug(struct relay *r)
{
	if (r->make && !uk_file_exists(r->path)) {
		int made;

		atomic_store(&r->making, 1);
		made = r->make(r->make_ctx) == 0;
		atomic_store(&r->making, 0);
		if (!made)
			return NULL;
	}
	return dbg_open(r->path);
}

/* The current line is complete (or the output ended): in a report, it goes
 * out now, with its frame's file:line before the line's end. */
static void line_end(struct relay *r, int nl)
{
	size_t body = r->n;
	char *note = NULL;
	uint64_t addr;

	if (!r->crash && r->n >= 10 && !strncmp(r->line, "uk: crash:", 10))
		r->crash = 1; /* this line went out as it came */
	else if (r->crash) {
		while (body > 0 && r->line[body - 1] == '\r')
			body--;
		r->line[body] = '\0';
		if (!r->tried && frame_addr(r->line, &addr)) {
			r->tried = 1;
			r->d = open_debug(r);
		}
		note = uk_vm_symbolize_line(r->d, r->line);
		uk_write_all(1, r->line, body);
		if (note)
			uk_write_all(1, note, strlen(note));
		for (size_t k = body; k < r->n; k++)
			uk_write_all(1, "\r", 1);
		r->written = r->n;
		free(note);
	}
	if (r->written < r->n)
		uk_write_all(1, r->line + r->written, r->n - r->written);
	if (nl)
		uk_write_all(1, "\n", 1);
	r->n = r->written = 0;
}

static void relay_run(struct relay *r, int in)
{
	char buf[4096];
	ssize_t got;

	while ((got = read(in, buf, sizeof(buf))) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (ssize_t i = 0; i < got; i++) {
			if (buf[i] == '\n') {
				line_end(r, 1);
				continue;
			}
			if (r->n == sizeof(r->line) - 1) { /* a long line: no frame */
				uk_write_all(1, r->line + r->written, r->n - r->written);
				r->n = r->written = 0;
			}
			r->line[r->n++] = buf[i];
		}
		/* before a report, nothing waits for its line to end */
		if (!r->crash && r->n > r->written) {
			uk_write_all(1, r->line + r->written, r->n - r->written);
			r->written = r->n;
		}
	}
	if (r->n)
		line_end(r, 0);
}

static struct dbg *volatile kept_open; /* volatile: the store is what keeps it */

struct uk_vm_symbolizer {
	pthread_t th;
	int in;
	struct relay r;
};

static void *symbolizer(void *arg)
{
	struct uk_vm_symbolizer *s = arg;

	relay_run(&s->r, s->in);
	return NULL;
}

struct uk_vm_symbolizer *uk_vm_symbolizer_start(const char *debug_file,
						int (*make)(void *ctx), void *make_ctx,
						int *qemu_stdout)
{
	struct uk_vm_symbolizer *s = calloc(1, sizeof(*s));
	int p[2];

	*qemu_stdout = -1;
	if (!s)
		abort();
	if (pipe2(p, O_CLOEXEC) < 0) {
		free(s);
		return NULL;
	}
	s->in = p[0];
	s->r.path = debug_file;
	s->r.make = make;
	s->r.make_ctx = make_ctx;
	if (uk_vm_thread_start(&s->th, symbolizer, s) != 0) {
		close(p[0]);
		close(p[1]);
		free(s);
		return NULL;
	}
	*qemu_stdout = p[1];
	return s;
}

void uk_vm_symbolizer_end(struct uk_vm_symbolizer *s)
{
	if (!s)
		return;
	/* A debug file being made is waited for (up to 2 minutes): its
	 * temporary files go with it, and the frames come after it. */
	for (int i = 0; i < 12000 && atomic_load(&s->r.making); i++)
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	/* ends at QEMU's end of output; our output blocked, after 5 s */
	uk_vm_thread_end(s->th, 5);
	/* The .debug file stays open for the life of the process, as the
	 * child's did: bfd_close leaves libbfd's DWARF caches unfreed, and a
	 * cancelled lookup may have left it half-way. */
	kept_open = s->r.d;
	close(s->in);
	free(s);
}
