/* The runtime's test program: one image, one case per argv[1], so the
 * harness compiles and links once (tests/integration/runtime.sh). */
#include <assert.h>
#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int fail(const char *what)
{
	printf("FAILED: %s\n", what);
	return 1;
}

static int t_printf(void)
{
	printf("int %d %u %x %ld\n", -42, 42u, 0xbeefu, -1234567890123l);
	printf("float %.3f %g %e\n", 3.14159, 0.5, 12345.678);
	printf("string [%s] [%10s] [%-5s] %c\n", "uk", "right", "left", 'z');
	return 0;
}

static int t_malloc(void)
{
	char *p = 0;
	for (size_t n = 1; n <= (64u << 20); n *= 2) {
		char *q = malloc(n);
		if (!q)
			return fail("malloc");
		memset(q, 0x5a, n);
		q[n - 1] = 1;
		free(q);
		char *r = realloc(p, n);
		if (!r)
			return fail("realloc");
		if (p && (r[0] != 7 || r[n / 2 - 1] != 7))
			return fail("realloc lost data");
		memset(r, 7, n);
		p = r;
	}
	free(p);
	void *blocks[1000];
	for (int i = 0; i < 1000; i++)
		if (!(blocks[i] = calloc(1, 1 + i * 37)))
			return fail("calloc");
	for (int i = 0; i < 1000; i += 2)
		free(blocks[i]);
	for (int i = 1; i < 1000; i += 2)
		free(blocks[i]);
	printf("malloc ok\n");
	return 0;
}

static int t_args(int argc, char **argv)
{
	printf("argc %d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d] [%s]\n", i, argv[i]);
	printf("env FOO [%s] BAR [%s]\n", getenv("FOO") ? getenv("FOO") : "(null)",
	       getenv("BAR") ? getenv("BAR") : "(null)");
	struct utsname u;
	uname(&u);
	printf("uname %s %s\n", u.sysname, u.machine);
	return 0;
}

static long ms_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

static int t_time(void)
{
	struct timespec a, b, c;
	clock_gettime(CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (b.tv_sec < a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec <= a.tv_nsec))
		return fail("monotonic not increasing");
	struct timespec req = {0, 50 * 1000000};
	nanosleep(&req, 0);
	clock_gettime(CLOCK_MONOTONIC, &c);
	printf("slept %ld ms\n", ms_between(&b, &c));
	time_t now = time(0);
	printf("year ok %d\n", now > 1600000000);
	return 0;
}

static int t_random(void)
{
	unsigned char a[16], b[16];
	if (getrandom(a, sizeof a, 0) != sizeof a || getrandom(b, sizeof b, 0) != sizeof b)
		return fail("getrandom");
	printf("random %s\n", memcmp(a, b, sizeof a) ? "differ" : "same");
	return 0;
}

static __thread int tls_counter = 5;
static __thread char tls_buf[64];
static int ctor_ran;
__attribute__((constructor)) static void ctor(void)
{
	ctor_ran = 1;
}

static int t_tls(void)
{
	tls_counter += 10;
	strcpy(tls_buf, "tls");
	printf("tls %d %s ctor %d\n", tls_counter, tls_buf, ctor_ran);
	return 0;
}

static jmp_buf jb;
static void jump(int v)
{
	longjmp(jb, v);
}

static int t_setjmp(void)
{
	volatile int n = 0;
	int v = setjmp(jb);
	if (v < 3) {
		n++;
		jump(v + 1);
	}
	printf("setjmp %d %d\n", v, n);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int t_libc(void)
{
	int v[] = {5, 3, 9, 1, 7, 2};
	qsort(v, 6, sizeof v[0], cmp);
	char buf[64];
	snprintf(buf, sizeof buf, "%d%d%d%d%d%d|%.2f", v[0], v[1], v[2], v[3], v[4], v[5],
		 strtod("2.5e1", 0) + 0.125);
	printf("libc %s\n", buf);
	return 0;
}

static int t_stdin(void)
{
	char line[128];
	for (int i = 0; i < 2; i++) {
		if (!fgets(line, sizeof line, stdin))
			return fail("fgets");
		line[strcspn(line, "\n")] = 0;
		printf("line %d [%s]\n", i + 1, line);
	}
	return 0;
}

static int *volatile null_ptr; /* the compiler cannot see it is NULL */
/* lines and bytes on stdin until end of file (^D at the start of a line) */
static int t_wc(void)
{
	char line[256];
	long lines = 0, bytes = 0;
	while (fgets(line, sizeof line, stdin)) {
		lines++;
		bytes += (long)strlen(line);
	}
	printf("wc %ld %ld\n", lines, bytes);
	return 0;
}

__attribute__((noinline)) static void crash_null(void)
{
	*null_ptr = 1;
}

__attribute__((noinline)) static int recurse(int n)
{
	volatile char pad[256];
	pad[0] = (char)n;
	return recurse(n + 1) + pad[0];
}

/* 16 KiB frames: each first touches its far end, 16 KiB below the last */
__attribute__((noinline)) static int recurse_big(int n)
{
	volatile char pad[16384];
	pad[0] = (char)n;
	return recurse_big(n + 1) + pad[0];
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	if (!strcmp(c, "printf"))
		return t_printf();
	if (!strcmp(c, "malloc"))
		return t_malloc();
	if (!strcmp(c, "args"))
		return t_args(argc, argv);
	if (!strcmp(c, "time"))
		return t_time();
	if (!strcmp(c, "random"))
		return t_random();
	if (!strcmp(c, "tls"))
		return t_tls();
	if (!strcmp(c, "setjmp"))
		return t_setjmp();
	if (!strcmp(c, "libc"))
		return t_libc();
	if (!strcmp(c, "stdin"))
		return t_stdin();
	if (!strcmp(c, "wc"))
		return t_wc();
	if (!strcmp(c, "exit7"))
		exit(7);
	if (!strcmp(c, "oom")) { /* more than the guest has: NULL, not a crash */
		void *p = malloc((size_t)1 << 30);
		printf("oom %s\n", p ? "allocated" : "null");
		return 0;
	}
	if (!strcmp(c, "exit200"))
		exit(200);
	if (!strcmp(c, "enosys")) {
		long r = syscall(999);
		printf("enosys %ld %s\n", r, errno == ENOSYS ? "ENOSYS" : "other");
		r = write(1, (void *)8, 4);
		printf("efault %ld %s\n", r, errno == EFAULT ? "EFAULT" : "other");
		return 0;
	}
	if (!strcmp(c, "null"))
		crash_null();
	if (!strcmp(c, "recurse"))
		return recurse(0);
	if (!strcmp(c, "recurse-big"))
		return recurse_big(0);
	if (!strcmp(c, "abort"))
		abort();
	if (!strcmp(c, "assert"))
		assert(argc == 99);
	if (!strcmp(c, "ud2")) /* the crash report names vectors 6 and 0 */
		__asm__ volatile("ud2");
	if (!strcmp(c, "int19")) /* stubs from 16 on sit after a shared jump (entry.S) */
		__asm__ volatile("int $19");
	if (!strcmp(c, "int31"))
		__asm__ volatile("int $31");
	if (!strcmp(c, "div0")) {
		volatile int n = 100, zero = 0; /* 1 / x is no division to gcc */
		return n / zero;
	}
	return 0;
}
