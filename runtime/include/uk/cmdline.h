/* Kernel command-line ABI between whoever boots an image (uk run, tests)
 * and the runtime; the syntax is in man/uk-runtime.7:
 *
 *   [uk.OPTION[=VALUE]]... [--] [ARG]...
 *
 * Words are separated by blanks; quotes group, a backslash escapes. Words
 * before UK_CMDLINE_END that start with UK_OPT_PREFIX are runtime options,
 * every other word is a program argument. argv[0] is the image name. */
#ifndef UK_CMDLINE_H
#define UK_CMDLINE_H

#define UK_OPT_PREFIX    "uk."
#define UK_CMDLINE_END   "--"

#define UK_OPT_NAME      "uk.name="      /* argv[0] and uname nodename */
#define UK_OPT_ENV       "uk.env="       /* KEY=VALUE, repeatable */
#define UK_OPT_STRACE    "uk.strace"     /* log every system call */
#define UK_OPT_BOOTSTATS "uk.bootstats"  /* print the line below */
#define UK_OPT_STACK     "uk.stack="     /* main stack size: N[K|M|G] */
#define UK_OPT_VERBOSE   "uk.verbose"    /* print the boot information */

/* What uk.bootstats prints, exactly once, N in microseconds. */
#define UK_BOOTSTATS_FORMAT "bootstats: entry-to-main %lu us\n"

#endif
