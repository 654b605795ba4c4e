/* Paths relative to a folder, by their text alone (no symlink is followed):
 * what a file that records other files' places needs to stay right when
 * the tree holding them all is moved. */
#ifndef UK_UTIL_RELPATH_H
#define UK_UTIL_RELPATH_H

/* malloc'd absolute form of path (relative ones taken from cwd), with "."
 * and ".." components and repeated slashes resolved. */
char *uk_path_absolute(const char *path, const char *cwd);

/* malloc'd path of target from folder base, both absolute: "../obj/a.o"
 * for /p/obj/a.o from /p/kvm, "." for base itself. */
char *uk_path_relative(const char *target, const char *base);

#endif
