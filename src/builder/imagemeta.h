/* The project side of image metadata: where `uk build` put a project's
 * image. The metadata itself (<image>.json) is imagefmt/imagemeta.h. */
#ifndef UK_BUILD_IMAGEMETA_H
#define UK_BUILD_IMAGEMETA_H

#include "imagefmt/imagemeta.h"

/* The path of the project's image for target (NULL: the first target),
 * from DIR/uk.yaml. */
int uk_image_locate(const char *dir, const char *target, char **path,
		    struct uk_error *err);

#endif
