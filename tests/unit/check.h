/* A tiny unit-test harness. Each test file defines TESTS as a list of
 * functions; every test prints one "PASS name" or "FAIL name: why" line,
 * which tests/run counts. A test fails on the first CHECK that does not hold.
 *
 *   static void t_parses_size(void) { CHECK_EQ_INT(uk_parse_size(...), 0); }
 *   int main(void) { RUN(t_parses_size); return check_done(); }
 */
#ifndef UK_TESTS_CHECK_H
#define UK_TESTS_CHECK_H

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

extern jmp_buf check_jmp;
extern char check_why[1024];

void check_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
void check_run(const char *name, void (*fn)(void));
int check_done(void);

#define RUN(fn) check_run(#fn, fn)

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			check_fail(__FILE__, __LINE__, "%s", #cond);           \
	} while (0)

#define CHECK_EQ_INT(a, b)                                                     \
	do {                                                                   \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b);\
		if (check_a_ != check_b_)                                      \
			check_fail(__FILE__, __LINE__, "%s == %lld, want %lld",\
				   #a, check_a_, check_b_);                    \
	} while (0)

#define CHECK_EQ_STR(a, b)                                                     \
	do {                                                                   \
		const char *check_a_ = (a), *check_b_ = (b);                   \
		if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) \
			check_fail(__FILE__, __LINE__,                         \
				   "%s == \"%s\", want \"%s\"", #a,            \
				   check_a_ ? check_a_ : "(null)",             \
				   check_b_ ? check_b_ : "(null)");            \
	} while (0)

#define CHECK_CONTAINS(hay, needle)                                            \
	do {                                                                   \
		const char *check_h_ = (hay), *check_n_ = (needle);            \
		if (!check_h_ || !strstr(check_h_, check_n_))                  \
			check_fail(__FILE__, __LINE__,                         \
				   "%s == \"%s\" lacks \"%s\"", #hay,          \
				   check_h_ ? check_h_ : "(null)", check_n_);  \
	} while (0)

#endif
