#include <stdio.h>

const char *one_name(void);
void one_print(void);

static const char *two_name(void)
{
	return "a literal both files use";
}

int main(void)
{
	one_print();
	puts("printed by both files");
	printf("%s|%s|%d\n", one_name(), two_name(),
	       one_name()[2] == two_name()[2]);
	puts("both files");
	return 0;
}
