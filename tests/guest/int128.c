/* 128-bit division links: __udivti3, __umodti3, __divti3 come from the compiler's
 * runtime library, which uk build links after libc as gcc does. */
#include <stdio.h>
int main(int argc, char **argv)
{
	(void)argv;
	unsigned __int128 a = ((unsigned __int128)0x0123456789abcdefull << 64) | 0xfedcba9876543210ull;
	unsigned __int128 b = 1000000007ull * (unsigned)argc;
	__int128 c = -(__int128)a / (__int128)(b + 3);
	printf("%llu %llu %lld\n", (unsigned long long)(a / b), (unsigned long long)(a % b), (long long)(c % 1000000));
	return 0;
}
