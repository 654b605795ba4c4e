/* uk pkg create: pack a component folder into a store. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "manifest/manifest.h"
#include "registry/remote.h"
#include "store/layout.h"
#include "store/store.h"
#include "util/path.h"

static const char usage[] = "uk pkg create [--store DIR] COMPONENT_DIR\n"
			    "       uk pkg push [--insecure] DIR|NAME[:VERSION] REF";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Packs a component folder (component.yaml, lib/, include/ and the\n"
	       "files component.yaml names) into a store as a reproducible OCI\n"
	       "artifact tagged NAME:VERSION, replacing any earlier NAME:VERSION,\n"
	       "and prints 'NAME:VERSION DIGEST'.\n\n"
	       "  --store DIR  the OCI layout to add it to (default: the user store,\n"
	       "               $UK_HOME or ~/.local/share/uk)\n\n"
	       "'uk pkg push' publishes a component (a folder, packed first, or one\n"
	       "in the stores) to a registry as an OCI artifact: component.yaml's\n"
	       "JSON form as the config blob, its files as one layer. uk.yaml can\n"
	       "then name it by reference (runtime: or libraries: HOST/REPO:TAG).\n\n"
	       "  --insecure   plain HTTP to a registry that is not on localhost\n",
	       usage);
}

/* Every problem in component.yaml, not only the first; 0 if it is valid. */
static int validate(const char *dir)
{
	struct uk_component c;
	struct uk_diags diags = {0};
	struct uk_error err = {0};
	char path[4096], line[2048];
	size_t i;

	snprintf(path, sizeof(path), "%s/component.yaml", dir);
	if (access(path, F_OK) < 0)
		return 0; /* packing says what is missing, with a hint */
	memset(&c, 0, sizeof(c));
	if (uk_component_load(path, &c, &diags, &err) == 0) {
		uk_component_free(&c);
		uk_diags_free(&diags);
		return 0;
	}
	for (i = 0; i < diags.n; i++) {
		uk_diag_format(&diags.v[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	/* The problems are above; the error line only sums them up. */
	if (diags.n > 0 && err.status != UK_EXIT_FAIL) {
		uk_errorf(&err, "'%.900s' is not a valid component (%zu problem%s)",
			  path, diags.n, diags.n == 1 ? "" : "s");
	}
	uk_diags_free(&diags);
	return cli_report(&err);
}

static int create(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"store", required_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	const char *root = NULL, *dir;
	struct uk_error err = {0};
	struct uk_store s = {0};
	struct uk_store_component out;
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+s:", longopts, NULL)) != -1) {
		if (c == 's')
			root = optarg;
		else
			return cli_unknown_option(usage, argv[optind - 1], longopts);
	}
	if (optind >= argc)
		return cli_usage_error(usage, "which component folder?");
	dir = argv[optind++];
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (!root) {
		if (uk_store_open(&s, &err) < 0)
			return cli_report(&err);
		root = s.user_root;
	}
	if ((rc = validate(dir)) != 0) {
		uk_store_close(&s);
		return rc;
	}
	rc = uk_store_pack_component(root, dir, &out, &err);
	if (rc == 0) {
		printf("%s:%s %s\n", out.name, out.version, out.digest);
		uk_store_component_free(&out);
	}
	uk_store_close(&s);
	return rc == 0 ? UK_EXIT_OK : cli_report(&err);
}

/* The size of the manifest digest as tagged in root. */
static int manifest_size(const char *root, const char *digest,
			 unsigned long long *size, struct uk_error *err)
{
	struct uk_layout_ref *refs;
	size_t n, i;
	int rc = -1;

	if (uk_layout_refs(root, &refs, &n, err) < 0)
		return -1;
	for (i = 0; i < n && rc < 0; i++)
		if (!strcmp(refs[i].digest, digest)) {
			*size = refs[i].size;
			rc = 0;
		}
	uk_layout_refs_free(refs, n);
	if (rc < 0)
		uk_errorf(err, "%s is not tagged in the store '%s'", digest, root);
	return rc;
}

static int push(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"insecure", no_argument, NULL, 'k'},
		{NULL, 0, NULL, 0},
	};
	struct uk_client_opts o = {0};
	struct uk_error err = {0};
	struct uk_store s = {0};
	struct uk_store_component comp = {0};
	struct uk_client c = {0};
	struct uk_ref r = {0}, from = {0};
	struct uk_error ignored = {0};
	unsigned long long size = 0;
	const char *mount = NULL;
	int ch, rc = -1;

	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (ch == 'k')
			o.insecure = 1;
		else
			return cli_unknown_option(usage, argv[optind - 1], longopts);
	}
	if (argc - optind != 2)
		return cli_usage_error(usage, "give a component (folder or NAME) and a REF");
	if (uk_ref_parse(argv[optind + 1], &r, &err) < 0)
		return cli_report(&err);
	if (uk_store_open(&s, &err) < 0)
		goto out;
	if (uk_is_dir(argv[optind])) {
		if ((rc = validate(argv[optind])) != 0)
			goto done;
		rc = uk_store_pack_component(s.user_root, argv[optind], &comp, &err);
	} else {
		rc = uk_store_find_component(&s, argv[optind], NULL, &comp, &err);
		/* Pulled from another repository of the same registry: mount. */
		if (rc == 0 && uk_ref_names_registry(argv[optind]) &&
		    uk_ref_parse(argv[optind], &from, &ignored) == 0 &&
		    !strcmp(from.host, r.host) && strcmp(from.repo, r.repo))
			mount = from.repo;
	}
	rc = -1;
	if (!comp.digest[0] || manifest_size(comp.root, comp.digest, &size, &err) < 0)
		goto out;
	if (cli_progress_enabled())
		o.progress = cli_registry_progress;
	if (uk_client_open(&c, &r, &o, &err) < 0 || uk_client_ping(&c, &err) < 0 ||
	    uk_push_tree(&c, comp.root, UK_MT_MANIFEST, comp.digest, size, r.tag,
			 mount, &err) < 0)
		goto out;
	printf("%s:%s %s/%s%s%s@%s (%u blob%s uploaded, %u already there, %u mounted)\n",
	       comp.name, comp.version, r.host, r.repo, r.tag ? ":" : "",
	       r.tag ? r.tag : "", comp.digest, c.stats.blobs_uploaded,
	       c.stats.blobs_uploaded == 1 ? "" : "s", c.stats.blobs_skipped,
	       c.stats.blobs_mounted);
	rc = 0;
out:
	if (rc < 0)
		rc = cli_report(&err);
done:
	uk_client_close(&c);
	uk_store_component_free(&comp);
	uk_store_close(&s);
	uk_ref_free(&r);
	uk_ref_free(&from);
	return rc;
}

int cmd_pkg(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(usage, "which subcommand? (create, push)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		help();
		return UK_EXIT_OK;
	}
	if (strcmp(argv[1], "create") != 0 && strcmp(argv[1], "push") != 0)
		return cli_usage_error(usage, "unknown subcommand 'pkg %s'", argv[1]);
	if (cli_wants_help(argc - 1, argv + 1)) {
		help();
		return UK_EXIT_OK;
	}
	if (!strcmp(argv[1], "push"))
		return push(argc - 1, argv + 1);
	return create(argc - 1, argv + 1);
}
