#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello, world: argc=%d argv0=%s\n", argc, argv[0] ? "set" : "null");
	return 0;
}
