/* Version order for "NAME" references: the highest version wins. */
#include <ctype.h>
#include <string.h>

#include "store/store.h"

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return n > 0;
}

/* Compares one field: numbers numerically, and below words. */
static int cmp_field(const char *a, size_t na, const char *b, size_t nb)
{
	int da = all_digits(a, na), db = all_digits(b, nb), c;

	if (da && db) {
		while (na > 1 && *a == '0')
			a++, na--;
		while (nb > 1 && *b == '0')
			b++, nb--;
		if (na != nb)
			return na < nb ? -1 : 1;
		return memcmp(a, b, na);
	}
	if (da != db)
		return da ? -1 : 1;
	c = memcmp(a, b, na < nb ? na : nb);
	return c ? c : (na > nb) - (na < nb);
}

/* Compares dot-separated fields of a[0..na) and b[0..nb); missing fields of
 * a release count as 0 when pad is set. */
static int cmp_fields(const char *a, size_t na, const char *b, size_t nb,
		      int pad)
{
	while (na > 0 || nb > 0) {
		const char *ea = memchr(a, '.', na), *eb = memchr(b, '.', nb);
		size_t fa = ea ? (size_t)(ea - a) : na;
		size_t fb = eb ? (size_t)(eb - b) : nb;
		int c;

		if (na == 0 || nb == 0) {
			if (!pad)
				return na ? 1 : -1;
			c = na ? cmp_field(a, fa, "0", 1) : cmp_field("0", 1, b, fb);
		} else {
			c = cmp_field(a, fa, b, fb);
		}
		if (c)
			return c;
		a += na ? fa + (ea != NULL) : 0;
		na -= na ? fa + (ea != NULL) : 0;
		b += nb ? fb + (eb != NULL) : 0;
		nb -= nb ? fb + (eb != NULL) : 0;
	}
	return 0;
}

int uk_store_version_cmp(const char *a, const char *b)
{
	size_t la = strcspn(a, "+"), lb = strcspn(b, "+");
	size_t ca = strcspn(a, "-+"), cb = strcspn(b, "-+");
	int c = cmp_fields(a, ca, b, cb, 1);

	if (c)
		return c;
	/* A pre-release ("1.0.0-rc1") comes before its release. */
	if ((ca == la) != (cb == lb))
		return ca == la ? 1 : -1;
	if (ca == la)
		return 0;
	return cmp_fields(a + ca + 1, la - ca - 1, b + cb + 1, lb - cb - 1, 0);
}
