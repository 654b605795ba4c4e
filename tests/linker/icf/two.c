/* Identical to one.c but for the names (see one.c). */
long twin_b(long x)
{
	return x * 7 + 3;
}

long called_b(long x)
{
	return x * 11 - 5;
}

const char *name_b(void)
{
	return "the same string in both";
}
