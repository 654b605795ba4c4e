/* Streaming a layer to the registry while uk push packs it (see
 * push_stream.c): a store/image.h layer sink over a client. */
#ifndef UK_REGISTRY_PUSH_STREAM_H
#define UK_REGISTRY_PUSH_STREAM_H

#include "registry/client.h"
#include "registry/upload_pipe.h"
#include "store/image.h"

/* The layer of a kernel over this many bytes is streamed; a smaller one
 * is packed whole and pushed after (HEAD first: a registry that has it is
 * not sent it again). Streaming hides the packing, the store's write and
 * a round trip or two behind the upload, but goes before the digest is
 * known, so it cannot ask first. Cold pushes of random bytes, median of 8
 * interleaved, fresh registry each (with 16 MiB members, a PATCH each):
 * 1 MiB 80 ms either way, 12 MiB 200 ms whole, 160 streamed, 20 MiB 270
 * and 230. Under 4
 * MiB packing costs a few ms, less than the upload a HEAD can save.
 * $UK_PUSH_STREAM_MIN (bytes) sets it for tests. */
#define UK_PUSH_STREAM_MIN (4u << 20)

struct uk_push_stream {
	struct uk_layer_sink sink; /* hand &sink to uk_image_pack */
	struct uk_client *c;
	struct uk_upload u;
	struct uk_upload_pipe pipe; /* the PATCH, when piped */
	int pinged, ping_failed, started, failed, piped;
	int gone, fatal;     /* no answer: the push fails with err */
	unsigned streamed;   /* layers uploaded so */
	struct uk_error err; /* the last failure (ping_failed: /v2/'s; fatal: the layer's) */
};

void uk_push_stream_init(struct uk_push_stream *s, struct uk_client *c);
void uk_push_stream_free(struct uk_push_stream *s);

#endif
