/* The client's pure parts: base64, WWW-Authenticate challenges, Location
 * resolution and query building, credentials from auth.json and Docker's
 * config.json; and errors when nothing answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "registry/client.h"
#include "util/path.h"

static char home[256];

static void t_base64(void)
{
	static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba",
					    "foobar", "alice:wonder:land"};
	static const char *const enc[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==",
					  "Zm9vYmE=", "Zm9vYmFy",
					  "YWxpY2U6d29uZGVyOmxhbmQ="};
	size_t i, n;

	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		char *e = uk_base64_encode(plain[i], strlen(plain[i]));
		char *d = uk_base64_decode(enc[i], &n);

		CHECK_EQ_STR(e, enc[i]);
		CHECK_EQ_STR(d, plain[i]);
		CHECK_EQ_INT(n, strlen(plain[i]));
		free(e);
		free(d);
	}
	CHECK(uk_base64_decode("Zm9v!", &n) == NULL);
	CHECK(uk_base64_decode("Zg=x", &n) == NULL);
}

static void t_challenge(void)
{
	struct uk_challenge ch;

	CHECK_EQ_INT(uk_challenge_parse("Bearer realm=\"https://auth.example.com/token\","
					"service=\"registry.example.com\","
					"scope=\"repository:team/hello:pull,push\"", &ch), 0);
	CHECK_EQ_STR(ch.scheme, "bearer");
	CHECK_EQ_STR(ch.realm, "https://auth.example.com/token");
	CHECK_EQ_STR(ch.service, "registry.example.com");
	CHECK_EQ_STR(ch.scope, "repository:team/hello:pull,push");
	uk_challenge_free(&ch);
	CHECK_EQ_INT(uk_challenge_parse("Basic realm=\"uk test\"", &ch), 0);
	CHECK_EQ_STR(ch.scheme, "basic");
	CHECK_EQ_STR(ch.realm, "uk test");
	CHECK(ch.scope == NULL);
	uk_challenge_free(&ch);
	CHECK_EQ_INT(uk_challenge_parse("Bearer realm=unquoted,service=s", &ch), 0);
	CHECK_EQ_STR(ch.realm, "unquoted");
	CHECK_EQ_STR(ch.service, "s");
	uk_challenge_free(&ch);
	CHECK_EQ_INT(uk_challenge_parse("Bearer realm=\"unterminated", &ch), -1);
	CHECK_EQ_INT(uk_challenge_parse("", &ch), -1);
	CHECK_EQ_INT(uk_challenge_parse("Bearer realm", &ch), -1);
}

static void t_location(void)
{
	const char *base = "http://127.0.0.1:5000";
	const char *req = "http://127.0.0.1:5000/v2/team/hello/blobs/uploads/?x=1";
	char *u;

	u = uk_url_resolve(base, req, "http://other:1/up/abc?_state=s");
	CHECK_EQ_STR(u, "http://other:1/up/abc?_state=s");
	free(u);
	u = uk_url_resolve(base, req, "/v2/team/hello/blobs/uploads/abc?_state=s");
	CHECK_EQ_STR(u, "http://127.0.0.1:5000/v2/team/hello/blobs/uploads/abc?_state=s");
	free(u);
	u = uk_url_resolve(base, req, "abc");
	CHECK_EQ_STR(u, "http://127.0.0.1:5000/v2/team/hello/blobs/uploads/abc");
	free(u);
	u = uk_url_add_query("http://h/up/abc", "digest", "sha256:00");
	CHECK_EQ_STR(u, "http://h/up/abc?digest=sha256%3A00");
	free(u);
	u = uk_url_add_query("http://h/up/abc?_state=s", "digest", "sha256:00");
	CHECK_EQ_STR(u, "http://h/up/abc?_state=s&digest=sha256%3A00");
	free(u);
	u = uk_url_add_query("http://h/up/abc?", "digest", "d");
	CHECK_EQ_STR(u, "http://h/up/abc?digest=d");
	free(u);
}

/* Server text stays on its line and within its buffer. */
static void t_server_text(void)
{
	char buf[16];

	uk_server_text(buf, sizeof(buf), "a\nhint: b\r\tc");
	CHECK_EQ_STR(buf, "a hint: b  c");
	uk_server_text(buf, sizeof(buf), "0123456789abcdefghij");
	CHECK_EQ_STR(buf, "0123456789abcde");
	uk_server_text(buf, sizeof(buf), NULL);
	CHECK_EQ_STR(buf, "");
	uk_server_text(buf, sizeof(buf), "\033[2J");
	CHECK_EQ_STR(buf, "\033[2J"); /* escaped when printed (cli.c) */
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	fputs(text, f);
	fclose(f);
}

static void t_credentials(void)
{
	struct uk_error err = {0};
	char path[512], docker[300], *up = NULL;
	struct stat st;

	snprintf(docker, sizeof(docker), "%s/docker", home);
	CHECK_EQ_INT(uk_mkdirs(docker, &err), 0);
	setenv("DOCKER_CONFIG", docker, 1);
	snprintf(path, sizeof(path), "%s/config.json", docker);
	/* "alice:wonderland" */
	write_text(path, "{\"auths\":{\"https://reg.example.com\":{\"auth\":"
			 "\"YWxpY2U6d29uZGVybGFuZA==\"},\"other:5000\":"
			 "{\"username\":\"bob\",\"password\":\"pw\"}}}");
	CHECK_EQ_INT(uk_auth_lookup("reg.example.com", &up, &err), 0);
	CHECK_EQ_STR(up, "alice:wonderland");
	free(up);
	CHECK_EQ_INT(uk_auth_lookup("other:5000", &up, &err), 0);
	CHECK_EQ_STR(up, "bob:pw");
	free(up);
	CHECK_EQ_INT(uk_auth_lookup("nowhere", &up, &err), 0);
	CHECK(up == NULL);
	/* uk login's file wins, and is private. */
	CHECK_EQ_INT(uk_auth_store("reg.example.com", "carol", "s3:cret", &err), 0);
	CHECK_EQ_INT(uk_auth_lookup("reg.example.com", &up, &err), 0);
	CHECK_EQ_STR(up, "carol:s3:cret");
	free(up);
	snprintf(path, sizeof(path), "%s/uk/auth.json", home);
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0600);
	CHECK_EQ_INT(uk_auth_store("reg.example.com", NULL, NULL, &err), 0);
	CHECK_EQ_INT(uk_auth_lookup("reg.example.com", &up, &err), 0);
	CHECK_EQ_STR(up, "alice:wonderland");
	free(up);
	/* Broken files are named. */
	write_text(path, "{\"auths\":{\"x\":{\"auth\":\"!!!\"}}}");
	CHECK_EQ_INT(uk_auth_lookup("x", &up, &err), -1);
	CHECK_CONTAINS(err.msg, "not base64 of user:password");
	write_text(path, "{broken");
	CHECK_EQ_INT(uk_auth_lookup("x", &up, &err), -1);
	CHECK_CONTAINS(err.msg, "auth.json");
	unlink(path);
	unsetenv("DOCKER_CONFIG");
}

static void t_unreachable(void)
{
	struct uk_error err = {0};
	struct uk_client_opts o = {.retries = 1, .backoff_ms = 1};
	struct uk_client c;
	struct uk_ref r;

	/* Port 1 on loopback: nothing listens, the connection is refused. */
	CHECK_EQ_INT(uk_ref_parse("127.0.0.1:1/team/hello:1", &r, &err), 0);
	CHECK_EQ_INT(uk_client_open(&c, &r, &o, &err), 0);
	CHECK_EQ_STR(c.base, "http://127.0.0.1:1");
	CHECK_EQ_INT(uk_client_ping(&c, &err), -1);
	CHECK_CONTAINS(err.msg, "http://127.0.0.1:1/v2/");
	CHECK_CONTAINS(err.hint, "is running");
	CHECK_EQ_INT(c.stats.retries, 1);
	uk_client_close(&c);
	uk_ref_free(&r);
	/* Anything else is HTTPS unless --insecure. */
	CHECK_EQ_INT(uk_ref_parse("registry.example.com/a", &r, &err), 0);
	CHECK_EQ_INT(uk_client_open(&c, &r, NULL, &err), 0);
	CHECK_EQ_STR(c.base, "https://registry.example.com");
	uk_client_close(&c);
	o.insecure = 1;
	CHECK_EQ_INT(uk_client_open(&c, &r, &o, &err), 0);
	CHECK_EQ_STR(c.base, "http://registry.example.com");
	uk_client_close(&c);
	uk_ref_free(&r);
}

int main(void)
{
	char uk_home[300];
	struct uk_error err = {0};

	snprintf(home, sizeof(home), "/tmp/uk-test-client.%d", (int)getpid());
	snprintf(uk_home, sizeof(uk_home), "%s/uk", home);
	setenv("UK_HOME", uk_home, 1);
	RUN(t_base64);
	RUN(t_challenge);
	RUN(t_location);
	RUN(t_server_text);
	RUN(t_credentials);
	RUN(t_unreachable);
	uk_remove_tree(home, &err);
	return check_done();
}
