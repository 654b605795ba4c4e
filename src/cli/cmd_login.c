/* uk login: check credentials against a registry and keep them in
 * $UK_HOME/auth.json (mode 0600). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "registry/client.h"

static const char usage[] =
	"uk login [-u USER] [-p PASSWORD | --password-stdin] [--insecure] [--logout] HOST";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Checks a user name and password against the registry HOST (its /v2/\n"
	       "endpoint, with Basic or Bearer-token auth) and stores them in\n"
	       "$UK_HOME/auth.json for uk push and uk pull. Without one there, uk\n"
	       "also reads Docker's config.json ($DOCKER_CONFIG or ~/.docker).\n\n"
	       "  -u USER           the user name\n"
	       "  -p PASSWORD       the password (visible to other users of this machine;\n"
	       "                    prefer --password-stdin)\n"
	       "  --password-stdin  read the password from the first line of stdin\n"
	       "  --insecure        plain HTTP to a registry that is not on localhost\n"
	       "  --logout          forget the credentials for HOST\n",
	       usage);
}

static char *read_line(void)
{
	char buf[4096];
	size_t n;

	if (!fgets(buf, sizeof(buf), stdin))
		return NULL;
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return strdup(buf);
}

int cmd_login(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"password-stdin", no_argument, NULL, 'S'},
		{"insecure", no_argument, NULL, 'k'},
		{"logout", no_argument, NULL, 'L'},
		{NULL, 0, NULL, 0},
	};
	struct uk_client_opts o = {0};
	struct uk_error err = {0};
	const char *user = NULL, *host;
	char *password = NULL;
	int ch, from_stdin = 0, logout = 0, rc;
	struct uk_ref r = {0};
	struct uk_client c;

	if (cli_wants_help(argc, argv)) {
		help();
		return UK_EXIT_OK;
	}
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+u:p:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u': user = optarg; break;
		case 'p': free(password); password = strdup(optarg); break;
		case 'S': from_stdin = 1; break;
		case 'k': o.insecure = 1; break;
		case 'L': logout = 1; break;
		default:
			free(password);
			return cli_usage_error(usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc) {
		free(password);
		return cli_usage_error(usage, optind >= argc ? "which registry host?"
					      : "unexpected argument '%s'", argv[argc - 1]);
	}
	host = argv[optind];
	if (logout) {
		free(password);
		if (uk_auth_store(host, NULL, NULL, &err) < 0)
			return cli_report(&err);
		printf("logged out of %s\n", host);
		return UK_EXIT_OK;
	}
	if (!user) {
		free(password);
		return cli_usage_error(usage, "which user? (-u USER)");
	}
	if (from_stdin && !password)
		password = read_line();
	if (!password) {
		return cli_usage_error(usage, "no password: give -p PASSWORD or "
				       "--password-stdin");
	}
	r.host = (char *)host;
	r.repo = (char *)"uk-login";
	o.user = user;
	o.password = password;
	rc = uk_client_open(&c, &r, &o, &err);
	if (rc == 0) {
		rc = uk_client_ping(&c, &err);
		uk_client_close(&c);
	}
	if (rc == 0)
		rc = uk_auth_store(host, user, password, &err);
	memset(password, 0, strlen(password));
	free(password);
	if (rc < 0)
		return cli_report(&err);
	printf("logged in to %s as %s\n", host, user);
	return UK_EXIT_OK;
}
