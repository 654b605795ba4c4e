#!/usr/bin/env bash
# Threads that all block leave the CPU halted: a uk image whose two threads
# wait (one on a condition variable, one in nanosleep) for 4 s uses little
# of the host's CPU meanwhile (the QEMU process's utime+stime over 2 s of
# the wait, from /proc/PID/stat), and then ends normally.
. "$(dirname "$0")/lib.sh"
p=$tmp/idle
mkdir -p "$p/src"
cat >"$p/src/main.c" <<'C'
#include <pthread.h>
#include <stdio.h>
#include <time.h>
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int done;
static void *waiter(void *arg)
{
	pthread_mutex_lock(&m);
	while (!done)
		pthread_cond_wait(&c, &m);
	pthread_mutex_unlock(&m);
	return arg;
}
int main(void)
{
	pthread_t t;
	pthread_create(&t, 0, waiter, 0);
	printf("waiting\n");
	fflush(stdout);
	struct timespec d = {4, 0};
	nanosleep(&d, 0);
	pthread_mutex_lock(&m);
	done = 1;
	pthread_cond_signal(&c);
	pthread_mutex_unlock(&m);
	pthread_join(t, 0);
	printf("joined\n");
	return 0;
}
C
printf 'spec: 1\nname: idle\nversion: 0.1.0\nsources: [src/main.c]\nmemory: 64M\n' >"$p/uk.yaml"
if ! out=$("$UK" build -C "$p" 2>&1); then
	fail threads-idle-build "$out"
	exit 0
fi
timeout 60 "$UK" run -C "$p" --accel tcg --timeout 30 >"$tmp/idle.out" 2>&1 &
run=$!
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
qemu=
for _ in $(seq 100); do # until the guest says it waits (at most 10 s)
	grep -q waiting "$tmp/idle.out" 2>/dev/null && break
	sleep 0.1
done
for pid in $(pgrep -P "$run") $(pgrep -P "$(pgrep -P "$run" | head -n 1)" 2>/dev/null); do
	[[ $(cat "/proc/$pid/comm" 2>/dev/null) == qemu* ]] && qemu=$pid
done
if [ -z "$qemu" ]; then
	fail threads-idle "no QEMU process found: $(cat "$tmp/idle.out")"
	wait $run
	exit 0
fi
sleep 0.5
t0=$(ticks "$qemu")
sleep 2
t1=$(ticks "$qemu")
wait $run
rc=$?
hz=$(getconf CLK_TCK)
used=$(( (t1 - t0) * 1000 / hz )) # ms of CPU over 2000 ms
if [ $rc -eq 0 ] && grep -q joined "$tmp/idle.out" && [ "$used" -le 400 ]; then
	pass "threads-idle ($used ms of CPU in 2 s)"
else
	fail threads-idle "status $rc, $used ms of CPU in 2 s (max 400): $(cat "$tmp/idle.out")"
fi

# An exited thread's kernel stack goes back to the page allocator: after
# 200 threads at once have been joined, sysinfo's free memory is what it
# was before them (within the page tables that splitting 2 MiB pages for
# the guard pages made: one 4 KiB table per 2 MiB in use at the peak), not
# 200 x 28 KiB less.
p=$tmp/free
mkdir -p "$p/src"
cat >"$p/src/main.c" <<'C'
#include <pthread.h>
#include <stdio.h>
#include <sys/sysinfo.h>
#define N 200
static pthread_barrier_t b;
static void *wait_all(void *arg)
{
	pthread_barrier_wait(&b);
	return arg;
}
static long free_kib(void)
{
	struct sysinfo si;
	sysinfo(&si);
	return (long)(si.freeram * si.mem_unit / 1024);
}
int main(void)
{
	pthread_t t[N];
	pthread_barrier_init(&b, 0, 2);
	pthread_create(&t[0], 0, wait_all, 0); /* the first one's lasting allocations */
	pthread_barrier_wait(&b);
	pthread_join(t[0], 0);
	pthread_barrier_destroy(&b);
	long before = free_kib();
	pthread_barrier_init(&b, 0, N + 1);
	for (int i = 0; i < N; i++)
		if (pthread_create(&t[i], 0, wait_all, 0))
			return 2;
	long during = free_kib();
	pthread_barrier_wait(&b);
	for (int i = 0; i < N; i++)
		pthread_join(t[i], 0);
	long after = free_kib();
	printf("free KiB: %ld before, %ld with %d threads, %ld after\n", before, during, N, after);
	return !(before - after <= (before - during) / 2048 * 4 + 16 && before - during > 20 * N);
}
C
printf 'spec: 1\nname: free\nversion: 0.1.0\nsources: [src/main.c]\nmemory: 128M\n' >"$p/uk.yaml"
if out=$("$UK" build -C "$p" 2>&1) &&
	out=$(timeout 120 "$UK" run -C "$p" --accel tcg --timeout 60 2>&1); then
	pass "threads-free ($out)"
else
	fail threads-free "status $?: $out"
fi

# uk.strace says a thread's exit( before it happens, as it says
# exit_group( (neither returns to print after it)
p=$tmp/exitlog
mkdir -p "$p/src"
cat >"$p/src/main.c" <<'C'
#include <pthread.h>
static void *quits(void *arg)
{
	pthread_exit(arg);
}
int main(void)
{
	pthread_t t;
	pthread_create(&t, 0, quits, 0);
	pthread_join(t, 0);
	return 0;
}
C
printf 'spec: 1\nname: exitlog\nversion: 0.1.0\nsources: [src/main.c]\nmemory: 64M\n' >"$p/uk.yaml"
if out=$("$UK" build -C "$p" 2>&1) &&
	out=$(timeout 120 "$UK" run -C "$p" --accel tcg --timeout 60 --strace 2>&1) &&
	[ "$(printf '%s\n' "$out" | grep -cx 'strace: exit(0x0) = 0')" = 1 ] &&
	[ "$(printf '%s\n' "$out" | grep -cx 'strace: exit_group(0x0) = 0')" = 1 ]; then
	pass threads-strace-exit
else
	fail threads-strace-exit "$(printf '%s\n' "$out" | tail -n 8)"
fi

# Threads doing file I/O on one 9p volume at once (tests/volumes/threads.c:
# three readers, a writer, a lister): each 9p request parks its thread, so
# another thread's must wait for the connection (its buffers); the outputs
# as Linux's in an identical host folder.
p=$tmp/vol
mkdir -p "$p/src" "$tmp/vol-linux"
cp "$UK_ROOT/tests/volumes/threads.c" "$p/src/main.c"
printf 'spec: 1\nname: volthreads\nversion: 0.1.0\nsources: [src/main.c]\nmemory: 128M\nvolumes: []\n' >"$p/uk.yaml"
for i in 0 1 2; do
	seq $((i * 100000)) $((i * 100000 + 90000)) | head -c 524288 >"$tmp/vol-linux/in$i.bin"
done
cp -R "$tmp/vol-linux" "$tmp/vol-guest"
if ! out=$(musl-gcc -static -O1 -o "$tmp/volthreads" "$UK_ROOT/tests/volumes/threads.c" -lpthread 2>&1) ||
	! out=$("$UK" build -C "$p" 2>&1); then
	fail threads-volume "$out"
else
	want=$("$tmp/volthreads" "$tmp/vol-linux" 2>&1; echo "status $?")
	got=$(timeout 120 "$UK" run -C "$p" --accel tcg --timeout 60 -v "$tmp/vol-guest:/data" -- /data \
		</dev/null 2>&1; echo "status $?")
	if [ "$want" = "$got" ] && cmp -s "$tmp/vol-linux/out.bin" "$tmp/vol-guest/out.bin"; then
		pass threads-volume
	else
		fail threads-volume "Linux:
$want
uk:
$got"
	fi
fi

# A crash report names the thread that crashed (tid 2: the first made), and
# a single-threaded image's report has no such line.
p=$tmp/crash
mkdir -p "$p/src"
cat >"$p/src/main.c" <<'C'
#include <pthread.h>
#include <stdio.h>
static void *worker(void *arg) { return (void *)(long)*(volatile int *)arg; }
int main(void)
{
	pthread_t t;
	puts("starting");
	pthread_create(&t, 0, worker, 0);
	pthread_join(t, 0);
	return 0;
}
C
printf 'spec: 1\nname: crash\nversion: 0.1.0\nsources: [src/main.c]\n' >"$p/uk.yaml"
if out=$("$UK" build -C "$p" 2>&1); then
	out=$(timeout 120 "$UK" run -C "$p" --accel tcg --timeout 60 </dev/null 2>&1); rc=$?
	if [ $rc -eq 139 ] && printf '%s\n' "$out" | tr -d '\r' | grep -qx 'uk: in thread 2'; then
		pass threads-crash-names-thread
	else
		fail threads-crash-names-thread "rc=$rc $out"
	fi
else
	fail threads-crash-names-thread "$out"
fi
