/* All of standard input to the end of file: how many bytes, their FNV-1a
 * hash, and how many of each kind the console could have taken for its
 * own (^D, CR, 0xff, NUL): on a pipe all of them arrive as they are. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	static unsigned char buf[65536];
	uint64_t hash = 0xcbf29ce484222325ull, total = 0, eot = 0, cr = 0, ff = 0, nul = 0;
	long n;
	setvbuf(stdout, 0, _IONBF, 0);
	while ((n = read(0, buf, sizeof buf)) > 0)
		for (long i = 0; i < n; i++) {
			hash = (hash ^ buf[i]) * 0x100000001b3ull;
			total++;
			eot += buf[i] == 4;
			cr += buf[i] == '\r';
			ff += buf[i] == 0xff;
			nul += buf[i] == 0;
		}
	printf("bytes %llu hash %016llx\n", (unsigned long long)total, (unsigned long long)hash);
	printf("^D %llu CR %llu 0xff %llu NUL %llu\n", (unsigned long long)eot,
	       (unsigned long long)cr, (unsigned long long)ff, (unsigned long long)nul);
	printf("end %ld\n", n);
	return 0;
}
