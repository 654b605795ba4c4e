/* uk push: publish the project's built images (or one image file) as an
 * OCI image index, one manifest per target. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder/imagemeta.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "manifest/manifest.h"
#include "registry/push_stream.h"
#include "registry/remote.h"
#include "store/image.h"
#include "store/layout.h"
#include "util/path.h"

static const char usage[] =
	"uk push [-C DIR] [-t TARGET]... [--insecure] [--json] [IMAGE] REF";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Publishes the project's built images (every target of uk.yaml) or one\n"
	       "image file as an OCI image index with one manifest per target: an\n"
	       "image config (amd64, linux, Cmd, Env, rootfs.diff_ids) and one\n"
	       "reproducible tar layer holding unikernel/NAME (gzipped when it\n"
	       "compresses, else the plain tar: digest = diff_id), annotated for\n"
	       "urunc (com.urunc.unikernel.*). The same build gives the same\n"
	       "digests; blobs the registry already has are not uploaded.\n\n"
	       "  -C DIR      the project folder (default: .)\n"
	       "  -t TARGET   push this target's image (kvm or xen); repeatable;\n"
	       "              default: the kernel targets of uk.yaml (a raw disk is\n"
	       "              skipped with a notice: registries carry kernels)\n"
	       "  IMAGE       a built image file to push instead of the project's\n"
	       "  REF         [HOST[:PORT]/]REPO[:TAG]; the default registry is\n"
	       "              $UK_REGISTRY, else docker.io; credentials from 'uk login'\n"
	       "              or Docker's config.json\n"
	       "  --insecure  plain HTTP to a registry that is not on localhost\n"
	       "  --json      print {\"reference\", \"digest\", \"size\", \"uploaded\",\n"
	       "              \"already_there\", \"mounted\", \"bytes_uploaded\"}\n",
	       usage);
}

/* The built image of every kernel target of DIR/uk.yaml (a raw disk is
 * skipped with a notice), or of the targets -t chose (bits; 0: none). */
static int project_images(const char *dir, unsigned chosen, char ***out, size_t *n,
			  struct uk_error *err)
{
	struct uk_manifest m;
	struct uk_diags diags = {0};
	char *yaml = uk_path_join(dir, "uk.yaml");
	size_t i;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (!yaml || !uk_file_exists(yaml)) {
		free(yaml);
		uk_errorf(err, "no uk.yaml in '%s'", dir);
		uk_hintf(err, "run in a project folder, use -C DIR, or name an IMAGE file");
		err->status = UK_EXIT_USAGE;
		return -1;
	}
	memset(&m, 0, sizeof(m));
	rc = uk_manifest_load(yaml, &m, &diags, err);
	free(yaml);
	uk_diags_free(&diags);
	if (rc < 0)
		return -1;
	enum uk_target order[3];
	size_t norder = 0;

	if (chosen) { /* -t: in kvm, xen order, built or not in uk.yaml */
		for (unsigned k = 0; k < 3; k++)
			if (chosen & (1u << k))
				order[norder++] = (enum uk_target)(1u << k);
	} else {
		for (i = 0; i < m.ntargets; i++)
			order[norder++] = m.target_order[i];
	}
	*out = calloc(norder + 1, sizeof(**out));
	for (i = 0; *out && i < norder && rc == 0; i++) {
		const char *t = uk_target_name(order[i]);
		char *path = NULL;

		if (uk_image_locate(dir, t, &path, err) < 0) {
			rc = -1;
		} else if (!chosen && order[i] == UK_TARGET_RAW) {
			cli_notice("skipping the raw disk '%s': registries carry kernels "
				   "(-t TARGET chooses what to push)", path);
			free(path);
			continue;
		} else if (!uk_file_exists(path)) {
			uk_errorf(err, "the %s image '%s' is not built", t, path);
			rc = uk_hintf(err, "run 'uk build%s%s' first", chosen ? " -t " : "",
				      chosen ? t : "");
		}
		(*out)[(*n)++] = path;
	}
	if (rc == 0 && *n == 0) {
		uk_errorf(err, "nothing to push: uk.yaml's only target is a raw disk");
		uk_hintf(err, "add kvm or xen to 'targets:' in uk.yaml");
		err->status = UK_EXIT_USAGE;
		rc = -1;
	}
	uk_manifest_free(&m);
	return rc;
}

static void print_json(const struct uk_ref *r, const char *digest, unsigned long long size,
		       const struct uk_client_stats *st)
{
	char ref[1024];
	json_t *o;

	snprintf(ref, sizeof(ref), "%s/%s%s%s", r->host, r->repo, r->tag ? ":" : "",
		 r->tag ? r->tag : "");
	o = json_pack("{s:s, s:s, s:I, s:i, s:i, s:i, s:I}", "reference", ref, "digest", digest,
		      "size", (json_int_t)size, "uploaded", (int)st->blobs_uploaded,
		      "already_there", (int)st->blobs_skipped, "mounted", (int)st->blobs_mounted,
		      "bytes_uploaded", (json_int_t)st->bytes_up);
	if (o)
		json_dumpf(o, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(o);
}

static void free_images(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int cmd_push(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"insecure", no_argument, NULL, 'k'},
		{"target", required_argument, NULL, 't'},
		{"json", no_argument, NULL, 'J'},
		{NULL, 0, NULL, 0},
	};
	unsigned chosen = 0;
	int json = 0;
	struct uk_client_opts o = {0};
	struct uk_error err = {0};
	const char *dir = ".", *refarg;
	char **images = NULL, digest[UK_DIGEST_MAX];
	unsigned long long size;
	size_t n = 0;
	struct uk_store s = {0};
	struct uk_client c = {0};
	struct uk_push_stream ps = {0};
	struct uk_ref r = {0};
	int ch, rc = -1;

	if (cli_wants_help(argc, argv)) {
		help();
		return UK_EXIT_OK;
	}
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+C:t:", longopts, NULL)) != -1) {
		enum uk_target t;

		if (ch == 'k') {
			o.insecure = 1;
		} else if (ch == 'C') {
			dir = optarg;
		} else if (ch == 'J') {
			json = 1;
		} else if (ch == 't') {
			if (uk_target_parse(optarg, &t) != 0)
				return cli_usage_error(usage, "unknown target '%s'; targets are "
						       "kvm, xen and raw", optarg);
			chosen |= t;
		} else {
			return cli_unknown_option(usage, argv[optind - 1], longopts);
		}
	}
	if (optind >= argc)
		return cli_usage_error(usage, "which reference?");
	if (argc - optind > 2)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind + 2]);
	refarg = argv[argc - 1];
	if (uk_ref_parse(refarg, &r, &err) < 0)
		return cli_report(&err);
	if (argc - optind == 2 && chosen) {
		uk_ref_free(&r);
		return cli_usage_error(usage, "-t chooses among the project's images; "
				       "an IMAGE file is pushed as it is");
	}
	if (argc - optind == 2) {
		images = calloc(2, sizeof(*images));
		if (images && (images[0] = strdup(argv[optind])))
			n = 1;
	} else if (project_images(dir, chosen, &images, &n, &err) < 0) {
		goto out;
	}
	if (cli_progress_enabled())
		o.progress = cli_registry_progress;
	/* A big layer goes up while it is packed (registry/push_stream.h);
	 * not when the digest to push is named: it may not be this one. */
	if (uk_store_open(&s, &err) < 0 || uk_client_open(&c, &r, &o, &err) < 0)
		goto out;
	uk_push_stream_init(&ps, &c);
	if (uk_image_pack(s.user_root, (const char *const *)images, n,
			  r.digest[0] ? NULL : &ps.sink, digest, &size, &err) < 0)
		goto out;
	if (r.digest[0] && strcmp(r.digest, digest)) {
		uk_errorf(&err, "the images hash to %s, not %s", digest, r.digest);
		uk_hintf(&err, "leave the @digest out of the reference");
		goto out;
	}
	if (ps.ping_failed || ps.fatal) {
		err = ps.err;
		goto out;
	}
	if ((!ps.pinged && uk_client_ping(&c, &err) < 0) ||
	    uk_push_tree(&c, s.user_root, UK_MT_INDEX, digest, size, r.tag, NULL,
			 &err) < 0)
		goto out;
	if (json)
		print_json(&r, digest, size, &c.stats);
	else
		printf("%s/%s%s%s@%s (%u blob%s uploaded, %u already there, %u mounted)\n",
		       r.host, r.repo, r.tag ? ":" : "", r.tag ? r.tag : "", digest,
		       c.stats.blobs_uploaded, c.stats.blobs_uploaded == 1 ? "" : "s",
		       c.stats.blobs_skipped, c.stats.blobs_mounted);
	rc = 0;
out:
	if (ps.c)
		uk_push_stream_free(&ps);
	uk_client_close(&c);
	uk_store_close(&s);
	uk_ref_free(&r);
	free_images(images, n);
	return rc == 0 ? UK_EXIT_OK : cli_report(&err);
}
