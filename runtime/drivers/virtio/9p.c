/* 9P2000.L over virtio-9p. Messages are size[4] type[1] tag[2] then the
 * fields, little-endian, strings as len[2] bytes. One request at a time:
 * the T-message in tbuf, the reply in rbuf; read and write data go
 * straight between the caller's buffer and the device (a descriptor of
 * their own after the 11 or 23 header bytes), so large transfers are not
 * copied. Every reply is checked against its length before use. */
#include "9p.h"

#include "errno.h"
#include "file.h"
#include "virtio.h"
#include "wait.h"

enum {
	RLERROR = 7, TSTATFS = 8, TLOPEN = 12, TLCREATE = 14, TSYMLINK = 16, TMKNOD = 18,
	TREADLINK = 22, TGETATTR = 24, TSETATTR = 26, TREADDIR = 40, TFSYNC = 50,
	TLINK = 70, TMKDIR = 72, TRENAMEAT = 74, TUNLINKAT = 76, TVERSION = 100,
	TATTACH = 104, TWALK = 110, TREAD = 116, TWRITE = 118, TCLUNK = 120,
};

#define TBUF_SIZE  8192 /* the longest T-message but Twrite's data */
#define HDR        7
#define IO_HDR     24   /* what a server keeps from msize for Tread/Twrite */
#define NOTAG      0xffff
#define FREE_FIDS  256
#define F_MOUNT_TAG 1ull

struct uk_9p {
	struct uk_virtio_dev *dev;
	struct uk_virtq q;
	uint32_t msize;
	uint8_t *tbuf, *rbuf;
	uint32_t tlen;
	uint32_t rpos, rend; /* reading the reply */
	int bad;             /* it was shorter than its fields */
	int busy;            /* a request is in flight: its buffers are in use */
	uint32_t next_fid, nfree;
	uint32_t free_fids[FREE_FIDS];
};

static int idle(void *arg)
{
	return !((struct uk_9p *)arg)->busy;
}

/* building the T-message. One request at a time per connection: with
 * threads, another one's may be in flight (its thread parked in
 * uk_virtq_wait) with tbuf and rbuf in use; it ends in rpc_data, whose
 * caller reads the reply before it can wait again, so before any other
 * thread runs. */
static void begin(struct uk_9p *c, uint8_t type)
{
	while (c->busy) /* only with threads; nothing else would free it: no EINTR */
		uk_wait_nointr(idle, c, UK_FOREVER);
	c->busy = 1;
	c->tbuf[4] = type;
	c->tbuf[5] = type == TVERSION ? 0xff : 1;
	c->tbuf[6] = type == TVERSION ? 0xff : 0;
	c->tlen = HDR;
}

static void put(struct uk_9p *c, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes && c->tlen < TBUF_SIZE; i++)
		c->tbuf[c->tlen++] = (uint8_t)(v >> (8 * i));
}

static void put_str(struct uk_9p *c, const char *s)
{
	size_t n = uk_strlen(s);
	if (n > TBUF_SIZE - c->tlen - 2)
		n = 0; /* cannot be: callers pass names and paths within limits */
	put(c, n, 2);
	uk_memcpy(c->tbuf + c->tlen, s, n);
	c->tlen += (uint32_t)n;
}

/* reading the reply */
static uint64_t get(struct uk_9p *c, unsigned bytes)
{
	uint64_t v = 0;
	if (c->rpos + bytes > c->rend) {
		c->bad = 1;
		return 0;
	}
	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)c->rbuf[c->rpos + i] << (8 * i);
	c->rpos += bytes;
	return v;
}

static void get_qid(struct uk_9p *c, struct uk_9p_qid *q)
{
	struct uk_9p_qid ignored;
	if (!q)
		q = &ignored;
	q->type = (uint8_t)get(c, 1);
	q->version = (uint32_t)get(c, 4);
	q->path = get(c, 8);
}

/* The string at the reply's position: its bytes (not NUL-terminated) and
 * length, or 0 when it does not fit. */
static const char *get_str(struct uk_9p *c, uint32_t *len)
{
	*len = (uint32_t)get(c, 2);
	if (c->bad || c->rpos + *len > c->rend) {
		c->bad = 1;
		return 0;
	}
	const char *s = (const char *)c->rbuf + c->rpos;
	c->rpos += *len;
	return s;
}

/* Sends the T-message (plus wdata), waits for the reply (rdata: where the
 * data after an 11-byte reply header goes). 0 or -errno. */
static long rpc_data(struct uk_9p *c, const void *wdata, uint32_t wlen, void *rdata, uint32_t rlen)
{
	uint32_t size = c->tlen + wlen, got;
	for (unsigned i = 0; i < 4; i++)
		c->tbuf[i] = (uint8_t)(size >> (8 * i));
	struct uk_vq_buf b[4];
	unsigned n = 0;
	b[n++] = (struct uk_vq_buf){c->tbuf, c->tlen, 0};
	if (wlen)
		b[n++] = (struct uk_vq_buf){(void *)wdata, wlen, 0};
	if (rlen) {
		b[n++] = (struct uk_vq_buf){c->rbuf, 11, 1};
		b[n++] = (struct uk_vq_buf){rdata, rlen, 1};
	} else {
		b[n++] = (struct uk_vq_buf){c->rbuf, c->msize, 1};
	}
	uint8_t type = c->tbuf[4];
	long r = uk_virtq_submit(&c->q, b, n) < 0 ? -1 : uk_virtq_wait(&c->q, &got);
	c->busy = 0;
	if (r < 0)
		return -EIO;
	c->rpos = 0;
	c->rend = got < (rlen ? 11 : c->msize) ? got : (rlen ? 11 : c->msize);
	c->bad = 0;
	uint32_t rsize = (uint32_t)get(c, 4);
	uint8_t rtype = (uint8_t)get(c, 1);
	get(c, 2);
	if (c->bad || rsize < HDR || rsize > got)
		return -EIO;
	if (!rlen && rsize < c->rend)
		c->rend = rsize;
	if (rtype == RLERROR) {
		long e = (long)get(c, 4);
		return c->bad || e <= 0 || e > 4095 ? -EIO : -e;
	}
	return rtype == type + 1 ? 0 : -EIO;
}

static long rpc(struct uk_9p *c)
{
	return rpc_data(c, 0, 0, 0, 0);
}

/* The reply's fields were all there. */
static long ok(struct uk_9p *c, long v)
{
	return c->bad ? -EIO : v;
}

uint32_t uk_9p_msize(const struct uk_9p *c)
{
	return c->msize;
}

uint32_t uk_9p_fid_new(struct uk_9p *c)
{
	if (c->nfree)
		return c->free_fids[--c->nfree];
	return c->next_fid++;
}

void uk_9p_fid_free(struct uk_9p *c, uint32_t fid)
{
	if (c->nfree < FREE_FIDS)
		c->free_fids[c->nfree++] = fid;
}

long uk_9p_clunk(struct uk_9p *c, uint32_t fid)
{
	begin(c, TCLUNK);
	put(c, fid, 4);
	long e = rpc(c);
	uk_9p_fid_free(c, fid); /* gone whatever the reply */
	return e;
}

long uk_9p_attach(struct uk_9p *c, uint32_t fid, struct uk_9p_qid *qid)
{
	begin(c, TATTACH);
	put(c, fid, 4);
	put(c, UK_9P_NOFID, 4);
	put_str(c, "root");
	put_str(c, "");
	put(c, 0, 4); /* n_uname: uid 0 */
	long e = rpc(c);
	if (e)
		return e;
	get_qid(c, qid);
	return ok(c, 0);
}

long uk_9p_walk(struct uk_9p *c, uint32_t fid, uint32_t newfid, const char *name,
		struct uk_9p_qid *qid)
{
	begin(c, TWALK);
	put(c, fid, 4);
	put(c, newfid, 4);
	put(c, name ? 1 : 0, 2);
	if (name)
		put_str(c, name);
	long e = rpc(c);
	if (e)
		return e;
	uint32_t n = (uint32_t)get(c, 2);
	if (name && n == 0)
		return ok(c, -ENOENT);
	if (n)
		get_qid(c, qid);
	return ok(c, 0);
}

long uk_9p_getattr(struct uk_9p *c, uint32_t fid, struct uk_9p_attr *a)
{
	begin(c, TGETATTR);
	put(c, fid, 4);
	put(c, 0x3fff, 8); /* everything */
	long e = rpc(c);
	if (e)
		return e;
	a->valid = get(c, 8);
	get_qid(c, &a->qid);
	a->mode = (uint32_t)get(c, 4);
	a->uid = (uint32_t)get(c, 4);
	a->gid = (uint32_t)get(c, 4);
	a->nlink = get(c, 8);
	a->rdev = get(c, 8);
	a->size = get(c, 8);
	a->blksize = get(c, 8);
	a->blocks = get(c, 8);
	a->atime = get(c, 8);
	a->atime_ns = get(c, 8);
	a->mtime = get(c, 8);
	a->mtime_ns = get(c, 8);
	a->ctime = get(c, 8);
	a->ctime_ns = get(c, 8);
	return ok(c, 0);
}

long uk_9p_setattr(struct uk_9p *c, uint32_t fid, const struct uk_9p_setattr *s)
{
	begin(c, TSETATTR);
	put(c, fid, 4);
	put(c, s->valid, 4);
	put(c, s->mode, 4);
	put(c, s->uid, 4);
	put(c, s->gid, 4);
	put(c, s->size, 8);
	put(c, s->atime, 8);
	put(c, s->atime_ns, 8);
	put(c, s->mtime, 8);
	put(c, s->mtime_ns, 8);
	return rpc(c);
}

long uk_9p_lopen(struct uk_9p *c, uint32_t fid, uint32_t flags)
{
	begin(c, TLOPEN);
	put(c, fid, 4);
	put(c, flags, 4);
	return rpc(c);
}

long uk_9p_lcreate(struct uk_9p *c, uint32_t fid, const char *name, uint32_t flags,
		   uint32_t mode, struct uk_9p_qid *qid)
{
	begin(c, TLCREATE);
	put(c, fid, 4);
	put_str(c, name);
	put(c, flags, 4);
	put(c, mode, 4);
	put(c, 0, 4); /* gid */
	long e = rpc(c);
	if (e)
		return e;
	get_qid(c, qid);
	return ok(c, 0);
}

static uint32_t chunk(const struct uk_9p *c, size_t n)
{
	return n > c->msize - IO_HDR ? c->msize - IO_HDR : (uint32_t)n;
}

long uk_9p_read(struct uk_9p *c, uint32_t fid, uint64_t off, void *buf, size_t n)
{
	size_t done = 0;
	while (done < n) {
		uint32_t want = chunk(c, n - done);
		begin(c, TREAD);
		put(c, fid, 4);
		put(c, off + done, 8);
		put(c, want, 4);
		long e = rpc_data(c, 0, 0, (char *)buf + done, want);
		uint32_t got = e ? 0 : (uint32_t)get(c, 4);
		if (!e && (c->bad || got > want))
			e = -EIO;
		if (e)
			return done ? (long)done : e;
		done += got;
		if (got < want)
			break;
	}
	return (long)done;
}

long uk_9p_write(struct uk_9p *c, uint32_t fid, uint64_t off, const void *buf, size_t n)
{
	size_t done = 0;
	do {
		uint32_t want = chunk(c, n - done);
		begin(c, TWRITE);
		put(c, fid, 4);
		put(c, off + done, 8);
		put(c, want, 4);
		long e = rpc_data(c, (const char *)buf + done, want, 0, 0);
		uint32_t got = e ? 0 : (uint32_t)get(c, 4);
		if (!e && (c->bad || got > want))
			e = -EIO;
		if (e)
			return done ? (long)done : e;
		done += got;
		if (got < want)
			break;
	} while (done < n);
	return (long)done;
}

long uk_9p_readdir(struct uk_9p *c, uint32_t fid, uint64_t off,
		   int (*emit)(void *ctx, const char *name, const struct uk_9p_qid *qid,
			       unsigned type, uint64_t next),
		   void *ctx)
{
	begin(c, TREADDIR);
	put(c, fid, 4);
	put(c, off, 8);
	put(c, c->msize - IO_HDR, 4);
	long e = rpc(c);
	if (e)
		return e;
	uint32_t count = (uint32_t)get(c, 4);
	if (c->bad || count > c->rend - c->rpos)
		return -EIO;
	c->rend = c->rpos + count;
	long taken = 0;
	while (c->rpos < c->rend) {
		struct uk_9p_qid q;
		get_qid(c, &q);
		uint64_t next = get(c, 8);
		unsigned type = (unsigned)get(c, 1);
		uint32_t len;
		const char *s = get_str(c, &len);
		if (!s || !len || len > 255)
			return taken ? taken : -EIO;
		char name[256];
		uk_memcpy(name, s, len);
		name[len] = 0;
		if (emit(ctx, name, &q, type, next))
			break;
		taken++;
	}
	return taken;
}

long uk_9p_mkdir(struct uk_9p *c, uint32_t dfid, const char *name, uint32_t mode,
		 struct uk_9p_qid *qid)
{
	begin(c, TMKDIR);
	put(c, dfid, 4);
	put_str(c, name);
	put(c, mode, 4);
	put(c, 0, 4);
	long e = rpc(c);
	if (e)
		return e;
	get_qid(c, qid);
	return ok(c, 0);
}

long uk_9p_mknod(struct uk_9p *c, uint32_t dfid, const char *name, uint32_t mode,
		 uint64_t rdev, struct uk_9p_qid *qid)
{
	begin(c, TMKNOD);
	put(c, dfid, 4);
	put_str(c, name);
	put(c, mode, 4);
	/* Linux's dev_t encoding: major bits 8-19 and 32-43 */
	put(c, ((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfffull), 4);
	put(c, (rdev & 0xff) | ((rdev >> 12) & ~0xffull), 4);
	put(c, 0, 4);
	long e = rpc(c);
	if (e)
		return e;
	get_qid(c, qid);
	return ok(c, 0);
}

long uk_9p_symlink(struct uk_9p *c, uint32_t dfid, const char *name, const char *target,
		   struct uk_9p_qid *qid)
{
	begin(c, TSYMLINK);
	put(c, dfid, 4);
	put_str(c, name);
	put_str(c, target);
	put(c, 0, 4);
	long e = rpc(c);
	if (e)
		return e;
	get_qid(c, qid);
	return ok(c, 0);
}

long uk_9p_link(struct uk_9p *c, uint32_t dfid, uint32_t fid, const char *name)
{
	begin(c, TLINK);
	put(c, dfid, 4);
	put(c, fid, 4);
	put_str(c, name);
	return rpc(c);
}

long uk_9p_unlinkat(struct uk_9p *c, uint32_t dfid, const char *name, uint32_t flags)
{
	begin(c, TUNLINKAT);
	put(c, dfid, 4);
	put_str(c, name);
	put(c, flags, 4);
	return rpc(c);
}

long uk_9p_renameat(struct uk_9p *c, uint32_t olddfid, const char *oldname, uint32_t newdfid,
		    const char *newname)
{
	begin(c, TRENAMEAT);
	put(c, olddfid, 4);
	put_str(c, oldname);
	put(c, newdfid, 4);
	put_str(c, newname);
	return rpc(c);
}

long uk_9p_readlink(struct uk_9p *c, uint32_t fid, char *buf, size_t size)
{
	begin(c, TREADLINK);
	put(c, fid, 4);
	long e = rpc(c);
	if (e)
		return e;
	uint32_t len;
	const char *s = get_str(c, &len);
	if (!s)
		return -EIO;
	if (len > size)
		len = (uint32_t)size;
	uk_memcpy(buf, s, len);
	return len;
}

long uk_9p_fsync(struct uk_9p *c, uint32_t fid)
{
	begin(c, TFSYNC);
	put(c, fid, 4);
	put(c, 0, 4); /* datasync: no, everything */
	return rpc(c);
}

long uk_9p_statfs(struct uk_9p *c, uint32_t fid, struct uk_9p_statfs *st)
{
	begin(c, TSTATFS);
	put(c, fid, 4);
	long e = rpc(c);
	if (e)
		return e;
	st->type = (uint32_t)get(c, 4);
	st->bsize = (uint32_t)get(c, 4);
	st->blocks = get(c, 8);
	st->bfree = get(c, 8);
	st->bavail = get(c, 8);
	st->files = get(c, 8);
	st->ffree = get(c, 8);
	st->fsid = get(c, 8);
	st->namelen = (uint32_t)get(c, 4);
	return ok(c, 0);
}

/* Tversion: the server may lower msize; it must speak 9P2000.L. */
__uk_cold static long version(struct uk_9p *c)
{
	static const char want[] = "9P2000.L";
	begin(c, TVERSION);
	put(c, c->msize, 4);
	put_str(c, want);
	long e = rpc(c);
	if (e)
		return e;
	uint32_t msize = (uint32_t)get(c, 4), len;
	const char *v = get_str(c, &len);
	if (!v || len != sizeof(want) - 1 || uk_strncmp(v, want, len) || msize < 4096 ||
	    msize > c->msize)
		return -EIO;
	c->msize = msize;
	if (uk_opt.verbose)
		uk_printk("uk: 9p: msize %u\n", msize);
	return 0;
}

__uk_cold static int has_tag(struct uk_virtio_dev *d, const char *tag)
{
	uint16_t len;
	char buf[64];
	d->ops->config(d, 0, &len, 2);
	if (len != uk_strlen(tag) || len >= sizeof(buf))
		return 0;
	d->ops->config(d, 2, buf, len);
	return !uk_strncmp(buf, tag, len);
}

__uk_cold struct uk_9p *uk_9p_open(const char *tag)
{
	struct uk_virtio_dev *d = 0;
	uint64_t f;
	while ((d = uk_virtio_find(UK_VIRTIO_ID_9P, d)))
		if (!d->claimed && has_tag(d, tag))
			break;
	if (!d || uk_virtio_start(d, F_MOUNT_TAG, &f))
		return 0;
	struct uk_9p *c = uk_zalloc(sizeof(*c));
	uint64_t rbuf = uk_pmem_alloc(UK_9P_MSIZE, ~0ull);
	if (c)
		c->tbuf = uk_malloc(TBUF_SIZE);
	if (!c || !c->tbuf || !rbuf || uk_virtq_init(&c->q, d, 0, 16)) {
		uk_virtio_fail(d);
		return 0; /* boot-time: what was allocated stays */
	}
	uk_virtio_ready(d);
	c->dev = d;
	c->rbuf = (uint8_t *)rbuf;
	c->msize = UK_9P_MSIZE;
	c->next_fid = 1;
	if (version(c)) {
		uk_virtio_fail(d);
		return 0;
	}
	return c;
}
