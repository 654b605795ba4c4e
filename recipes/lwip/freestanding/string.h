/* Only for compiling lwIP's own sources (never installed): the C library
 * functions lwIP's .c files call after #include <string.h>. The image's C
 * library (musl) defines them; gcc also emits calls to memcpy and memset on
 * its own, as it does for the runtime. */
#ifndef UK_LWIP_STRING_H
#define UK_LWIP_STRING_H
#include <stddef.h>
void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
#endif
