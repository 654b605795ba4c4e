/* Record locks (fcntl F_GETLK/F_SETLK/F_SETLKW, OFD locks) and flock.
 * One process: its own process-associated locks never conflict with each
 * other, but OFD locks belong to open files and conflict with other open
 * files' locks and with the process's. A lock that would wait for
 * ever (nothing else can release it) fails with EDEADLK. Locks hang off
 * the node (node->locks); an open file's go when it is released, and so
 * do the process's locks on that node (Linux drops them at any close). */
#include "vfs_impl.h"

#define F_GETLK      5
#define F_SETLK      6
#define F_SETLKW     7
#define F_OFD_GETLK  36
#define F_OFD_SETLK  37
#define F_OFD_SETLKW 38
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8
#define END (~0ull)
#define PROCESS ((void *)1) /* the owner of process-associated locks */

struct kflock {
	int16_t type, whence;
	int64_t start, len;
	int32_t pid;
};
_Static_assert(sizeof(struct kflock) == 32, "struct flock, x86_64");

struct lock {
	struct lock *next;
	void *owner; /* PROCESS or the struct uk_file of an OFD lock */
	int type;
	uint64_t start, end; /* inclusive */
};

struct locks {
	struct lock *rec;
	struct lock *flock; /* whole-file: start and end unused */
};

static struct locks *locks_of(struct uk_node *n, int make)
{
	if (!n->locks && make)
		n->locks = uk_zalloc(sizeof(struct locks));
	return n->locks;
}

static int conflicts(const struct lock *l, void *owner, int type, uint64_t s, uint64_t e)
{
	return l->owner != owner && l->start <= e && s <= l->end &&
	       (l->type == F_WRLCK || type == F_WRLCK);
}

static struct lock *conflict(struct locks *ls, void *owner, int type, uint64_t s, uint64_t e)
{
	for (struct lock *l = ls ? ls->rec : 0; l; l = l->next)
		if (conflicts(l, owner, type, s, e))
			return l;
	return 0;
}

static struct lock *new_lock(void *owner, int type, uint64_t s, uint64_t e, struct lock *next)
{
	struct lock *l = uk_malloc(sizeof(*l));
	if (l)
		*l = (struct lock){next, owner, type, s, e};
	return l;
}

/* Takes [s, e] away from owner's locks (splitting one that spans it). */
static long carve(struct locks *ls, void *owner, uint64_t s, uint64_t e)
{
	for (struct lock **pp = &ls->rec, *l; (l = *pp);) {
		if (l->owner != owner || l->end < s || l->start > e) {
			pp = &l->next;
			continue;
		}
		if (l->start < s && l->end > e) { /* split in two */
			struct lock *r = new_lock(owner, l->type, e + 1, l->end, l->next);
			if (!r)
				return -ENOLCK;
			l->end = s - 1;
			l->next = r;
			return 0;
		}
		if (l->start < s) {
			l->end = s - 1;
		} else if (l->end > e) {
			l->start = e + 1;
		} else {
			*pp = l->next;
			uk_free(l);
			continue;
		}
		pp = &l->next;
	}
	return 0;
}

/* The owner's lock of type over [s, e], merged with its neighbours of
 * the same type. */
static long place(struct locks *ls, void *owner, int type, uint64_t s, uint64_t e)
{
	long err = carve(ls, owner, s, e);
	if (err || type == F_UNLCK)
		return err;
	for (struct lock **pp = &ls->rec, *l; (l = *pp);) {
		if (l->owner == owner && l->type == type &&
		    (l->end == END || l->end + 1 >= s) && (e == END || e + 1 >= l->start)) {
			s = l->start < s ? l->start : s;
			e = l->end > e ? l->end : e;
			*pp = l->next;
			uk_free(l);
			continue;
		}
		pp = &l->next;
	}
	struct lock *l = new_lock(owner, type, s, e, ls->rec);
	if (!l)
		return -ENOLCK;
	ls->rec = l;
	return 0;
}

static long range(struct uk_file *f, const struct kflock *k, uint64_t *s, uint64_t *e)
{
	int64_t base;
	switch (k->whence) {
	case 0:
		base = 0;
		break;
	case 1:
		base = (int64_t)f->pos;
		break;
	case 2: {
		struct uk_stat st;
		long err = uk_vfs_getattr(uk_file_node(f), &st);
		if (err)
			return err;
		base = st.size;
		break;
	}
	default:
		return -EINVAL;
	}
	int64_t start = base + k->start, len = k->len;
	if (len < 0) {
		start += len;
		len = -len;
	}
	if (start < 0)
		return -EINVAL;
	*s = (uint64_t)start;
	*e = len ? (uint64_t)start + (uint64_t)len - 1 : END;
	if (*e < *s)
		return -EOVERFLOW;
	return 0;
}

long uk_file_lock(struct uk_file *f, long cmd, long arg)
{
	if (uk_bad_user(arg, sizeof(struct kflock)))
		return -EFAULT;
	struct kflock *k = (struct kflock *)arg;
	int ofd = cmd >= F_OFD_GETLK;
	if (ofd && k->pid)
		return -EINVAL;
	if (k->type != F_RDLCK && k->type != F_WRLCK && k->type != F_UNLCK)
		return -EINVAL;
	struct uk_node *n = uk_file_node(f);
	if (f->flags & UK_O_PATH)
		return -EBADF;
	uint64_t s, e;
	long err = n ? range(f, k, &s, &e) : 0;
	if (err || !n)
		return err;
	void *owner = ofd ? (void *)f : PROCESS;
	struct locks *ls = locks_of(n, 0);
	if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
		if (k->type == F_UNLCK)
			return -EINVAL;
		struct lock *c = conflict(ls, owner, k->type, s, e);
		if (!c) {
			k->type = F_UNLCK;
			return 0;
		}
		k->type = (int16_t)c->type;
		k->whence = 0;
		k->start = (int64_t)c->start;
		k->len = c->end == END ? 0 : (int64_t)(c->end - c->start + 1);
		k->pid = c->owner == PROCESS ? (int32_t)sys_getpid(0) : -1;
		return 0;
	}
	unsigned acc = f->flags & UK_O_ACCMODE;
	if ((k->type == F_RDLCK && acc == UK_O_WRONLY) || (k->type == F_WRLCK && acc == UK_O_RDONLY))
		return -EBADF;
	if (k->type != F_UNLCK && conflict(ls, owner, k->type, s, e))
		return cmd == F_SETLKW || cmd == F_OFD_SETLKW ? -EDEADLK : -EAGAIN;
	if (!ls && !(ls = locks_of(n, 1)))
		return -ENOLCK;
	return place(ls, owner, k->type, s, e);
}

SYSCALL(flock)
{
	struct uk_file *f = uk_fd_get(a[0]);
	if (!f || (f->flags & UK_O_PATH))
		return -EBADF;
	long op = a[1] & ~(long)LOCK_NB;
	if (op != LOCK_SH && op != LOCK_EX && op != LOCK_UN)
		return -EINVAL;
	struct uk_node *n = uk_file_node(f);
	if (!n)
		return 0;
	struct locks *ls = locks_of(n, 1);
	if (!ls)
		return -ENOLCK;
	struct lock **mine = 0;
	for (struct lock **pp = &ls->flock; *pp; pp = &(*pp)->next) {
		if ((*pp)->owner == f)
			mine = pp;
		else if (op != LOCK_UN && (op == LOCK_EX || (*pp)->type == LOCK_EX))
			return (a[1] & LOCK_NB) ? -EAGAIN : -EDEADLK;
	}
	if (op == LOCK_UN) {
		if (mine) {
			struct lock *l = *mine;
			*mine = l->next;
			uk_free(l);
		}
		return 0;
	}
	if (mine) {
		(*mine)->type = (int)op;
		return 0;
	}
	struct lock *l = new_lock(f, (int)op, 0, END, ls->flock);
	if (!l)
		return -ENOLCK;
	ls->flock = l;
	return 0;
}

static void drop(struct lock **pp, void *owner)
{
	for (struct lock *l; (l = *pp);) {
		if (l->owner == owner) {
			*pp = l->next;
			uk_free(l);
		} else {
			pp = &l->next;
		}
	}
}

void uk_lock_release_file(struct uk_file *f)
{
	struct uk_node *n = uk_file_node(f);
	struct locks *ls = n ? n->locks : 0;
	if (!ls)
		return;
	drop(&ls->rec, f);
	drop(&ls->rec, PROCESS);
	drop(&ls->flock, f);
	if (!ls->rec && !ls->flock) {
		uk_free(ls);
		n->locks = 0;
	}
}
