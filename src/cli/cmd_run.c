/* uk run: boot an image in QEMU with the console on this terminal and exit
 * with the guest's status. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder/build.h"
#include "builder/debugfile.h"
#include "builder/imagemeta.h"
#include "imagefmt/elfinfo.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "manifest/manifest.h"
#include "store/image.h"
#include "registry/ref.h"
#include "store/store.h"
#include "util/path.h"
#include "vmm/vmm.h"

static const char usage[] =
	"uk run [-C DIR] [-t TARGET | IMAGE] [-m MEM] [--accel auto|kvm|tcg]\n"
	"              [--timeout S] [--bootstats] [--strace] [-o OPTION]...\n"
	"              [-v HOST[:GUEST][:ro]]...\n"
	"              [-e KEY=VALUE]... [--env-file FILE] [--no-build] [--gdb[=PORT]]\n"
	"              [-p [HOSTIP:]HOSTPORT:GUESTPORT[/udp]]... [--net user|tap:IFNAME|none]\n"
	"              [--json] [--verbose | -q] [-- ARGS...]";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Boots an image in QEMU (microvm for kernels, q35 for disks), with its\n"
	       "console on this terminal, and exits with the guest's exit status.\n\n"
	       "  -C DIR           the project folder (default: the nearest upward with a\n"
	       "                   uk.yaml); the project is rebuilt first when it changed\n"
	       "  --no-build       run the image as it is, without rebuilding\n"
	       "  -t TARGET        which built image of the project (default: the first target)\n"
	       "  IMAGE            an image file to boot instead of the project's\n"
	       "  -m MEM           guest memory: bytes or a size like 64M, at least 2M (default:\n"
	       "                   the manifest's memory)\n"
	       "  --accel A        auto (KVM when usable, else TCG), kvm or tcg (default: $UK_ACCEL,\n"
	       "                   else auto)\n"
	       "  -e KEY=VALUE     an environment variable for the program, over the image's;\n"
	       "                   repeatable\n"
	       "  --env-file FILE  KEY=VALUE lines ('#' comments and blank lines skipped)\n"
	       "  --timeout S      stop the VM after S seconds (exit status 124)\n"
	       "  --bootstats      print the guest's entry-to-main time\n"
	       "  --strace         log every system call the guest makes\n"
	       "  -o OPTION[=VALUE]  a runtime option (uk-runtime(7)) without its 'uk.'\n"
	       "                   prefix, e.g. -o net.ip=10.0.2.15/24; repeatable\n"
	       "  --gdb[=PORT]     QEMU's gdb stub on 127.0.0.1:PORT (default 1234), the VM\n"
	       "                   held at its first instruction until gdb continues it\n"
	       "  -v HOST[:GUEST][:ro]  mount the host folder HOST at GUEST (default\n"
	       "                   /mnt/NAME) over virtio-9p, read-only with :ro; repeatable;\n"
	       "                   the image needs 'volumes:' in uk.yaml\n"
	       "  -p [HOSTIP:]HOSTPORT:GUESTPORT[/udp]  forward HOSTIP (default 127.0.0.1)\n"
	       "                   HOSTPORT to the guest's GUESTPORT; repeatable; the image's\n"
	       "                   ports: (uk.yaml) are forwarded from 127.0.0.1 too\n"
	       "  --net user|tap:IFNAME|none  QEMU's user network (the default when the\n"
	       "                   image has networking or -p is given: the guest is 10.0.2.15\n"
	       "                   by DHCP and reaches this host as 10.0.2.2), this host's tap\n"
	       "                   device IFNAME (made and configured beforehand), or no\n"
	       "                   network device\n"
	       "  --json           after the VM stopped, one JSON line on stderr: image,\n"
	       "                   target, accelerator, memory, status, guest_status,\n"
	       "                   exited, timed_out, interrupted, seconds (QEMU's run),\n"
	       "                   build_seconds (the rebuild before it, 0 when none)\n"
	       "  --verbose        show the compiler and QEMU command lines (-v is\n"
	       "                   taken by volumes, as in docker)\n"
	       "  -q, --quiet      print only errors: no notices (KVM, rebuild, ports)\n"
	       "  -- ARGS...       the program's arguments (default: the manifest's cmdline)\n\n"
	       "Exit status: the guest's (0-255); 124 on --timeout; 130 when interrupted;\n"
	       "139 or 134 when the guest crashed; 1 when QEMU could not run it.\n",
	       usage);
}

/* The runtime splits its command line at spaces; an argument with spaces,
 * quotes or backslashes is written in double quotes with \ escapes. */
static void append_word(char **line, size_t *len, const char *w)
{
	int quote = w[0] == '\0' || strpbrk(w, " \t\"\\") != NULL;
	size_t need = *len + 2 * strlen(w) + 4;

	*line = realloc(*line, need);
	if (!*line)
		abort();
	char *p = *line + *len;

	if (*len)
		*p++ = ' ';
	if (quote)
		*p++ = '"';
	for (const char *s = w; *s; s++) {
		if (quote && (*s == '"' || *s == '\\'))
			*p++ = '\\';
		*p++ = *s;
	}
	if (quote)
		*p++ = '"';
	*p = '\0';
	*len = (size_t)(p - *line);
}

struct run_args {
	const char *dir, *target, *image, *accel;
	uint64_t memory;
	unsigned timeout;
	int bootstats, strace, no_build;
	char **opts;            /* -o, "uk." added */
	size_t nopts;
	unsigned gdb_port;      /* --gdb */
	char **env;             /* -e and --env-file, in order */
	size_t nenv;
	char **args;
	int nargs, have_args;
	struct uk_volume *vols; /* -v, then the image's own (uk.yaml volumes:) */
	size_t nvols;
	struct uk_vm_port *ports; /* -p */
	size_t nports;
	const char *net;          /* --net: "user", "none", "tap:IFNAME" or NULL */
	int json, verbose, quiet;
	double build_seconds;     /* the rebuild's, 0 when none */
};

static char *build_cmdline(const struct run_args *a, const struct uk_image_meta *meta)
{
	char *line = NULL;
	size_t len = 0;
	char *opt;

	line = strdup("");
	if (asprintf(&opt, "uk.name=%s", meta->name ? meta->name : "uk") < 0)
		abort();
	append_word(&line, &len, opt);
	free(opt);
	if (a->bootstats)
		append_word(&line, &len, "uk.bootstats");
	if (a->strace)
		append_word(&line, &len, "uk.strace");
	for (size_t i = 0; i < a->nopts; i++)
		append_word(&line, &len, a->opts[i]);
	for (size_t i = 0; i < meta->nenv; i++) {
		if (asprintf(&opt, "uk.env=%s", meta->env[i]) < 0)
			abort();
		append_word(&line, &len, opt);
		free(opt);
	}
	for (size_t i = 0; i < a->nenv; i++) { /* after the image's: they win */
		if (asprintf(&opt, "uk.env=%s", a->env[i]) < 0)
			abort();
		append_word(&line, &len, opt);
		free(opt);
	}
	for (size_t i = 0; i < a->nvols; i++) {
		if (asprintf(&opt, "uk.volume=" UK_VM_VOLUME_TAG "%zu:%s%s", i, a->vols[i].guest,
			     a->vols[i].ro ? ":ro" : "") < 0)
			abort();
		append_word(&line, &len, opt);
		free(opt);
	}
	append_word(&line, &len, "--");
	if (a->have_args) {
		for (int i = 0; i < a->nargs; i++)
			append_word(&line, &len, a->args[i]);
	} else {
		for (size_t i = 0; i < meta->nargs; i++)
			append_word(&line, &len, meta->args[i]);
	}
	return line;
}

static int resolve_accel(const char *want, enum uk_accel *out)
{
	char why[256];
	int usable;

	if (strcmp(want, "tcg") == 0) {
		*out = UK_ACCEL_TCG;
		return 0;
	}
	if (strcmp(want, "kvm") != 0 && strcmp(want, "auto") != 0)
		return cli_usage_error(usage, "unknown accelerator '%s'; use auto, kvm or tcg",
				       want);
	usable = uk_vm_kvm_usable_cached(why, sizeof(why));
	if (usable) {
		*out = UK_ACCEL_KVM;
		return 0;
	}
	if (strcmp(want, "kvm") == 0) {
		struct uk_error err = { .status = 1 };

		uk_errorf(&err, "KVM is not usable: %s", why);
		if (access("/dev/kvm", R_OK | W_OK) != 0)
			uk_hintf(&err, "use '--accel tcg', or give this user access to /dev/kvm");
		else
			uk_hintf(&err, "use '--accel tcg': this host's KVM cannot run the guest");
		return cli_report(&err);
	}
	cli_notice("KVM cannot run this guest here, using TCG (--accel tcg or UK_ACCEL=tcg "
		   "silences this)");
	*out = UK_ACCEL_TCG;
	return 0;
}

static int valid_env(const char *kv)
{
	const char *eq = strchr(kv, '=');

	if (!eq || eq == kv || (kv[0] >= '0' && kv[0] <= '9'))
		return 0;
	for (const char *p = kv; p < eq; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

static void add_env(struct run_args *a, const char *kv)
{
	a->env = realloc(a->env, (a->nenv + 1) * sizeof(*a->env));
	if (!a->env || !(a->env[a->nenv] = strdup(kv)))
		abort();
	a->nenv++;
}

/* docker's --env-file: KEY=VALUE a line, '#' comments and blank lines
 * skipped, the value as it is (no quotes removed). */
static int read_env_file(struct run_args *a, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned no = 0;
	ssize_t n;

	if (!f) {
		struct uk_error err = { .status = UK_EXIT_USAGE };
		uk_errorf(&err, "--env-file '%s': %s", path, strerror(errno));
		return cli_report(&err);
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		no++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		const char *p = line + strspn(line, " \t");
		if (!*p || *p == '#')
			continue;
		if (!valid_env(p)) {
			int rc = cli_usage_error(usage, "%s:%u: not KEY=VALUE: '%s'", path, no, p);
			free(line);
			fclose(f);
			return rc;
		}
		add_env(a, p);
	}
	free(line);
	fclose(f);
	return 0;
}

/* -m like the manifest's memory: bytes or a size; the VM needs 2 MiB, and
 * more than the host has cannot start. */
static int check_memory(const char *s, uint64_t *out)
{
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	uint64_t host = pages > 0 && psize > 0 ? (uint64_t)pages * (uint64_t)psize : 0;

	if (uk_parse_size(s, out) != 0)
		return cli_usage_error(usage, "bad memory size '%s'; use bytes or a size like 64M",
				       s);
	if (*out < (2u << 20))
		return cli_usage_error(usage, "memory '%s' is below the 2M a guest needs", s);
	if (host && *out > host)
		return cli_usage_error(usage, "memory '%s' is more than this host's %" PRIu64
				       " MiB", s, host >> 20);
	return 0;
}

static int parse_args(int argc, char **argv, struct run_args *a)
{
	static const struct option longopts[] = {
		{ "accel", required_argument, NULL, 'a' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "bootstats", no_argument, NULL, 'b' },
		{ "strace", no_argument, NULL, 's' },
		{ "memory", required_argument, NULL, 'm' },
		{ "target", required_argument, NULL, 't' },
		{ "net", required_argument, NULL, 'n' },
		{ "env", required_argument, NULL, 'e' },
		{ "env-file", required_argument, NULL, 'E' },
		{ "no-build", no_argument, NULL, 'N' },
		{ "json", no_argument, NULL, 'J' },
		{ "verbose", no_argument, NULL, 'V' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "gdb", optional_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	const char *acc = getenv("UK_ACCEL");

	a->dir = NULL;
	a->accel = acc && acc[0] ? acc : "auto";
	/* Everything after the first "--" is the program's, untouched. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			a->have_args = 1;
			a->args = argv + i + 1;
			a->nargs = argc - i - 1;
			argc = i;
			break;
		}
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, "C:t:m:v:p:e:o:q", longopts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'e':
			if (!valid_env(optarg))
				return cli_usage_error(usage, "bad -e '%s'; use KEY=VALUE with KEY of "
						       "letters, digits and '_'", optarg);
			add_env(a, optarg);
			break;
		case 'E':
			if (read_env_file(a, optarg) != 0)
				return UK_EXIT_USAGE;
			break;
		case 'N': a->no_build = 1; break;
		case 'J': a->json = 1; break;
		case 'V': a->verbose = 1; break;
		case 'q': a->quiet = 1; break;
		case 'g': {
			unsigned long port = optarg ? strtoul(optarg, &end, 10) : 1234;

			if (optarg && (*end || !optarg[0] || port == 0 || port > 65535))
				return cli_usage_error(usage, "bad gdb port '%s'; use 1 to 65535",
						       optarg);
			a->gdb_port = (unsigned)port;
			break;
		}
		case 'C': a->dir = optarg; break;
		case 't': a->target = optarg; break;
		case 'a': a->accel = optarg; break;
		case 'b': a->bootstats = 1; break;
		case 's': a->strace = 1; break;
		case 'o':
			if (!optarg[0] || optarg[0] == '=' || strpbrk(optarg, " \t\n"))
				return cli_usage_error(usage, "bad runtime option '%s'", optarg);
			a->opts = realloc(a->opts, (a->nopts + 1) * sizeof(*a->opts));
			if (!a->opts || asprintf(&a->opts[a->nopts], "uk.%s",
						 strncmp(optarg, "uk.", 3) ? optarg : optarg + 3) < 0)
				abort();
			a->nopts++;
			break;
		case 'v': {
			const char *why;

			a->vols = realloc(a->vols, (a->nvols + 1) * sizeof(*a->vols));
			if (!a->vols)
				abort();
			if (uk_volume_parse(optarg, &a->vols[a->nvols], &why) != 0)
				return cli_usage_error(usage, "bad volume '%s': %s", optarg, why);
			a->nvols++;
			break;
		}
		case 'p': {
			const char *why;

			a->ports = realloc(a->ports, (a->nports + 1) * sizeof(*a->ports));
			if (!a->ports)
				abort();
			if (uk_vm_port_parse(optarg, &a->ports[a->nports], &why) != 0)
				return cli_usage_error(usage, "bad port forward '%s': %s", optarg, why);
			a->nports++;
			break;
		}
		case 'n':
			if (!strncmp(optarg, "tap:", 4) && uk_vm_tap_name_ok(optarg + 4))
				return cli_usage_error(usage, "bad tap device name '%s' (1 to 15 "
						       "bytes, no '/', ',', ':' or spaces)", optarg + 4);
			if (strcmp(optarg, "user") && strcmp(optarg, "none") &&
			    strncmp(optarg, "tap:", 4))
				return cli_usage_error(usage, "unknown network '%s'; use user, "
						       "tap:IFNAME or none", optarg);
			a->net = optarg;
			break;
		case 'm':
			if (check_memory(optarg, &a->memory) != 0)
				return UK_EXIT_USAGE;
			break;
		case 'T': {
			unsigned long t = strtoul(optarg, &end, 10);

			if (*end || !optarg[0] || t == 0 || t > 86400)
				return cli_usage_error(usage, "bad timeout '%s'; use seconds, 1 to 86400",
						       optarg);
			a->timeout = (unsigned)t;
			break;
		}
		default:
			return cli_unknown_option(usage, argv[optind - 1], longopts);
		}
	}
	for (int i = optind; i < argc; i++) {
		if (a->image)
			return cli_usage_error(usage, "unexpected argument '%s'; program "
					       "arguments go after '--'", argv[i]);
		a->image = argv[i];
	}
	if (a->image && a->target)
		return cli_usage_error(usage, "give either -t TARGET or IMAGE, not both");
	if (a->verbose && a->quiet)
		return cli_usage_error(usage, "give either --verbose or --quiet");
	cli_set_quiet(a->quiet);
	return 0;
}

#define UK_RUN_MAX_VOLUMES 16

/* The image's own volumes (uk.yaml) after -v's, but for a guest path -v
 * already gives; every host folder must exist; Xen and images built
 * without volumes: cannot have any. 0, 2 (usage) or -1 with err. */
static int check_volumes(struct run_args *a, const struct uk_image_meta *meta,
			 struct uk_error *err)
{
	for (size_t i = 0; i < meta->nvolumes; i++) {
		struct uk_volume v;
		const char *why;
		int dup = 0;

		if (uk_volume_parse(meta->volumes[i], &v, &why) != 0)
			continue;
		for (size_t k = 0; k < a->nvols; k++)
			dup |= strcmp(a->vols[k].guest, v.guest) == 0;
		if (dup) {
			uk_volume_free(&v);
			continue;
		}
		a->vols = realloc(a->vols, (a->nvols + 1) * sizeof(*a->vols));
		if (!a->vols)
			abort();
		a->vols[a->nvols++] = v;
	}
	if (!a->nvols)
		return 0;
	if (meta->target && strcmp(meta->target, "xen") == 0) {
		uk_errorf(err, "volumes need virtio-9p, which Xen does not have");
		uk_hintf(err, "run the kvm or raw target with -v ('uk run -t kvm -v ...'), or "
			      "put the files in the image with 'files:' in uk.yaml");
		return -1;
	}
	if (meta->target && !meta->has_9p) {
		uk_errorf(err, "this image was built without volumes: it cannot mount host folders");
		uk_hintf(err, "add 'volumes: []' to uk.yaml and run 'uk build' again");
		return -1;
	}
	if (a->nvols > UK_RUN_MAX_VOLUMES)
		return cli_usage_error(usage, "at most %d volumes", UK_RUN_MAX_VOLUMES);
	for (size_t i = 0; i < a->nvols; i++) {
		struct stat st;

		if (stat(a->vols[i].host, &st) != 0 || !S_ISDIR(st.st_mode)) {
			uk_errorf(err, "no folder at '%s' (volume for %s)", a->vols[i].host,
				  a->vols[i].guest);
			uk_hintf(err, "create it, or give an existing folder to -v");
			return -1;
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(a->vols[k].guest, a->vols[i].guest) == 0)
				return cli_usage_error(usage, "two volumes for %s",
						       a->vols[i].guest);
	}
	return 0;
}

/* built with the uk-net component (uk.yaml libraries: [uk-net]) */
static int image_has_net(const struct uk_image_meta *meta)
{
	for (size_t i = 0; i < meta->ncomponents; i++)
		if (meta->components[i].name && !strcmp(meta->components[i].name, "uk-net"))
			return 1;
	return 0;
}

/* The image's own forwards (uk.yaml ports:) after those of -p, each from
 * 127.0.0.1; one that -p already gives (the same host port, or the same
 * guest port, and protocol) is left to -p. */
static void add_image_ports(struct run_args *a, const struct uk_image_meta *meta)
{
	for (size_t i = 0; i < meta->nports; i++) {
		struct uk_vm_port p;
		const char *why;
		size_t k;

		if (uk_vm_port_parse(meta->ports[i], &p, &why) != 0)
			continue; /* uk build wrote it; a hand-edited .json is ignored */
		for (k = 0; k < a->nports; k++)
			if (a->ports[k].udp == p.udp && (a->ports[k].host_port == p.host_port ||
							 a->ports[k].guest_port == p.guest_port))
				break;
		if (k < a->nports)
			continue;
		a->ports = realloc(a->ports, (a->nports + 1) * sizeof(*a->ports));
		if (!a->ports)
			abort();
		a->ports[a->nports++] = p;
	}
}

/* `uk run` in a project builds it first, as `cargo run` does: nothing is
 * said when it was up to date; when something changed, the build's line. */
static int rebuild(struct run_args *a)
{
	struct uk_build_opts bo = { .dir = a->dir };
	struct uk_build_result r = { 0 };
	struct uk_error err = { 0 };
	enum uk_target t;
	int rc;

	if (a->target && uk_target_parse(a->target, &t) == 0)
		bo.targets = t;
	if (a->verbose)
		bo.command = cli_print_command;
	cli_build_output(&bo, a->quiet);
	rc = uk_build(&bo, &r, &err);
	a->build_seconds = r.seconds;
	if (rc != 0) {
		rc = cli_build_report(&r, &err);
		uk_build_result_free(&r);
		return rc;
	}
	if (!a->quiet)
		cli_build_warnings(&r);
	for (size_t i = 0; i < r.nimages; i++)
		if (r.images[i].relinked)
			cli_notice("built %s first (the project changed; --no-build skips this)",
				   r.images[i].path);
	uk_build_result_free(&r);
	return 0;
}

/* An image file: a PVH kernel (ELF with its entry note) unless the meta
 * says it is a disk; anything else is named as uk inspect would. */
static int not_an_image(const char *path, const struct uk_image_meta *meta,
			struct uk_error *err)
{
	struct uk_elf_info e;

	if (meta->is_disk)
		return 0;
	if (uk_elf_info_load(path, &e, err) != 0)
		return -1;
	if (!e.has_pvh_entry) {
		uk_errorf(err, "'%s' is an ELF file but not a uk image (no PVH entry note)", path);
		uk_hintf(err, "give the path of an image that 'uk build' wrote");
		return -1;
	}
	return 0;
}

/* The exit status uk run gives for res (as below). */
static int exit_status(const struct uk_vm_result *res)
{
	if (res->timed_out)
		return UK_EXIT_TIMEOUT;
	return res->interrupted ? 130 : res->status;
}

/* --json: one line on stderr, stdout being the guest's console. */
static void print_json(const struct run_args *a, const char *image,
		       const struct uk_image_meta *meta, const struct uk_vm_opts *o,
		       const struct uk_vm_result *res)
{
	json_t *j = json_pack("{s:s, s:s?, s:s, s:I, s:i, s:o, s:b, s:b, s:b, s:f, s:f}", "image",
			      image, "target", meta->target, "accelerator",
			      o->accel == UK_ACCEL_KVM ? "kvm" : "tcg", "memory",
			      (json_int_t)o->memory, "status", exit_status(res), "guest_status",
			      res->exited ? json_integer(res->status) : json_null(), "exited",
			      res->exited, "timed_out", res->timed_out, "interrupted",
			      res->interrupted, "seconds", res->seconds, "build_seconds",
			      a->build_seconds);
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

	if (text)
		fprintf(stderr, "%s\n", text);
	free(text);
	json_decref(j);
}

/* A default build's debug file is made when it is first needed, from the
 * recipe beside the image (builder/debugfile.h): here, at a crash
 * report's first frame, on the symbolizer's thread. */
static int make_debug_file(void *image)
{
	struct uk_error err = { 0 };

	if (uk_debugfile_make(image, &err) == 0)
		return 0;
	cli_notice("crash frames without file:line: %s (%s)", err.msg, err.hint);
	return -1;
}

/* The image's debug file, or the one its recipe can make (*make set);
 * NULL when there is neither. Only stats: uk run starts as fast. */
static char *find_debug_file(const char *image, int *make)
{
	char *debug = uk_debugfile_path(image), *recipe;

	*make = 0;
	if (uk_file_exists(debug))
		return debug;
	recipe = uk_debugfile_recipe_path(image);
	if (uk_file_exists(recipe))
		*make = 1;
	free(recipe);
	if (*make)
		return debug;
	free(debug);
	return NULL;
}

static int run(int argc, char **argv, struct run_args *a)
{
	struct uk_image_meta meta = { 0 };
	struct uk_vm_opts o = { 0 };
	struct uk_vm_result res;
	struct uk_error err = { 0 };
	char *image = NULL, *cmdline = NULL, *disk_copy = NULL, *debug_file;
	struct uk_vm_volume vm_vols[UK_RUN_MAX_VOLUMES];
	char dir[4096];
	int rc, make;

	if (cli_wants_help(argc, argv)) {
		help();
		return 0;
	}
	rc = parse_args(argc, argv, a);
	if (rc)
		return rc;
	if (!a->image) {
		if (cli_project_dir(a->dir, dir, sizeof(dir), &err) != 0)
			return cli_report(&err);
		a->dir = dir;
		if (!a->no_build && (rc = rebuild(a)) != 0)
			return rc;
	}
	if (a->image)
		image = strdup(a->image);
	else if (uk_image_locate(a->dir, a->target, &image, &err) != 0)
		return cli_report(&err);
	if (a->image && !uk_file_exists(image) && cli_resolve_pulled(&image, &err) < 0) {
		free(image);
		return cli_report(&err);
	}
	if (!uk_file_exists(image)) {
		uk_errorf(&err, "no image at '%s'", image);
		if (a->image && uk_ref_names_registry(a->image))
			uk_hintf(&err, "give the path of a built image, or pull the image "
				       "first: 'uk pull %s'", a->image);
		else
			uk_hintf(&err, a->image ? "give the path of a built image"
					       : "run 'uk build' first");
		free(image);
		return cli_report(&err);
	}
	if (uk_image_meta_load(image, &meta, &err) != 0 || not_an_image(image, &meta, &err)) {
		uk_image_meta_free(&meta);
		free(image);
		return cli_report(&err);
	}
	rc = check_volumes(a, &meta, &err);
	if (rc) {
		uk_image_meta_free(&meta);
		free(image);
		return rc < 0 ? cli_report(&err) : rc;
	}
	/* xen images of the project boot under Xen (xl); an image path under QEMU */
	if (!a->image && meta.target && strcmp(meta.target, "xen") == 0) {
		rc = uk_vm_run_xl(image, &res.status, &err);
		uk_image_meta_free(&meta);
		free(image);
		return rc ? cli_report(&err) : res.status;
	}
	/* QEMU first: a KVM notice is no use when nothing can run */
	char *qemu = uk_which(getenv("UK_QEMU") && getenv("UK_QEMU")[0] ? getenv("UK_QEMU")
								     : "qemu-system-x86_64");
	if (!qemu) {
		uk_errorf(&err, "'%s' not found", getenv("UK_QEMU") && getenv("UK_QEMU")[0]
							 ? getenv("UK_QEMU")
							 : "qemu-system-x86_64");
		uk_hintf(&err, "install QEMU: apt-get install qemu-system-x86 (or set UK_QEMU)");
		uk_image_meta_free(&meta);
		free(image);
		return cli_report(&err);
	}
	free(qemu);
	rc = resolve_accel(a->accel, &o.accel);
	if (rc) {
		uk_image_meta_free(&meta);
		free(image);
		return rc;
	}
	cmdline = build_cmdline(a, &meta);
	o.image = image;
	o.is_disk = meta.is_disk;
	o.memory = a->memory ? a->memory : meta.memory;
	o.cmdline = cmdline;
	o.timeout_s = a->timeout;
	o.volumes = vm_vols;
	o.nvolumes = a->nvols;
	o.tap = a->net && !strncmp(a->net, "tap:", 4) ? a->net + 4 : NULL;
	if (o.tap && a->nports) {
		fprintf(stderr, "uk: -p forwards need the user network, not --net %s\n", a->net);
		free(cmdline);
		uk_image_meta_free(&meta);
		free(image);
		return UK_EXIT_USAGE;
	}
	add_image_ports(a, &meta);
	o.net = a->net ? strcmp(a->net, "none") != 0 : a->nports > 0 || image_has_net(&meta);
	o.ports = a->ports;
	o.nports = o.net && !o.tap ? a->nports : 0; /* the manifest's ports: too */
	if (o.net && isatty(2))
		for (size_t i = 0; i < o.nports; i++)
			if (!o.ports[i].udp)
				cli_notice("guest port %u answers at http://%s:%u/",
					   o.ports[i].guest_port, o.ports[i].host_ip,
					   o.ports[i].host_port);
	for (size_t i = 0; i < a->nvols; i++)
		vm_vols[i] = (struct uk_vm_volume){ a->vols[i].host, a->vols[i].ro };
	/* a raw disk's command line is baked in: other arguments or options go
	 * into a temporary copy of the disk */
	if (meta.is_disk && (a->have_args || a->bootstats || a->strace || a->nvols || a->nenv ||
			     a->nopts)) {
		if (uk_vm_disk_copy(image, cmdline, &disk_copy, &err) != 0) {
			free(cmdline);
			uk_image_meta_free(&meta);
			free(image);
			return cli_report(&err);
		}
		o.image = disk_copy;
	}
	if (a->verbose)
		o.command = cli_print_command;
	o.debug_file = debug_file = find_debug_file(image, &make);
	if (make && a->gdb_port) {
		cli_notice("making %s for gdb from the link's recipe", debug_file);
		if (uk_debugfile_make(image, &err) != 0) {
			free(debug_file);
			if (disk_copy)
				unlink(disk_copy);
			free(disk_copy);
			free(cmdline);
			uk_image_meta_free(&meta);
			free(image);
			return cli_report(&err);
		}
	} else if (make) {
		o.make_debug = make_debug_file;
		o.make_debug_ctx = image;
	}
	o.gdb_port = a->gdb_port;
	if (a->gdb_port)
		cli_notice("the VM waits for gdb at its first instruction: gdb %s -ex 'target "
			   "remote 127.0.0.1:%u'", debug_file ? debug_file : image, a->gdb_port);
	rc = uk_vm_run(&o, &res, &err);
	free(debug_file);
	if (disk_copy)
		unlink(disk_copy);
	free(disk_copy);
	free(cmdline);
	if (rc == 0 && a->json)
		print_json(a, image, &meta, &o, &res);
	uk_image_meta_free(&meta);
	free(image);
	if (rc != 0)
		return cli_report(&err);
	if (res.timed_out) {
		cli_notice("stopped the VM after %u s (--timeout)", a->timeout);
		return UK_EXIT_TIMEOUT;
	}
	if (res.interrupted) {
		cli_notice("interrupted; the VM was stopped");
		return 130;
	}
	return res.status;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = { 0 };
	int rc = run(argc, argv, &a);

	for (size_t i = 0; i < a.nvols; i++)
		uk_volume_free(&a.vols[i]);
	free(a.vols);
	free(a.ports);
	for (size_t i = 0; i < a.nenv; i++)
		free(a.env[i]);
	free(a.env);
	for (size_t i = 0; i < a.nopts; i++)
		free(a.opts[i]);
	free(a.opts);
	return rc;
}
