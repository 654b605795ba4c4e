/* With two.c and main.c: identical functions in two objects. twin_a and
 * twin_b have their addresses taken (main compares them: C says they
 * differ); called_a/called_b and name_a/name_b are only called, so the
 * linker may fold each pair into one. */
long twin_a(long x)
{
	return x * 7 + 3;
}

long called_a(long x)
{
	return x * 11 - 5;
}

const char *name_a(void)
{
	return "the same string in both";
}
