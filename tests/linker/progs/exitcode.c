#include <stdlib.h>
#include <stdio.h>

static void bye(void) { puts("atexit ran"); }

int main(void)
{
	atexit(bye);
	puts("exiting with 7");
	exit(7);
}
