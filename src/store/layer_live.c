#include "store/layer_live.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "store/layer.h"
#include "util/path.h"

/* Room in the pipe for a few of curl's pieces, so the transfer does not
 * wait on every one of them. */
#define PIPE_ROOM (1 << 20)

static void *check(void *arg)
{
	struct uk_layer_live *l = arg;
	char buf[65536];
	ssize_t n;

	/* the download checks the digest of the same bytes */
	l->rc = uk_layer_check_fd_unhashed(l->rfd, l->digest, l->size, &l->err);
	/* whatever the check left (it stops at the first refusal), so that
	 * the transfer never waits on a full pipe */
	while ((n = read(l->rfd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		;
	return NULL;
}

int uk_layer_live_start(struct uk_layer_live *l, const char *digest, unsigned long long size)
{
	int p[2];

	memset(l, 0, sizeof(*l));
	l->wfd = l->rfd = -1;
	if (strlen(digest) >= sizeof(l->digest) || pipe2(p, O_CLOEXEC) < 0)
		return -1;
	(void)fcntl(p[1], F_SETPIPE_SZ, PIPE_ROOM); /* a smaller pipe works too */
	l->rfd = p[0];
	l->wfd = p[1];
	strcpy(l->digest, digest);
	l->size = size;
	if (pthread_create(&l->th, NULL, check, l) != 0) {
		close(p[0]);
		close(p[1]);
		l->wfd = l->rfd = -1;
		return -1;
	}
	return 0;
}

int uk_layer_live_feed(struct uk_layer_live *l, const void *buf, size_t n,
		       struct uk_error *err)
{
	if (uk_write_all(l->wfd, buf, n) < 0)
		return uk_errorf(err, "cannot hand a layer's bytes to its check: %s",
				 strerror(errno));
	return 0;
}

static void stop(struct uk_layer_live *l)
{
	close(l->wfd); /* the check reads to the end */
	pthread_join(l->th, NULL);
	close(l->rfd);
	l->wfd = l->rfd = -1;
}

int uk_layer_live_finish(struct uk_layer_live *l, struct uk_error *err)
{
	stop(l);
	if (l->rc < 0 && err)
		*err = l->err;
	return l->rc;
}

void uk_layer_live_cancel(struct uk_layer_live *l)
{
	stop(l);
}
