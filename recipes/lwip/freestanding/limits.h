/* Only for compiling lwIP's own sources (never installed): gcc's own
 * limits.h looks for a C library's next to it, which a freestanding build
 * has not, so the limits come from gcc's predefined macros. */
#ifndef UK_LWIP_LIMITS_H
#define UK_LWIP_LIMITS_H
#define CHAR_BIT __CHAR_BIT__
#define SCHAR_MAX __SCHAR_MAX__
#define SHRT_MAX __SHRT_MAX__
#define USHRT_MAX (__SHRT_MAX__ * 2 + 1)
#define INT_MAX __INT_MAX__
#define INT_MIN (-__INT_MAX__ - 1)
#define UINT_MAX (__INT_MAX__ * 2U + 1U)
#define LONG_MAX __LONG_MAX__
#define LONG_MIN (-__LONG_MAX__ - 1L)
#define ULONG_MAX (__LONG_MAX__ * 2UL + 1UL)
#define SSIZE_MAX LONG_MAX
#endif
