/* Reads an xl configuration with xl's own parser (libxlutil, Debian's
 * libxen-dev) and prints the settings uk writes, one "key=value" a line,
 * so tests/integration/targets.sh can compare them with what it meant. */
#include <stdio.h>
#include <libxlutil.h>

int main(int argc, char **argv)
{
	static const char *strings[] = { "type", "name", "kernel", "cmdline", "on_poweroff",
					 "on_reboot", "on_crash" };
	XLU_Config *cfg;
	const char *s;
	long n;

	if (argc != 2) {
		fprintf(stderr, "usage: xen_xlcheck CFG\n");
		return 2;
	}
	cfg = xlu_cfg_init(stderr, argv[1]);
	if (!cfg || xlu_cfg_readfile(cfg, argv[1]) != 0)
		return 1;
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		if (xlu_cfg_get_string(cfg, strings[i], &s, 0) == 0)
			printf("%s=%s\n", strings[i], s);
	if (xlu_cfg_get_long(cfg, "memory", &n, 0) == 0)
		printf("memory=%ld\n", n);
	if (xlu_cfg_get_long(cfg, "vcpus", &n, 0) == 0)
		printf("vcpus=%ld\n", n);
	xlu_cfg_destroy(cfg);
	return 0;
}
