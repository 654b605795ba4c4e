/* With two.c: the same literals in two objects, kept once in the image. */
#include <stdio.h>

const char *one_name(void)
{
	return "a literal both files use";
}

void one_print(void)
{
	puts("printed by both files");
	puts("files");
}
