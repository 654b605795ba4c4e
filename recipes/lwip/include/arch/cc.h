/* lwIP's platform header for uk (recipes/lwip/README.md).
 *
 * The archive is compiled freestanding: -nostdinc with only gcc's own
 * headers (stddef.h, stdint.h, limits.h), so what lwIP would take from a C
 * library's headers is defined here. The same header also reaches programs
 * compiled against musl's headers, so every definition here must agree with
 * musl's (ssize_t is long on x86_64 in both). */
#ifndef UK_LWIP_ARCH_CC_H
#define UK_LWIP_ARCH_CC_H

#include <limits.h>

/* printf formats for lwIP's types (only its debug messages use them) */
#define LWIP_NO_INTTYPES_H 1
#define X8_F "02x"
#define U16_F "hu"
#define S16_F "hd"
#define X16_F "hx"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

/* lwIP's own character tests instead of <ctype.h> */
#define LWIP_NO_CTYPE_H 1

/* ssize_t without <unistd.h>; lwIP would otherwise make it int */
#define LWIP_NO_UNISTD_H 1
#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX
#endif
typedef long ssize_t;

/* one instruction instead of lwIP's portable functions in def.c; and no
 * htons/ntohl macros, which would rewrite the C library's declarations of
 * those functions in a program that includes both */
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1
#define lwip_htons(x) ((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_htonl(x) ((u32_t)__builtin_bswap32((u32_t)(x)))

/* lwIP needs a random source for its initial ports, DHCP transaction ids,
 * IPv6 timers and TCP initial sequence numbers (lwipopts.h). */
unsigned int uk_lwip_rand(void);
#define LWIP_RAND() ((u32_t)uk_lwip_rand())

/* Diagnostics and failed assertions go to the runtime; LWIP_PLATFORM_DIAG's
 * argument is a parenthesised printf argument list. uk_lwip_assert does not
 * return. */
void uk_lwip_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void uk_lwip_assert(const char *msg, const char *file, int line) __attribute__((noreturn));
#define LWIP_PLATFORM_DIAG(x) do { uk_lwip_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) uk_lwip_assert((x), __FILE__, __LINE__)

#endif
