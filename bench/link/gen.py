#!/usr/bin/env python3
"""Writes a large C program: NFILES files of NFUNCS functions each, calling
one another (about a third unreachable), plus main.c; deterministic."""
import os
import random
import sys

out, nfiles, nfuncs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(42)
os.makedirs(out, exist_ok=True)
names = [f"f{i}_{j}" for i in range(nfiles) for j in range(nfuncs)]
with open(os.path.join(out, "decl.h"), "w") as h:
    h.write("#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n")
    for n in names:
        h.write(f"long {n}(long);\n")
libc = ["strlen", "snprintf", "malloc", "qsort", "strtod", "memcmp"]
for i in range(nfiles):
    with open(os.path.join(out, f"m{i}.c"), "w") as f:
        f.write('#include "decl.h"\n')
        f.write(f"static char table{i}[{rng.randint(16, 256)}] = \"m{i}\";\n")
        for j in range(nfuncs):
            n = f"f{i}_{j}"
            f.write(f"long {n}(long x)\n{{\n\tlong r = x * {rng.randint(2, 99)} + table{i}[{j % 16}];\n")
            # calls only go to higher-numbered files, so there is no cycle
            for _ in range(rng.randint(0, 3)):
                k = rng.randrange(i + 1, nfiles) if i + 1 < nfiles else None
                if k is not None:
                    f.write(f"\tif (x > {rng.randint(0, 50)}) r += f{k}_{rng.randrange(nfuncs)}(x - 1);\n")
            if rng.random() < 0.05:
                fn = rng.choice(libc)
                if fn == "strlen":
                    f.write(f"\tr += (long)strlen(table{i});\n")
                elif fn == "snprintf":
                    f.write(f"\t{{ char b[32]; r += snprintf(b, sizeof b, \"%ld\", x); }}\n")
                elif fn == "malloc":
                    f.write("\t{ char *p = malloc(16); if (p) { r += p[0] & 0; free(p); } }\n")
                elif fn == "strtod":
                    f.write("\tr += (long)strtod(\"1.5\", 0);\n")
                else:
                    f.write(f"\tr += memcmp(table{i}, \"m\", 1);\n")
            f.write("\treturn r;\n}\n")
with open(os.path.join(out, "main.c"), "w") as f:
    f.write('#include "decl.h"\nint main(int argc, char **argv)\n{\n\tlong r = 0;\n\t(void)argv;\n')
    for i in range(0, nfiles, 3):
        f.write(f"\tr += f{i}_{rng.randrange(nfuncs)}(argc);\n")
    f.write('\tprintf("%ld\\n", r);\n\treturn 0;\n}\n')
