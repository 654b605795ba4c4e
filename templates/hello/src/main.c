#include <stdio.h>

int main(int argc, char **argv)
{
	printf("Hello from %s, a uk unikernel!\n", argv[0]);
	for (int i = 1; i < argc; i++)
		printf("  argv[%d] = %s\n", i, argv[i]);
	return 0;
}
