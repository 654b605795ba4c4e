/* futex(2) through syscall(): the errno cases and what each operation
 * returns, against Linux; sched_getaffinity's return; clone with a
 * fork's flags. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* linux/futex.h's values (musl's headers have none) */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_REQUEUE_PRIVATE (FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_OP_PRIVATE (FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG)
#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP(op, oparg, cmp, cmparg) \
	(((op & 0xf) << 28) | ((cmp & 0xf) << 24) | ((oparg & 0xfff) << 12) | (cmparg & 0xfff))

static long fx(int *u, int op, int val, const void *t, int *u2, int val3)
{
	long r = syscall(SYS_futex, u, op, val, t, u2, val3);
	return r < 0 ? -errno : r;
}

static void show(const char *what, long r)
{
	printf("%-34s %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror((int)-r) : "");
}

static int word, word2;
static volatile int waiting;

static void *waiter(void *arg)
{
	int *w = arg;
	__atomic_add_fetch(&waiting, 1, __ATOMIC_SEQ_CST);
	fx(w, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0);
	return 0;
}

/* n threads blocked in FUTEX_WAIT on w (waits until they are in) */
static void park(pthread_t *t, int n, int *w)
{
	waiting = 0;
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], 0, waiter, w);
	while (waiting < n)
		sched_yield();
	struct timespec d = {0, 20000000};
	nanosleep(&d, 0); /* from their increment into the wait */
}

int main(void)
{
	struct timespec zero = {0, 0}, bad = {0, 1000000000}, neg = {-1, 0}, ms = {0, 1000000};
	show("wait, value differs", fx(&word, FUTEX_WAIT, 1, 0, 0, 0));
	show("wait, timeout 0", fx(&word, FUTEX_WAIT, 0, &zero, 0, 0));
	show("wait, 1 ms", fx(&word, FUTEX_WAIT_PRIVATE, 0, &ms, 0, 0));
	show("wait, tv_nsec 1e9", fx(&word, FUTEX_WAIT, 0, &bad, 0, 0));
	show("wait, tv_sec -1", fx(&word, FUTEX_WAIT, 0, &neg, 0, 0));
	show("wait, timeout pointer bad", fx(&word, FUTEX_WAIT, 0, (void *)8, 0, 0));
	show("wait, unaligned", fx((int *)((char *)&word + 1), FUTEX_WAIT, 0, 0, 0, 0));
	show("wait, address bad", fx((int *)8, FUTEX_WAIT, 0, 0, 0, 0));
	show("wait, CLOCK_REALTIME", fx(&word, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 1, 0, 0, 0));
	show("wake, CLOCK_REALTIME", fx(&word, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, 0, 0, 0));
	show("wait_bitset, bitset 0", fx(&word, FUTEX_WAIT_BITSET, 0, 0, 0, 0));
	show("wake_bitset, bitset 0", fx(&word, FUTEX_WAKE_BITSET, 1, 0, 0, 0));
	struct timespec past;
	clock_gettime(CLOCK_MONOTONIC, &past);
	show("wait_bitset, absolute past", fx(&word, FUTEX_WAIT_BITSET, 0, &past, 0, -1));
	clock_gettime(CLOCK_REALTIME, &past);
	past.tv_nsec = 0;
	show("wait_bitset realtime, past", fx(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &past, 0, -1));
	show("wake, nobody waits", fx(&word, FUTEX_WAKE, 5, 0, 0, 0));
	show("wake private, address bad", fx((int *)8, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0));
	show("wake shared, address bad", fx((int *)8, FUTEX_WAKE, 1, 0, 0, 0));
	show("requeue, nr_wake -1", fx(&word, FUTEX_REQUEUE, -1, 0, &word2, 0));
	show("cmp_requeue, value differs", fx(&word, FUTEX_CMP_REQUEUE, 1, (void *)1, &word2, 5));
	show("cmp_requeue, uaddr2 unaligned", fx(&word, FUTEX_CMP_REQUEUE, 1, (void *)1, (int *)((char *)&word2 + 2), 0));
	show("lock_pi", fx(&word, 6 /* FUTEX_LOCK_PI */ + 100, 0, 0, 0, 0));
	show("op 99", fx(&word, 99, 0, 0, 0, 0));
	word2 = 5;
	show("wake_op add, cmp eq 5", fx(&word, FUTEX_WAKE_OP, 1, (void *)1, &word2,
					  FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_EQ, 5)));
	printf("word2 after it: %d\n", word2);
	show("wake_op bad op", fx(&word, FUTEX_WAKE_OP, 1, (void *)1, &word2, FUTEX_OP(7, 3, 0, 0)));
	printf("word2 after it: %d\n", word2);
	show("wake_op bad cmp", fx(&word, FUTEX_WAKE_OP, 1, (void *)1, &word2, FUTEX_OP(0, 1, 9, 0)));
	printf("word2 after it: %d\n", word2);

	pthread_t t[4];
	word = 0;
	park(t, 3, &word);
	show("wake 2 of 3 waiters", fx(&word, FUTEX_WAKE_PRIVATE, 2, 0, 0, 0));
	show("requeue 0 woken, 1 moved", fx(&word, FUTEX_REQUEUE_PRIVATE, 0, (void *)1, &word2, 0));
	show("wake on the new word", fx(&word2, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0));
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], 0);
	park(t, 2, &word);
	show("wake_op: 1 here, then 1 there", fx(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, &word,
						 FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_EQ, 0)));
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], 0);

	cpu_set_t set;
	long n = syscall(SYS_sched_getaffinity, 0, sizeof(set), &set);
	printf("sched_getaffinity: %s, cpu 0 %s\n", n > 0 && n % 8 == 0 ? "bytes written" : "?",
	       CPU_ISSET(0, &set) ? "in" : "out");
	n = syscall(SYS_sched_getaffinity, 0, 4, &set);
	printf("sched_getaffinity, 4 bytes: %s\n", n < 0 ? strerror(errno) : "?");
	n = syscall(SYS_sched_getaffinity, 99999, sizeof(set), &set);
	printf("sched_getaffinity, no such task: %s\n", n < 0 ? strerror(errno) : "?");
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	printf("sched_setaffinity cpu 0: %d\n", sched_setaffinity(0, sizeof(set), &set));
	printf("gettid of main is getpid: %s\n", syscall(SYS_gettid) == getpid() ? "yes" : "no");

	/* a fork's flags: a child on Linux (which exits at once), ENOSYS in uk */
	long r = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (r == 0)
		_exit(0);
	if (r > 0)
		waitpid((pid_t)r, 0, 0);
	printf("clone(SIGCHLD): %s\n", r > 0 || (r < 0 && errno == ENOSYS) ? "a process or ENOSYS" : "?");
	return 0;
}
