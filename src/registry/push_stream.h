/* Streaming a layer to the registry while uk push packs it (see
 * push_stream.c): a store/image.h layer sink over a client. */
#ifndef UK_REGISTRY_PUSH_STREAM_H
#define UK_REGISTRY_PUSH_STREAM_H

#include "registry/client.h"
#include "store/image.h"
#include "util/gzip.h"

/* A layer whose kernel is one gzip member or less is packed whole and pushed
 * after (HEAD first: a registry that has it is not sent it again); only
 * bigger ones are streamed, as the upload of the first member can then
 * run while the next are compressed. $UK_PUSH_STREAM_MIN (bytes) sets
 * it for tests. */
#define UK_PUSH_STREAM_MIN UK_GZIP_MEMBER

struct uk_push_stream {
	struct uk_layer_sink sink; /* hand &sink to uk_image_pack */
	struct uk_client *c;
	struct uk_upload u;
	int pinged, ping_failed, started, failed;
	int gone, fatal;     /* no answer: the push fails with err */
	unsigned streamed;   /* layers uploaded so */
	struct uk_error err; /* the last failure (ping_failed: /v2/'s; fatal: the layer's) */
};

void uk_push_stream_init(struct uk_push_stream *s, struct uk_client *c);
void uk_push_stream_free(struct uk_push_stream *s);

#endif
