/* Only for compiling lwIP's own sources (never installed): mem.c includes
 * <stdlib.h> for malloc (lwipopts.h maps lwIP's heap to uk_lwip_malloc
 * instead) and netif.c for atoi (netif_find), which the image's C library
 * (musl) defines. */
#ifndef UK_LWIP_STDLIB_H
#define UK_LWIP_STDLIB_H
int atoi(const char *s);
#endif
