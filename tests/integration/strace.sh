#!/usr/bin/env bash
# Calls named (issue 13): uk.strace names every call, an implemented one,
# one of the net group (socket, without uk-net: EAFNOSUPPORT) and one the
# runtime lacks (fork), with decoded arguments and -ENAME errors; the first
# fork() says once that it is not supported, uk.enosys=quiet silences that;
# uk build warns that src/main.c uses fork(), and a program without such a
# call gets no warning.
. "$(dirname "$0")/lib.sh"
p=$tmp/p
mkdir -p "$p/src"
printf 'spec: 1\nname: calls\nversion: 0.1.0\nsources: [src/main.c]\nmemory: 64M\n' >"$p/uk.yaml"
cat >"$p/src/main.c" <<'C'
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	for (int i = 0; i < 2; i++)
		printf("fork %d\n", (int)fork());
	printf("socket %d\n", socket(AF_INET, SOCK_STREAM, 0));
	return 0;
}
C
if out=$("$UK" build -C "$p" 2>&1) && printf '%s\n' "$out" | grep -qx 'warning: src/main.c uses fork(), which uk-runtime does not provide' &&
	[ "$(printf '%s\n' "$out" | grep -c '^warning:')" = 1 ]; then
	pass strace-build-warning
else
	fail strace-build-warning "$out"
fi
mkdir -p "$tmp/h"
"$UK" init "$tmp/h/hello" >/dev/null 2>&1
if out=$("$UK" build -C "$tmp/h/hello" 2>&1) && ! printf '%s\n' "$out" | grep -q 'warning'; then
	pass strace-build-no-warning
else
	fail strace-build-no-warning "$out"
fi

img=$p/build/kvm/calls
boot() { # APPEND
	timeout 120 qemu-system-x86_64 -M microvm -accel tcg -m 64M -nodefaults -no-reboot \
		-nographic -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4 \
		-kernel "$img" -append "$1" </dev/null 2>/dev/null | tr -d '\r'
}
line='uk: fork() is not supported by uk-runtime 0.1.0; returning ENOSYS'
out=$(boot "uk.strace")
if [ "$(printf '%s\n' "$out" | grep -cx "$line")" = 1 ] &&
	[ "$(printf '%s\n' "$out" | grep -cE '^strace: fork\(0x[0-9a-f]+(, 0x[0-9a-f]+){5}\) = -ENOSYS$')" = 2 ] &&
	printf '%s\n' "$out" | grep -qx 'strace: socket(AF_INET, SOCK_STREAM, 0) = -EAFNOSUPPORT' &&
	printf '%s\n' "$out" | grep -qE '^strace: writev\(0x1, 0x[0-9a-f]+, 0x2\) = [0-9]+$' &&
	printf '%s\n' "$out" | grep -qx 'fork -1' && printf '%s\n' "$out" | grep -qx 'socket -1' &&
	! printf '%s\n' "$out" | grep -q 'syscall_'; then
	pass strace-named
else
	fail strace-named "$out"
fi
out=$(boot "uk.enosys=quiet")
if [ "$(printf '%s\n' "$out" | grep -cx 'fork -1')" = 2 ] && ! printf '%s\n' "$out" | grep -q 'not supported\|unknown option'; then
	pass strace-enosys-quiet
else
	fail strace-enosys-quiet "$out"
fi

# A call of an optional group the image does not link (fopen's "e" makes
# fcntl F_SETFD, sysconf(_SC_NPROCESSORS_ONLN) sched_getaffinity) is named
# by uk.strace, and not said to be unsupported: the runtime has it.
q=$tmp/q
mkdir -p "$q/src"
printf 'spec: 1\nname: unlinked\nversion: 0.1.0\nsources: [src/main.c]\nmemory: 64M\n' >"$q/uk.yaml"
cat >"$q/src/main.c" <<'C'
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	FILE *f = fopen("/etc/hosts", "re");
	printf("fopen %s, cpus %ld\n", f ? "ok" : "failed", sysconf(_SC_NPROCESSORS_ONLN));
	return 0;
}
C
if ! out=$("$UK" build -C "$q" 2>&1); then
	fail strace-unlinked-group-named "$out"
else
	img=$q/build/kvm/unlinked
	out=$(boot "uk.strace")
	if printf '%s\n' "$out" | grep -q '^strace: fcntl(0x3, 0x2, 0x1, ' &&
		printf '%s\n' "$out" | grep -q '^strace: sched_getaffinity(0x0, ' &&
		printf '%s\n' "$out" | grep -qx 'fopen ok, cpus 1' &&
		! printf '%s\n' "$out" | grep -q 'syscall_\|not supported'; then
		pass strace-unlinked-group-named
	else
		fail strace-unlinked-group-named "$out"
	fi
fi
