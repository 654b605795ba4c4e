/* `uk run -t raw -- ARGS`: a raw disk bakes its command line in at build
 * time, so run-time arguments go into a temporary copy of the disk whose
 * boot configuration is rewritten; the built disk is never touched. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imagefmt/rawdisk.h"
#include "util/path.h"
#include "vmm/vmm.h"

int uk_vm_disk_copy(const char *disk, const char *cmdline, char **copy, struct uk_error *err)
{
	const char *dir = getenv("TMPDIR");
	char *data = NULL, *path;
	size_t len = 0;
	int fd, rc = -1;

	*copy = NULL;
	if (uk_read_file(disk, &data, &len, err) != 0)
		return -1;
	if (uk_rawdisk_set_cmdline((unsigned char *)data, len, cmdline, err) != 0) {
		uk_error_wrap(err, "'%s'", disk);
		free(data);
		return -1;
	}
	if (asprintf(&path, "%s/uk-disk.XXXXXX", dir && *dir ? dir : "/tmp") < 0)
		abort();
	fd = mkstemp(path);
	if (fd < 0) {
		uk_errorf(err, "cannot create a copy of '%s': %s", disk, strerror(errno));
	} else {
		size_t off = 0;

		while (off < len) {
			ssize_t w = write(fd, data + off, len - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		if (close(fd) == 0 && off == len) {
			*copy = path;
			path = NULL;
			rc = 0;
		} else {
			uk_errorf(err, "cannot write a copy of '%s' in %s", disk,
				  dir && *dir ? dir : "/tmp");
			unlink(path);
		}
	}
	free(path);
	free(data);
	return rc;
}
