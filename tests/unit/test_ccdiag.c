/* builder/ccdiag: gcc's text diagnostics read back as data. */
#include <stdlib.h>
#include <string.h>

#include "builder/ccdiag.h"
#include "check.h"

#define CHECK_DIAG(d, f, l, c, s, m)                                                   \
	do {                                                                           \
		if (f)                                                                 \
			CHECK_EQ_STR((d).file, (const char *)(f));                     \
		else                                                                   \
			CHECK((d).file == NULL);                                       \
		CHECK_EQ_INT((d).line, l);                                             \
		CHECK_EQ_INT((d).col, c);                                              \
		CHECK_EQ_INT((d).severity, s);                                         \
		CHECK_EQ_STR((d).msg, m);                                              \
		CHECK((d).hint == NULL);                                               \
	} while (0)

static void t_message_lines_only(void)
{
	struct uk_diags ds = { 0 };
	const char *text = "In file included from src/main.c:1:\n"
			   "src/b.h: In function 'f':\n"
			   "src/b.h:1:29: error: 'y' undeclared (first use in this function)\n"
			   "    1 | static int f(void) { return y; }\n"
			   "      |                             ^\n"
			   "src/b.h:1:29: note: each undeclared identifier is reported only once\n"
			   "src/main.c: At top level:\n"
			   "./src/main.c:2:20: warning: unused variable 'u' [-Wunused-variable]\n"
			   "src/main.c:7: error: no column: here\n"
			   "compilation terminated.\n";

	CHECK_EQ_INT(uk_ccdiag_parse(text, "/p", &ds), 2);
	CHECK_EQ_INT(ds.n, 4);
	CHECK_DIAG(ds.v[0], "src/b.h", 1, 29, UK_SEV_ERROR,
		   "'y' undeclared (first use in this function)");
	CHECK_DIAG(ds.v[1], "src/b.h", 1, 29, UK_SEV_NOTE,
		   "each undeclared identifier is reported only once");
	CHECK_DIAG(ds.v[2], "src/main.c", 2, 20, UK_SEV_WARNING,
		   "unused variable 'u' [-Wunused-variable]");
	CHECK_DIAG(ds.v[3], "src/main.c", 7, 0, UK_SEV_ERROR, "no column: here");
	uk_diags_free(&ds);
}

static void t_fatal_driver_and_paths(void)
{
	struct uk_diags ds = { 0 };
	const char *text = "/home/u/p/src/main.c:1:10: fatal error: lwip/tcp.h: No such file or directory\n"
			   "/home/u/pother/x.h:3:1: error: outside\n"
			   "/usr/include/stdio.h:9:2: warning: system\n"
			   "cc1: fatal error: gone.c: No such file or directory\n"
			   "/usr/bin/x86_64-linux-gnu-gcc-12: error: unrecognized option '-fbogus'\n"
			   "src/main.c: warning: whole file\n"
			   "src/a.c:4:1: sorry, unimplemented: nested thing";

	CHECK_EQ_INT(uk_ccdiag_parse(text, "/home/u/p", &ds), 5);
	CHECK_EQ_INT(ds.n, 7);
	CHECK_DIAG(ds.v[0], "src/main.c", 1, 10, UK_SEV_ERROR,
		   "lwip/tcp.h: No such file or directory");
	CHECK_DIAG(ds.v[1], "/home/u/pother/x.h", 3, 1, UK_SEV_ERROR, "outside");
	CHECK_DIAG(ds.v[2], "/usr/include/stdio.h", 9, 2, UK_SEV_WARNING, "system");
	CHECK_DIAG(ds.v[3], NULL, 0, 0, UK_SEV_ERROR, "gone.c: No such file or directory");
	CHECK_DIAG(ds.v[4], NULL, 0, 0, UK_SEV_ERROR, "unrecognized option '-fbogus'");
	CHECK_DIAG(ds.v[5], "src/main.c", 0, 0, UK_SEV_WARNING, "whole file");
	CHECK_DIAG(ds.v[6], "src/a.c", 4, 1, UK_SEV_ERROR, "nested thing");
	uk_diags_free(&ds);
}

/* -fdiagnostics-color=always, as uk asks for on a terminal */
static void t_color_escapes_ignored(void)
{
	struct uk_diags ds = { 0 };
	const char *text = "\033[01m\033[Ksrc/main.c:2:20:\033[m\033[K \033[01;35m\033[Kwarning: "
			   "\033[m\033[Kunused variable '\033[01m\033[Ku\033[m\033[K' "
			   "[\033[01;35m\033[K-Wunused-variable\033[m\033[K]\n"
			   "    2 | int main(void){int \033[01;35m\033[Ku\033[m\033[K; }\n";

	CHECK_EQ_INT(uk_ccdiag_parse(text, NULL, &ds), 0);
	CHECK_EQ_INT(ds.n, 1);
	CHECK_DIAG(ds.v[0], "src/main.c", 2, 20, UK_SEV_WARNING,
		   "unused variable 'u' [-Wunused-variable]");
	uk_diags_free(&ds);
}

int main(void)
{
	RUN(t_message_lines_only);
	RUN(t_fatal_driver_and_paths);
	RUN(t_color_escapes_ignored);
	return check_done();
}
