#include "builder/toolchain.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/path.h"
#include "util/spawn.h"

const char *uk_toolchain_cc(void)
{
	const char *cc = getenv("CC");

	return cc && cc[0] ? cc : "gcc";
}

static int fail(struct uk_error *err)
{
	return uk_hintf(err, "install gcc (apt-get install gcc) or set CC to a C compiler");
}

/* The first line of what `$CC ARG` prints; NULL when it fails. */
static char *ask(const char *arg, struct uk_error *err)
{
	char *argv[] = { (char *)uk_toolchain_cc(), (char *)arg, NULL };
	char *out = NULL;
	int rc = uk_run_capture(argv, &out, err);

	if (rc < 0)
		return NULL;
	out[strcspn(out, "\n")] = '\0';
	if (rc != 0 || !out[0]) {
		uk_errorf(err, "'%s %s' failed", argv[0], arg);
		free(out);
		return NULL;
	}
	return out;
}

/* GCC keeps libgcc.a beside its include folder, which saves a spawn. */
static char *find_libgcc(const char *include_dir, struct uk_error *err)
{
	const char *slash = strrchr(include_dir, '/');
	char *p;

	if (slash && strcmp(slash, "/include") == 0) {
		if (asprintf(&p, "%.*s/libgcc.a", (int)(slash - include_dir), include_dir) < 0)
			abort();
		if (access(p, R_OK) == 0)
			return p;
		free(p);
	}
	p = ask("-print-libgcc-file-name", err);
	if (p && (p[0] != '/' || access(p, R_OK) != 0)) {
		uk_errorf(err, "'%s -print-libgcc-file-name' gave no library", uk_toolchain_cc());
		free(p);
		p = NULL;
	}
	return p;
}

static int ask_all(struct uk_toolchain *tc, struct uk_error *err)
{
	struct uk_hashbuf hb = { 0 };
	char *version, *machine;

	tc->include_dir = ask("-print-file-name=include", err);
	if (!tc->include_dir)
		return -1;
	if (tc->include_dir[0] != '/') {
		uk_errorf(err, "'%s -print-file-name=include' failed", uk_toolchain_cc());
		return -1;
	}
	tc->libgcc = find_libgcc(tc->include_dir, err);
	if (!tc->libgcc)
		return -1;
	version = ask("--version", err);
	machine = version ? ask("-dumpmachine", err) : NULL;
	if (!machine) {
		free(version);
		return -1;
	}
	uk_hashbuf_str(&hb, "uk-cc-1");
	uk_hashbuf_str(&hb, version);
	uk_hashbuf_str(&hb, machine);
	uk_hashbuf_hex(&hb, tc->id);
	uk_hashbuf_free(&hb);
	free(version);
	free(machine);
	return 0;
}

/* $UK_HOME/cache/cc/<hash of the binary's identity>, or NULL when the
 * compiler is not found in $PATH (then it is asked every time). */
static char *record_path(const char *cache_root)
{
	const char *cc = uk_toolchain_cc();
	char *exe = uk_which(cc), *p = NULL, hex[UK_FASTHASH_HEX];
	struct uk_hashbuf hb = { 0 };
	struct stat st;
	char line[160];

	if (!exe || stat(exe, &st) != 0) {
		free(exe);
		return NULL;
	}
	uk_hashbuf_str(&hb, cc);
	uk_hashbuf_str(&hb, exe);
	snprintf(line, sizeof(line), "%" PRIu64 " %" PRIu64 " %lld.%09ld %lld.%09ld",
		 (uint64_t)st.st_size, (uint64_t)st.st_ino, (long long)st.st_mtim.tv_sec,
		 st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
	uk_hashbuf_str(&hb, line);
	uk_hashbuf_hex(&hb, hex);
	uk_hashbuf_free(&hb);
	free(exe);
	if (asprintf(&p, "%s/cc/%s", cache_root, hex) < 0)
		abort();
	return p;
}

static int load(const char *path, struct uk_toolchain *tc)
{
	char *text = NULL, *inc, *lib, *id;

	if (uk_read_file(path, &text, NULL, NULL) != 0)
		return -1;
	id = strtok(text, "\n");
	inc = strtok(NULL, "\n");
	lib = strtok(NULL, "\n");
	if (!id || strlen(id) != 32 || !inc || !lib || !uk_is_dir(inc) ||
	    access(lib, R_OK) != 0) {
		free(text);
		return -1;
	}
	memcpy(tc->id, id, UK_FASTHASH_HEX);
	tc->include_dir = strdup(inc);
	tc->libgcc = strdup(lib);
	free(text);
	return 0;
}

int uk_toolchain_probe(const char *cache_root, struct uk_toolchain *tc,
		       struct uk_error *err)
{
	char *rec = cache_root ? record_path(cache_root) : NULL, *text, *dir;

	memset(tc, 0, sizeof(*tc));
	if (rec && load(rec, tc) == 0) {
		free(rec);
		return 0;
	}
	if (ask_all(tc, err) != 0) {
		free(rec);
		uk_toolchain_free(tc);
		return fail(err);
	}
	if (rec) {
		/* only a cache: a read-only $UK_HOME just asks again next time */
		dir = uk_path_join(cache_root, "cc");
		if (asprintf(&text, "%s\n%s\n%s\n", tc->id, tc->include_dir, tc->libgcc) < 0)
			abort();
		if (uk_mkdirs(dir, NULL) == 0)
			uk_write_file_atomic(rec, text, strlen(text), 0644, NULL);
		free(text);
		free(dir);
	}
	free(rec);
	return 0;
}

void uk_toolchain_free(struct uk_toolchain *tc)
{
	free(tc->include_dir);
	free(tc->libgcc);
	memset(tc, 0, sizeof(*tc));
}
