/* An image layer's tar (unikernel/, unikernel/NAME, unikernel/NAME.json:
 * fixed order, modes, owner and time) made by a thread of its own into a
 * buffer sized for it up front, so that gzip, the diff_id's hash and an
 * upload can start on its first bytes rather than after its last. */
#ifndef UK_STORE_LAYER_TAR_H
#define UK_STORE_LAYER_TAR_H

#include <pthread.h>
#include <stddef.h>
#include <sys/stat.h>

#include "util/archive_lazy.h"
#include "util/error.h"

/* What the headers before the kernel's bytes take: the directory's and
 * the kernel's (no pax extension). */
#define UK_LAYER_TAR_HEAD 1024

struct uk_layer_tar {
	struct uk_archive_mem mem; /* in map: p never moves */
	void *map;
	size_t maplen, page;
	const char *image, *name;
	long long mtime;
	int fd;
	struct stat st; /* the kernel's */
	char *meta;     /* NAME.json, or NULL */
	size_t mlen;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t ready, told; /* bytes written and published / last told */
	int done, failed, threaded;
	pthread_t thread;
	struct uk_error err;
};

/* Opens the kernel image and reads its metadata; the tar's room is
 * mem.cap bytes at mem.p. */
int uk_layer_tar_open(struct uk_layer_tar *t, const char *image, const char *name,
		      long long mtime, struct uk_error *err);
/* Makes the tar on a thread (in this one if none can be had). */
void uk_layer_tar_start(struct uk_layer_tar *t);
/* util/gzip.h's ready: waits for want bytes or the end. */
size_t uk_layer_tar_ready(void *t, size_t want);
/* Waits for the end; 0, or -1 with the tar's error in err. Frees all but
 * the tar's bytes. */
int uk_layer_tar_close(struct uk_layer_tar *t, struct uk_error *err);
/* Frees the tar's bytes (after close). */
void uk_layer_tar_free(struct uk_layer_tar *t);

#endif
