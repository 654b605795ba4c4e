/* The debug file made on demand (uk-build(1)): uk build links without
 * one and leaves a recipe beside the image, build/kvm/.NAME.debug.json,
 * the uk link options that made it. NAME.debug is made from the recipe
 * when gdb or a crash report needs it, and only when the link it records
 * still gives the image byte for byte. */
#ifndef UK_BUILDER_DEBUGFILE_H
#define UK_BUILDER_DEBUGFILE_H

#include "linker/linker.h"
#include "util/error.h"

/* For build/kvm/hello, or the raw disk build/raw/hello.img (whose ELF is
 * build/raw/hello): build/kvm/.hello.debug.json. Caller frees. */
char *uk_debugfile_recipe_path(const char *image);
/* Its debug file: build/kvm/hello.debug, build/raw/hello.debug. */
char *uk_debugfile_path(const char *image);

/* The recipe of lo's link (its inputs, entry, keep and link_if; relative
 * paths against the working folder, recorded too), as JSON. Caller frees. */
char *uk_debugfile_recipe_text(const struct uk_link_opts *lo);

/* Makes IMAGE's NAME.debug from its recipe: the link again, into
 * temporary files beside it, the image compared with IMAGE's ELF. On
 * any failure (no recipe, an input gone, another image) nothing new is
 * left and err names the image and what to do. */
int uk_debugfile_make(const char *image, struct uk_error *err);

#endif
