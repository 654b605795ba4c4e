/* The system calls the runtime does not implement that this image's C
 * library code can make (runtime/nosys/gen.sh): each is an entry in
 * section uk_nosys, linked only when the program links a libc member that
 * makes the call (component.yaml link_if), so an image names exactly its
 * own unsupported calls and hello pays nothing.
 *
 * An entry: the call's number (2 bytes, little-endian; 0x8000 set when an
 * optional group has the call, which this image does not link: named by
 * uk.strace, never said to be unsupported), its name, NUL. */
#ifndef UK_NOSYS_H
#define UK_NOSYS_H

/* The dispatcher's answer to an unknown call (nosys.c): says once per call
 * number that it is not supported (unless uk.enosys=quiet), -ENOSYS. */
long uk_enosys(long nr);
/* The entry's name for nr, or 0. */
const char *uk_nosys_name(long nr);

struct uk_sys;
/* uk.strace's decoding (strace_decode.c), linked with any optional group
 * or unsupported call (runtime/link-if/strace): prints one traced call,
 * "strace: NAME(ARGS) = RET\n"; s is 0 when no table has the call. */
void uk_strace_call(long nr, const struct uk_sys *s, const long *a, long ret);
/* A table entry's name (syscall.c), from the dispatcher's tables */
const char *uk_sys_name(const struct uk_sys *s);

#endif
