/* Where the two stores are: the user's ($UK_HOME) and the built-in one that
 * `make` builds beside bin/uk and `make install` puts in share/uk/store. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "util/path.h"

static char *user_root(struct uk_error *err)
{
	const char *home = getenv("UK_HOME");
	struct passwd *pw;
	char *p;

	if (home && *home)
		return strdup(home);
	home = getenv("HOME");
	if (!home || !*home) {
		pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home) {
		uk_errorf(err, "cannot find the home folder for the user store");
		uk_hintf(err, "set UK_HOME to a folder uk may write to");
		return NULL;
	}
	if (asprintf(&p, "%s/.local/share/uk", home) < 0)
		return NULL;
	return p;
}

/* Installed (PREFIX/bin/uk) or in-tree (bin/uk, build/san/uk). */
static char *builtin_root(void)
{
	static const char *const rel[] = {"../share/uk/store", "../build/store",
					  "../store"};
	const char *env = getenv("UK_BUILTIN_STORE");
	char *exe, *p = NULL;
	size_t i;

	if (env && *env)
		return strdup(env);
	if (!(exe = uk_exe_dir()))
		return NULL;
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char *cand = uk_path_join(exe, rel[i]);
		char *idx = cand ? uk_path_join(cand, "index.json") : NULL;

		if (idx && uk_file_exists(idx)) {
			p = realpath(cand, NULL);
			free(idx);
			free(cand);
			break;
		}
		free(idx);
		free(cand);
	}
	free(exe);
	return p;
}

/* Component folders handed out must stay valid after a chdir (uk build -C),
 * so relative roots are made absolute. */
static char *absolute(char *p)
{
	char cwd[4096], *abs;

	if (!p || p[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return p;
	abs = uk_path_join(cwd, p);
	free(p);
	return abs;
}

int uk_store_open(struct uk_store *s, struct uk_error *err)
{
	memset(s, 0, sizeof(*s));
	if (!(s->user_root = absolute(user_root(err))))
		return err && err->msg[0] ? -1 : uk_errorf(err, "out of memory");
	s->builtin_root = absolute(builtin_root());
	/* One folder named twice is one store, the user's. */
	if (s->builtin_root && !strcmp(s->builtin_root, s->user_root)) {
		free(s->builtin_root);
		s->builtin_root = NULL;
	}
	return 0;
}

void uk_store_close(struct uk_store *s)
{
	free(s->user_root);
	free(s->builtin_root);
	memset(s, 0, sizeof(*s));
}

void uk_store_component_free(struct uk_store_component *c)
{
	free(c->name);
	free(c->version);
	free(c->dir);
	memset(c, 0, sizeof(*c));
}
