/* Process start: the stacks, then a Linux-style initial stack on the main
 * stack (argc, argv, envp, auxv, the strings and AT_RANDOM bytes above
 * them), then a jump to the C library's _start, as the kernel's ELF loader
 * would do for a static executable. */
#include "kernel.h"

#define AT_NULL   0
#define AT_PHDR   3
#define AT_PHENT  4
#define AT_PHNUM  5
#define AT_PAGESZ 6
#define AT_ENTRY  9
#define AT_UID    11
#define AT_EUID   12
#define AT_GID    13
#define AT_EGID   14
#define AT_HWCAP  16
#define AT_SECURE 23
#define AT_RANDOM 25

extern char _start[]; /* the C library's entry (musl crt1.o) */

static inline uint64_t rdtsc_now(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

struct uk_stack uk_main_stack, uk_kernel_stack;
uint64_t uk_ist_tops[3];


/* Below the main stack: a frame of up to 64 KiB (a big local array) that
 * overflows it lands here and faults, instead of writing over the kernel
 * stack (one page caught 4 KiB frames only). Linux keeps 1 MiB, but RAM is
 * identity-mapped, so the gap costs as much memory as it spans. */
#define MAIN_GUARD 65536

/* One block, bottom-up in RAM: [guard][exception IST][guard][double-fault
 * IST][guard][interrupt IST][guard][kernel stack][MAIN_GUARD][main stack]. */
__uk_cold void uk_stacks_init(void)
{
	static const uint64_t small[4] = {16384, 8192, 8192, 16384};
	uint64_t main_size = uk_opt.stack_size;
	if (!main_size) { /* Linux's 8 MiB, less on small machines */
		main_size = ALIGN_DOWN(uk_pmem_free_bytes() / 16, PAGE_SIZE);
		if (main_size > (8ull << 20))
			main_size = 8ull << 20;
		if (main_size < 65536)
			main_size = 65536;
	}
	uint64_t total = main_size + 4 * PAGE_SIZE + MAIN_GUARD;
	for (unsigned i = 0; i < 4; i++)
		total += small[i];
	uint64_t p = uk_pmem_alloc(total, ~0ull);
	if (!p) {
		uk_printk("uk: no memory for a %lu KiB stack\n", (unsigned long)(main_size >> 10));
		uk_plat_exit(126);
	}
	for (unsigned i = 0; i < 4; i++) {
		uk_paging_unmap(p, PAGE_SIZE);
		p += PAGE_SIZE + small[i];
		if (i < 3)
			uk_ist_tops[i] = p;
	}
	uk_kernel_stack.bottom = p - small[3];
	uk_kernel_stack.top = p;
	uk_paging_unmap(p, MAIN_GUARD);
	uk_main_stack.bottom = p + MAIN_GUARD;
	uk_main_stack.top = p + MAIN_GUARD + main_size;
}

__uk_cold static char *push_str(char **sp, const char *s)
{
	size_t n = uk_strlen(s) + 1;
	*sp -= n;
	uk_memcpy(*sp, s, n);
	return *sp;
}

/* Runs as the last step before main: musl calls constructors right before
 * it, and this one is in an object every image links. */
__attribute__((constructor)) static void bootstats(void)
{
	if (uk_opt.bootstats)
		uk_bootstats_print(rdtsc_now());
}

/* The image's files have this directory (fs/imagefs.c; weak: without
 * the file systems there is none). */
__attribute__((weak)) int uk_imagefs_has_dir(const char *path);

/* The environment of a login shell, unless uk.env= (the manifest's env)
 * sets the same variable: HOME is /root when the image has that folder;
 * TERM only when standard output is a terminal (uk.tty), as a serial
 * console's getty says. "" for one left out. */
__uk_cold static const char *default_env(unsigned i)
{
	static const char *const defaults[] = {
		"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/", "USER=root", "LOGNAME=root",
		"TERM=vt220",
	};
	if (i >= ARRAY_SIZE(defaults))
		return 0;
	const char *d = defaults[i];
	if (i == 4 && !(uk_opt.tty & 2))
		return "";
	/* asked always: it is also what refuses a bad image, before main */
	if (i == 1 && uk_imagefs_has_dir && uk_imagefs_has_dir("root"))
		d = "HOME=/root";
	size_t key = 0;
	while (d[key] != '=')
		key++;
	for (const char *w = 0; (w = uk_cmdline_next(w, 'e'));)
		if (!uk_strncmp(w, d, key + 1))
			return "";
	return d;
}

/* A uk.env= word that a later one overrides (the same KEY): left out, so
 * that the last setting wins, as with docker's -e and a shell's export. */
__uk_cold static int overridden(const char *w)
{
	size_t key = 0;
	while (w[key] && w[key] != '=')
		key++;
	for (const char *l = w; (l = uk_cmdline_next(l, 'e'));)
		if (!uk_strncmp(l, w, key + 1))
			return 1;
	return 0;
}

__uk_cold void uk_process_start(void)
{
	char *sp = (char *)uk_main_stack.top;
	unsigned argc = 1, envc = 0;
	const char *w;

	for (w = 0; (w = uk_cmdline_next(w, 'a'));)
		argc++;
	for (w = 0; (w = uk_cmdline_next(w, 'e'));)
		envc++;
	for (unsigned i = 0; (w = default_env(i)); i++)
		envc++;

	/* strings, copied in reverse so that argv[0] ends up lowest */
	char *random = sp -= 16;
	uk_random_fill(random, 16);
	uint64_t words[1 + argc + 1 + envc + 1 + 2 * 14];
	unsigned k = 0;
	words[k++] = argc;
	char *name = push_str(&sp, uk_opt.name);
	words[k++] = (uint64_t)name;
	for (w = 0; (w = uk_cmdline_next(w, 'a'));)
		words[k++] = (uint64_t)push_str(&sp, w);
	words[k++] = 0;
	for (unsigned i = 0; (w = default_env(i)); i++)
		if (*w)
			words[k++] = (uint64_t)push_str(&sp, w);
	for (w = 0; (w = uk_cmdline_next(w, 'e'));)
		if (!overridden(w))
			words[k++] = (uint64_t)push_str(&sp, w);
	words[k++] = 0;

	uint32_t r[4];
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(1), "c"(0));
	const uint64_t aux[][2] = {
		{AT_PHDR, uk_image_phdr()}, {AT_PHENT, 56}, {AT_PHNUM, uk_image_phnum()},
		{AT_PAGESZ, PAGE_SIZE}, {AT_ENTRY, (uint64_t)_start}, {AT_UID, 0}, {AT_EUID, 0},
		{AT_GID, 0}, {AT_EGID, 0}, {AT_HWCAP, r[3]}, {AT_SECURE, 0},
		{AT_RANDOM, (uint64_t)random}, {AT_NULL, 0},
	};
	for (unsigned i = 0; i < ARRAY_SIZE(aux); i++) {
		words[k++] = aux[i][0];
		words[k++] = aux[i][1];
	}

	/* argc must sit at a 16-byte aligned address, as the ABI says */
	uint64_t *top = (uint64_t *)ALIGN_DOWN((uint64_t)sp, 16);
	uint64_t *start = top - k;
	start = (uint64_t *)ALIGN_DOWN((uint64_t)start, 16);
	uk_memcpy(start, words, k * sizeof(uint64_t));

	/* Off the boot stack, which is the PML4's upper half (pvh.S): clear
	 * it so those entries are "not present" again, flush, and go. */
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "rep stosq\n\t"
			 "mov %%cr3, %%rax\n\t"
			 "mov %%rax, %%cr3\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "xor %%edx, %%edx\n\t"
			 "jmp *%1"
			 : : "b"(start), "S"(_start), "D"((uint64_t *)uk_boot_tables + 256), "c"(256), "a"(0)
			 : "rdx", "memory");
	__builtin_unreachable();
}
