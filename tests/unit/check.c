#include "check.h"

#include <stdarg.h>

jmp_buf check_jmp;
char check_why[1024];
static int passed, failed;

void check_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(check_why, sizeof(check_why), "%s:%d: ", file, line);

	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(check_why))
		vsnprintf(check_why + n, sizeof(check_why) - n, fmt, ap);
	va_end(ap);
	longjmp(check_jmp, 1);
}

void check_run(const char *name, void (*fn)(void))
{
	if (setjmp(check_jmp) == 0) {
		fn();
		printf("PASS %s\n", name);
		passed++;
	} else {
		printf("FAIL %s: %s\n", name, check_why);
		failed++;
	}
	fflush(stdout);
}

int check_done(void)
{
	return failed ? 1 : 0;
}
