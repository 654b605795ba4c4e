/* uk rmi: untag images or components in the user store and drop the blobs
 * nothing else uses. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "registry/ref.h"
#include "registry/remote.h"
#include "store/layout.h"

static const char usage[] = "uk rmi REF...";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Removes each REF (as 'uk images' lists it: HOST/REPO:TAG for pulled\n"
	       "ones, NAME:VERSION for packed components) from the user store, then\n"
	       "drops the blobs and unpacked folders no other entry uses (uk gc).\n"
	       "The built-in store is never changed.\n",
	       usage);
}

/* 0 removed, 1 absent, -1 error. REF as listed, else its canonical form. */
static int untag(const char *root, const char *ref, struct uk_error *err)
{
	struct uk_ref r;
	struct uk_error ignored = {0};
	char *name;
	int rc = uk_layout_untag(root, ref, err);

	if (rc != 1 || uk_ref_parse(ref, &r, &ignored) < 0)
		return rc;
	name = uk_ref_store_name(&r);
	rc = name ? uk_layout_untag(root, name, err) : uk_errorf(err, "out of memory");
	free(name);
	uk_ref_free(&r);
	return rc;
}

int cmd_rmi(int argc, char **argv)
{
	struct uk_error err = {0};
	struct uk_store s;
	struct uk_gc_stats st;
	int i, rc = 0;

	if (cli_wants_help(argc, argv)) {
		help();
		return UK_EXIT_OK;
	}
	if (argc < 2)
		return cli_usage_error(usage, "which reference?");
	if (uk_store_open(&s, &err) < 0)
		return cli_report(&err);
	for (i = 1; i < argc && rc == 0; i++) {
		rc = uk_layout_present(s.user_root) ? untag(s.user_root, argv[i], &err) : 1;
		if (rc == 1) {
			uk_errorf(&err, "'%s' is not in the user store '%s'", argv[i],
				  s.user_root);
			uk_hintf(&err, "'uk images' lists what it holds");
			rc = -1;
		} else if (rc == 0) {
			printf("untagged %s\n", argv[i]);
		}
	}
	if (rc == 0 && uk_store_gc(s.user_root, s.builtin_root, &st, &err) == 0)
		cli_print_gc(&st);
	else if (rc == 0)
		rc = -1;
	uk_store_close(&s);
	return rc == 0 ? UK_EXIT_OK : cli_report(&err);
}
