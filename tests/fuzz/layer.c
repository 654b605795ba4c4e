/* libFuzzer target over the layer reader (store/layer_unpack.c: gzip
 * through util/gunzip.c, then the tar walk and its checks): each input is
 * a layer blob, checked as uk pull checks one. Any crash, hang or
 * sanitizer report is a bug; refusals are expected (the digest never
 * matches). Run for a bounded time by tests/integration/fuzz.sh. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "store/layer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char digest[] =
		"sha256:0000000000000000000000000000000000000000000000000000000000000000";
	struct uk_error err = {0};
	int fd = memfd_create("layer", MFD_CLOEXEC);

	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	lseek(fd, 0, SEEK_SET);
	(void)uk_layer_check_fd(fd, digest, size, &err);
	close(fd);
	return 0;
}
