#include <stdio.h>

long twin_a(long x), twin_b(long x), called_a(long x), called_b(long x);
const char *name_a(void), *name_b(void);

/* through a table, so the addresses are taken in data, not only in code */
static long (*const table[])(long) = { twin_a, twin_b };

int main(void)
{
	long (*volatile pa)(long) = twin_a, (*volatile pb)(long) = twin_b;

	printf("%s %s\n", pa != pb ? "distinct" : "SAME",
	       table[0] != table[1] ? "distinct" : "SAME");
	printf("%ld %ld %ld %ld\n", pa(2), pb(3), table[0](4), table[1](5));
	printf("%ld %ld\n", called_a(5), called_b(6));
	printf("%s %s\n", name_a(), name_b());
	return 0;
}
