/* String literals the linker merges (SHF_MERGE|SHF_STRINGS): duplicates,
 * literals that end others (tail sharing), addresses into the middle of
 * literals from data and from code, wide strings (entsize 4) and
 * floating-point constants (SHF_MERGE .rodata.cst8/16). */
#include <stdio.h>
#include <string.h>
#include <wchar.h>

static const char *const words[] = {
	"tail-sharing sentence", "sentence", "ence", "", "e",
	"tail-sharing sentence", "sharing sentence", "not shared",
};
/* a relocation addend into the middle of a literal, in data */
static const char *const mid = "abcdefghij" + 3;
static const char *const ends[] = { "xyz" + 1, "wxyz" + 3, "sentence" + 4 };
static const wchar_t *const wide[] = { L"wide text", L"text", L"ext" };
/* long literals go to .rodata.str1.8, each aligned to 8 and padded */
static const char *const longs[] = {
	"a literal long enough to be aligned to eight bytes: 1",
	"a literal long enough to be aligned to eight bytes: 22",
	"another literal long enough for eight-byte alignment",
};

int main(int argc, char **argv)
{
	volatile int k = 4;
	volatile double x = 1.5;
	const char *p = "0123456789";
	size_t i;

	(void)argv;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		printf("%zu [%s] %zu\n", i, words[i], strlen(words[i]));
	printf("[%s] [%s] [%s] [%s]\n", mid, ends[0], ends[1], ends[2]);
	printf("[%s] [%s]\n", p + k, "9876543210" + argc);
	for (i = 0; i < 3; i++) {
		const wchar_t *w = wide[i];
		printf("wide %zu:", wcslen(w));
		for (; *w; w++)
			printf(" %d", (int)*w);
		printf("\n");
	}
	printf("%.4f %.4f\n", x * 3.25 + 2.75, x / 7.125 - 0.5);
	for (i = 0; i < 3; i++)
		printf("%s|%s\n", longs[i], longs[i] + 40 + argc);
	printf("same pointer for equal literals in one file: %d\n",
	       words[0] == words[5]);
	return 0;
}
