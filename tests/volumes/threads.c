/* Threads doing file I/O on one 9p volume at once (argv[1]): three read
 * files of their own in 4 KiB reads (each read one request on the same
 * virtqueue, the reader parked while it is in flight) while a fourth
 * writes a file and reads it back, and a fifth stats and lists the folder.
 * Prints checksums and counts; the same under Linux in a host folder. */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILES 3
#define SIZE  (512 * 1024)
#define ROUNDS 4

static const char *dir;
static char said[FILES + 2][128]; /* printed by main in order */

static uint64_t fnv(const unsigned char *p, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static void path(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", dir, name);
}

static void *reader(void *arg)
{
	long i = (long)arg;
	char p[512], name[32];
	snprintf(name, sizeof(name), "in%ld.bin", i);
	path(p, sizeof(p), name);
	uint64_t h = 0xcbf29ce484222325ull;
	long total = 0;
	for (int r = 0; r < ROUNDS; r++) {
		int fd = open(p, O_RDONLY);
		if (fd < 0)
			return (void *)-1l;
		unsigned char buf[4096];
		ssize_t got;
		while ((got = read(fd, buf, sizeof(buf))) > 0) {
			h = fnv(buf, (size_t)got, h);
			total += got;
		}
		close(fd);
	}
	snprintf(said[i], sizeof(said[i]), "reader %ld: %ld bytes, fnv %016llx", i, total,
		 (unsigned long long)h);
	return 0;
}

static void *writer(void *arg)
{
	char p[512];
	path(p, sizeof(p), "out.bin");
	int fd = open(p, O_CREAT | O_TRUNC | O_RDWR, 0644);
	if (fd < 0)
		return (void *)-1l;
	unsigned char buf[4096];
	uint64_t h = 0xcbf29ce484222325ull;
	for (int k = 0; k < 128; k++) {
		for (size_t j = 0; j < sizeof(buf); j++)
			buf[j] = (unsigned char)(k * 7 + j * 13);
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return (void *)-2l;
		h = fnv(buf, sizeof(buf), h);
	}
	uint64_t back = 0xcbf29ce484222325ull;
	ssize_t got;
	long total = 0;
	while ((got = pread(fd, buf, sizeof(buf), total)) > 0) {
		back = fnv(buf, (size_t)got, back);
		total += got;
	}
	close(fd);
	snprintf(said[FILES], sizeof(said[FILES]), "writer: %ld bytes read back, %s", total,
		 h == back ? "as written" : "different");
	return arg;
}

static void *lister(void *arg)
{
	long entries = 0, stats = 0;
	for (int r = 0; r < 40; r++) {
		DIR *d = opendir(dir);
		if (!d)
			return (void *)-1l;
		struct dirent *e;
		while ((e = readdir(d))) {
			char p[512];
			struct stat st;
			if (e->d_name[0] == '.')
				continue;
			path(p, sizeof(p), e->d_name);
			if (strncmp(e->d_name, "in", 2) == 0 && stat(p, &st) == 0 && st.st_size == SIZE)
				stats++;
			entries++;
		}
		closedir(d);
	}
	snprintf(said[FILES + 1], sizeof(said[FILES + 1]), "lister: %ld input files of size %d", stats, SIZE);
	(void)entries;
	return arg;
}

int main(int argc, char **argv)
{
	dir = argc > 1 ? argv[1] : ".";
	pthread_t t[FILES + 2];
	for (long i = 0; i < FILES; i++)
		pthread_create(&t[i], 0, reader, (void *)i);
	pthread_create(&t[FILES], 0, writer, 0);
	pthread_create(&t[FILES + 1], 0, lister, 0);
	long bad = 0;
	for (int i = 0; i < FILES + 2; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad |= (long)r;
		printf("%s\n", said[i]);
	}
	return bad ? 1 : 0;
}
