/* File mappings (mmap of a descriptor, msync), linked with the file
 * systems. A MAP_SHARED mapping of a tmpfs file (/tmp, memfd_create,
 * O_TMPFILE) shows the file's own pages (vmap.c's window above RAM): it
 * is the file, and msync has nothing to do. Everything else is a copy of
 * the bytes in the program's RAM, identity-mapped, which cannot alias a
 * file's pages: MAP_PRIVATE is copied at map time (not on the first
 * write: later changes of the file are not seen), and a writable
 * MAP_SHARED mapping of another file system (9p folders) is remembered
 * and written back to the file by msync and munmap (never past the
 * file's size, as Linux never extends a file through a mapping); until
 * then read() does not see what was stored in the mapping, nor the
 * mapping what write() changed. So is a MAP_FIXED shared mapping of a
 * tmpfs file placed in RAM (only the window can show its pages). */
#include "errno.h"
#include "file.h"
#include "syscall.h"
#include "tmpfs.h"
#include "vmap.h"

#define PROT_READ  1
#define PROT_WRITE 2
#define MAP_SHARED  0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE    0x0f
#define MAP_FIXED   0x10
#define MAP_FIXED_NOREPLACE 0x100000
#define MS_ASYNC      1
#define MS_INVALIDATE 2
#define MS_SYNC       4

struct shared {
	uint64_t addr, len, off;
	struct uk_file *f;
	struct shared *next;
};

static struct shared *shared;

long uk_mmap_file_check(struct uk_file *f, long prot, long flags)
{
	long type = flags & MAP_TYPE;
	unsigned acc = f->flags & UK_O_ACCMODE;
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (type != MAP_PRIVATE && (prot & PROT_WRITE) && acc != UK_O_RDWR)
		return -EACCES;
	if (acc == UK_O_WRONLY)
		return -EACCES;
	struct uk_stat st;
	uk_memset(&st, 0, sizeof(st));
	if (!f->ops->stat || f->ops->stat(f, &st))
		return -ENODEV;
	uint32_t ftype = st.mode & UK_S_IFMT;
	if (ftype == UK_S_IFCHR && st.rdev == ((1 << 8) | 5))
		return 1; /* /dev/zero: anonymous memory */
	if (ftype != UK_S_IFREG || !f->ops->read)
		return -ENODEV;
	return type != MAP_PRIVATE && uk_tmpfs_file(uk_file_node(f)) ? 2 : 0;
}

/* mmap's arguments a, len rounded up: the mapping in the window, or 0 to
 * make a copy (MAP_FIXED outside the window). */
long uk_mmap_window(struct uk_file *f, const long *a, uint64_t len)
{
	uint64_t addr = (uint64_t)a[0];
	int fixed = !!(a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE));
	if (fixed && (addr & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (fixed && !uk_vmap_in(addr, len))
		return 0;
	return uk_vmap_map(f, uk_tmpfs_file(uk_file_node(f)), addr, fixed,
			   !!(a[3] & MAP_FIXED_NOREPLACE), len, (unsigned)a[2] & 7, (uint64_t)a[5]);
}

long uk_mmap_file_fill(struct uk_file *f, uint64_t addr, uint64_t len, long prot, long flags,
		       uint64_t off)
{
	struct shared *s = 0;
	if ((flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE)) {
		if (!(s = uk_malloc(sizeof(*s))))
			return -ENOMEM;
	}
	for (uint64_t done = 0; done < len;) {
		long r = f->ops->read(f, (char *)addr + done, len - done, off + done);
		if (r < 0 && done == 0) {
			uk_free(s);
			return r == -EISDIR ? -ENODEV : r;
		}
		if (r <= 0)
			break; /* past the end: zeros */
		done += (uint64_t)r;
	}
	if (s) {
		*s = (struct shared){addr, len, off, uk_file_get(f), shared};
		shared = s;
	}
	return 0;
}

/* Writes [addr, addr + len) of s back, up to the file's size. */
static void write_back(struct shared *s, uint64_t addr, uint64_t len)
{
	struct uk_stat st;
	uk_memset(&st, 0, sizeof(st));
	if (!s->f->ops->write || !s->f->ops->stat || s->f->ops->stat(s->f, &st))
		return;
	uint64_t off = s->off + (addr - s->addr), size = (uint64_t)st.size;
	if (off >= size)
		return;
	if (len > size - off)
		len = size - off;
	for (uint64_t done = 0; done < len;) {
		long r = s->f->ops->write(s->f, (char *)addr + done, len - done, off + done);
		if (r <= 0)
			return;
		done += (uint64_t)r;
	}
}

/* The part of [addr, addr + len) that s covers, or 0 when none. */
static int overlap(const struct shared *s, uint64_t addr, uint64_t len, uint64_t *lo,
		   uint64_t *hi)
{
	*lo = addr > s->addr ? addr : s->addr;
	*hi = addr + len < s->addr + s->len ? addr + len : s->addr + s->len;
	return *lo < *hi;
}

void uk_munmap_file(uint64_t addr, uint64_t len)
{
	for (struct shared **pp = &shared, *s; (s = *pp);) {
		uint64_t lo, hi;
		if (!overlap(s, addr, len, &lo, &hi)) {
			pp = &s->next;
			continue;
		}
		write_back(s, lo, hi - lo);
		uint64_t end = s->addr + s->len;
		if (lo > s->addr && hi < end) { /* a hole in the middle: two pieces */
			struct shared *t = uk_malloc(sizeof(*t));
			if (t) {
				*t = (struct shared){hi, end - hi, s->off + (hi - s->addr),
						     uk_file_get(s->f), s->next};
				s->next = t;
			}
			s->len = lo - s->addr;
		} else if (lo > s->addr) {
			s->len = lo - s->addr;
		} else if (hi < end) {
			s->off += hi - s->addr;
			s->len = end - hi;
			s->addr = hi;
		} else {
			*pp = s->next;
			uk_file_put(s->f);
			uk_free(s);
			continue;
		}
		pp = &s->next;
	}
}

SYSCALL(msync)
{
	uint64_t addr = (uint64_t)a[0], len = ALIGN_UP((uint64_t)a[1], PAGE_SIZE);
	long flags = a[2];
	if ((addr & (PAGE_SIZE - 1)) || (flags & ~(long)(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	if (addr + len < addr)
		return -ENOMEM;
	if (uk_vmap_in(addr, len)) /* the file itself: nothing to write back */
		return uk_vmap_covered(addr, addr + len) ? 0 : -ENOMEM;
	if (len && uk_bad_user((long)addr, len))
		return -ENOMEM;
	for (struct shared *s = shared; s; s = s->next) {
		uint64_t lo, hi;
		if (overlap(s, addr, len, &lo, &hi))
			write_back(s, lo, hi - lo);
	}
	return 0;
}
