/* The Xen ELF notes a xen image must carry (names and numbers from Xen's
 * public elfnote interface): the runtime's PVH entry (.note.uk.pvh) and the
 * xen platform's guest identification (.note.uk.xen). A missing one means
 * the kernel was linked without the xen platform archive. */
#include <stdio.h>
#include <string.h>

#include "imagefmt/elfinfo.h"
#include "imagefmt/image.h"

static const struct {
	unsigned type;
	const char *what;
	int string;
} required[] = {
	{ 18, "PHYS32_ENTRY", 0 },
	{ 6, "GUEST_OS", 1 },
	{ 7, "GUEST_VERSION", 1 },
	{ 5, "XEN_VERSION", 1 },
	{ 8, "LOADER", 1 },
};

int uk_xen_notes_check(const char *kernel, struct uk_error *err)
{
	struct uk_elf_info info;

	if (uk_elf_info_load(kernel, &info, err) != 0)
		return -1;
	for (size_t r = 0; r < sizeof(required) / sizeof(required[0]); r++) {
		int found = 0;

		for (size_t i = 0; i < info.nnotes && !found; i++) {
			const struct uk_elf_note *n = &info.notes[i];

			if (strcmp(n->name, "Xen") || n->type != required[r].type)
				continue;
			if (required[r].string ? n->descsz == 0 || n->descsz > sizeof(n->desc) ||
							 n->desc[n->descsz - 1] != '\0'
					       : n->descsz < 4) {
				uk_errorf(err, "'%s': Xen note %s is malformed", kernel,
					  required[r].what);
				return -1;
			}
			found = 1;
		}
		if (!found) {
			uk_errorf(err, "'%s' has no Xen note %s (type %u)", kernel,
				  required[r].what, required[r].type);
			return uk_hintf(err, "link it with the runtime's xen platform "
					     "(archives_xen in component.yaml)");
		}
	}
	return 0;
}
