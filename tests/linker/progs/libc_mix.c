#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static jmp_buf jb;
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static void jump(int v) { longjmp(jb, v); }

int common_counter;          /* COMMON with -fcommon */
const char *names[] = { "pear", "apple", "fig", "kiwi" };

int main(void)
{
	char *big = malloc(1 << 20);
	volatile int r;

	if (!big)
		return 2;
	memset(big, 'x', 1 << 20);
	qsort(names, 4, sizeof(names[0]), cmp);
	for (int i = 0; i < 4; i++)
		printf("%s ", names[i]);
	printf("\nstrtod=%.6f sqrt=%.3f\n", strtod("2.71828", NULL), sqrt(2.0));
	r = setjmp(jb);
	if (r == 0)
		jump(9);
	printf("longjmp returned %d\n", r);
	char s[32];
	snprintf(s, sizeof(s), "%x-%lo-%e", 255, 8L, 1234.5);
	puts(s);
	common_counter++;
	free(big);
	printf("strlen=%zu getenv=%s\n", strlen(s), getenv("UK_NOPE") ? "set" : "unset");
	return common_counter + 10;
}
