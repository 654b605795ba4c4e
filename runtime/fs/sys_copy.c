/* sendfile and copy_file_range: reads and writes through the files' own
 * operations, a buffer at a time. */
#include "vfs_impl.h"

#define CHUNK 65536
#define MAX_RW 0x7ffff000l

static char *buffer(void)
{
	static char *buf;
	if (!buf)
		buf = uk_malloc(CHUNK);
	return buf;
}

/* Copies up to n bytes; *in_off / *out_off: 0 to use the file position.
 * Stops at the end of in or at a short write. */
static long copy(struct uk_file *in, uint64_t *in_off, struct uk_file *out, uint64_t *out_off,
		 uint64_t n)
{
	char *buf = buffer();
	if (!buf)
		return -ENOMEM;
	long done = 0;
	if (n > MAX_RW)
		n = MAX_RW;
	while ((uint64_t)done < n) {
		size_t k = n - (uint64_t)done < CHUNK ? (size_t)(n - (uint64_t)done) : CHUNK;
		long r = uk_file_read(in, buf, k, in_off);
		if (r <= 0) {
			if (!done)
				done = r;
			break;
		}
		long w = uk_file_write(out, buf, (size_t)r, out_off);
		if (w < 0) {
			if (!in_off) /* nothing of it was written: give it all back */
				in->pos -= (uint64_t)r;
			if (!done)
				done = w;
			break;
		}
		if (out_off)
			*out_off += (uint64_t)w;
		done += w;
		if (in_off)
			*in_off += (uint64_t)w;
		else /* give back what was read but not written */
			in->pos -= (uint64_t)(r - w);
		if (w < r)
			break;
		if ((size_t)r < k)
			break;
	}
	return done;
}

static int readable(struct uk_file *f)
{
	return f && !(f->flags & UK_O_PATH) && (f->flags & UK_O_ACCMODE) != UK_O_WRONLY;
}

static int writable(struct uk_file *f)
{
	return f && !(f->flags & UK_O_PATH) && (f->flags & UK_O_ACCMODE) != UK_O_RDONLY;
}

SYSCALL(sendfile)
{
	struct uk_file *out = uk_fd_get(a[0]), *in = uk_fd_get(a[1]);
	if (!readable(in) || !writable(out))
		return -EBADF;
	if (!uk_file_node(in) || !(in->ops->flags & UK_FILE_SEEKABLE) || !in->ops->read)
		return -EINVAL;
	if (uk_file_node(in) && uk_is_dir(uk_file_node(in)))
		return -EINVAL;
	if (out->flags & UK_O_APPEND)
		return -EINVAL;
	if (a[3] < 0)
		return -EINVAL;
	if (!a[2])
		return copy(in, 0, out, 0, (uint64_t)a[3]);
	if (uk_bad_user(a[2], sizeof(int64_t)))
		return -EFAULT;
	int64_t *offp = (int64_t *)a[2];
	if (*offp < 0)
		return -EINVAL;
	uint64_t off = (uint64_t)*offp;
	long r = copy(in, &off, out, 0, (uint64_t)a[3]);
	if (r > 0)
		*offp = (int64_t)off;
	return r;
}

static long get_off(long p, uint64_t *off)
{
	if (!p)
		return 1;
	if (uk_bad_user(p, sizeof(int64_t)))
		return -EFAULT;
	if (*(const int64_t *)p < 0)
		return -EINVAL;
	*off = (uint64_t) * (const int64_t *)p;
	return 0;
}

SYSCALL(copy_file_range)
{
	struct uk_file *in = uk_fd_get(a[0]), *out = uk_fd_get(a[2]);
	if (a[5])
		return -EINVAL;
	if (!readable(in) || !writable(out))
		return -EBADF;
	struct uk_node *ni = uk_file_node(in), *no = uk_file_node(out);
	if ((ni && uk_is_dir(ni)) || (no && uk_is_dir(no)))
		return -EISDIR;
	if (!ni || !no || (ni->mode & UK_S_IFMT) != UK_S_IFREG ||
	    (no->mode & UK_S_IFMT) != UK_S_IFREG)
		return -EINVAL;
	if (out->flags & UK_O_APPEND)
		return -EBADF;
	if (ni->fs != no->fs)
		return -EXDEV;
	uint64_t ioff = in->pos, ooff = out->pos;
	long ei = get_off(a[1], &ioff), eo = get_off(a[3], &ooff);
	if (ei < 0)
		return ei;
	if (eo < 0)
		return eo;
	uint64_t len = (uint64_t)a[4];
	if (ni == no && ioff < ooff + len && ooff < ioff + len)
		return -EINVAL;
	long r = copy(in, &ioff, out, &ooff, len);
	if (r <= 0)
		return r;
	if (ei)
		in->pos = ioff;
	else
		*(int64_t *)a[1] = (int64_t)ioff;
	if (eo)
		out->pos = ooff;
	else
		*(int64_t *)a[3] = (int64_t)ooff;
	return r;
}
