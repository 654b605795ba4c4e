/* A linker set: entries in section "uk_set", walked via __start_/__stop_. */
#include <stdio.h>

struct entry { const char *name; int value; };
#define ENTRY(n, v) static const struct entry n __attribute__((used, section("uk_set"))) = { #n, v }
ENTRY(alpha, 1);
ENTRY(beta, 2);
extern const struct entry __start_uk_set[], __stop_uk_set[];

int main(void)
{
	int sum = 0;
	for (const struct entry *e = __start_uk_set; e < __stop_uk_set; e++) {
		printf("%s=%d\n", e->name, e->value);
		sum += e->value;
	}
	return sum == 3 ? 0 : 1;
}
