/* Where in the program's sources a link problem is: the line that refers
 * to a symbol nothing defines, or that defines one twice, from the
 * object's DWARF (the builder compiles programs with -g). */
#ifndef UK_BUILD_LINKWHERE_H
#define UK_BUILD_LINKWHERE_H

struct uk_linkwhere {
	char *file;    /* as the DWARF names it, "./" dropped; malloc'd */
	unsigned line;
	char *func;    /* the function it is in, or NULL; malloc'd */
};

/* The first reference to sym in object obj's section (a relocation
 * naming it); 0, or -1 when the object says nothing of it. */
int uk_linkwhere_ref(const char *obj, const char *section, const char *sym,
		     struct uk_linkwhere *w);
/* Where obj defines sym. */
int uk_linkwhere_def(const char *obj, const char *sym, struct uk_linkwhere *w);

#endif
