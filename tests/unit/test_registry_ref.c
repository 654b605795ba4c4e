/* References: parsing, defaults, printing, which hosts may use plain HTTP. */
#include <stdlib.h>

#include "check.h"
#include "registry/ref.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void t_full_ref(void)
{
	struct uk_ref r;
	struct uk_error err = {0};
	char *s;

	CHECK_EQ_INT(uk_ref_parse("localhost:5000/team/hello:1.0@sha256:" D64, &r, &err), 0);
	CHECK_EQ_STR(r.host, "localhost:5000");
	CHECK_EQ_STR(r.repo, "team/hello");
	CHECK_EQ_STR(r.tag, "1.0");
	CHECK_EQ_STR(r.digest, "sha256:" D64);
	s = uk_ref_string(&r);
	CHECK_EQ_STR(s, "localhost:5000/team/hello:1.0@sha256:" D64);
	free(s);
	uk_ref_free(&r);
}

static void t_defaults(void)
{
	struct uk_ref r;
	struct uk_error err = {0};
	char *s;

	unsetenv("UK_REGISTRY");
	CHECK_EQ_INT(uk_ref_parse("hello", &r, &err), 0);
	CHECK_EQ_STR(r.host, "docker.io");
	CHECK_EQ_STR(r.repo, "library/hello");
	CHECK_EQ_STR(r.tag, "latest");
	CHECK_EQ_STR(uk_ref_api_host(r.host), "registry-1.docker.io");
	uk_ref_free(&r);
	setenv("UK_REGISTRY", "registry.example.com:8443", 1);
	CHECK_EQ_INT(uk_ref_parse("team/hello@sha256:" D64, &r, &err), 0);
	CHECK_EQ_STR(r.host, "registry.example.com:8443");
	CHECK_EQ_STR(r.repo, "team/hello");
	CHECK(r.tag == NULL);
	s = uk_ref_store_name(&r);
	CHECK_EQ_STR(s, "registry.example.com:8443/team/hello@sha256:" D64);
	free(s);
	uk_ref_free(&r);
	unsetenv("UK_REGISTRY");
}

static void t_port_is_not_tag(void)
{
	struct uk_ref r;
	struct uk_error err = {0};

	CHECK_EQ_INT(uk_ref_parse("127.0.0.1:5000/hello", &r, &err), 0);
	CHECK_EQ_STR(r.host, "127.0.0.1:5000");
	CHECK_EQ_STR(r.repo, "hello");
	CHECK_EQ_STR(r.tag, "latest");
	uk_ref_free(&r);
	CHECK_EQ_INT(uk_ref_parse("localhost/a.b/c__d/e-f:v1_2.3-x", &r, &err), 0);
	CHECK_EQ_STR(r.host, "localhost");
	CHECK_EQ_STR(r.repo, "a.b/c__d/e-f");
	CHECK_EQ_STR(r.tag, "v1_2.3-x");
	uk_ref_free(&r);
}

static void t_bad_refs(void)
{
	static const char *const bad[] = {
		"", "Hello", "localhost:5000/", "localhost:5000/a//b", "a:",
		"a:-x", "a@sha256:123", "a@md5:" D64, "localhost:50x0/a",
		"a/-b", "a/b.", "a:b:c", "localhost:5000/a/B:1",
	};
	struct uk_error err = {0};
	struct uk_ref r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (uk_ref_parse(bad[i], &r, &err) == 0)
			check_fail(__FILE__, __LINE__, "'%s' was accepted", bad[i]);
		CHECK_CONTAINS(err.msg, "is not a valid image reference");
		CHECK_EQ_INT(err.status, 2);
		err.status = 0;
	}
}

static void t_names_registry(void)
{
	CHECK(uk_ref_names_registry("localhost:5000/uk-runtime:0.1.0"));
	CHECK(uk_ref_names_registry("ghcr.io/team/musl"));
	CHECK(uk_ref_names_registry("localhost/x"));
	CHECK(!uk_ref_names_registry("uk-runtime"));
	CHECK(!uk_ref_names_registry("uk-runtime:0.1.0"));
	CHECK(!uk_ref_names_registry("team/musl"));
}

static void t_local_hosts(void)
{
	CHECK(uk_ref_host_is_local("localhost"));
	CHECK(uk_ref_host_is_local("localhost:5000"));
	CHECK(uk_ref_host_is_local("127.0.0.1:40000"));
	CHECK(uk_ref_host_is_local("[::1]:5000"));
	CHECK(!uk_ref_host_is_local("localhost.example.com"));
	CHECK(!uk_ref_host_is_local("127.0.0.10:5000"));
	CHECK(!uk_ref_host_is_local("docker.io"));
}

int main(void)
{
	RUN(t_full_ref);
	RUN(t_defaults);
	RUN(t_port_is_not_tag);
	RUN(t_bad_refs);
	RUN(t_names_registry);
	RUN(t_local_hosts);
	return check_done();
}
