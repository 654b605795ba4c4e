# uk: the unikernel build toolchain. `make` builds bin/uk, the runtime, musl
# and lwip components and the built-in store; `make check` runs every test;
# `make demo` builds and boots a hello project. See README.md.

CC        ?= gcc
PREFIX    ?= /usr/local
VERSION   := $(shell cat VERSION)
# Tests read what uk wrote with libarchive itself, independently of uk.
TESTLIBS  := -larchive
# libcurl, libarchive, libcrypto, libisal and libyaml are not linked: uk loads them when
# a command first needs them (src/util/dynlib.h), which saves ~9 ms on every start and
# keeps `uk run IMAGE` from loading libyaml at all.
# libbfd (and what it needs: libsframe, libiberty, zlib, zstd) is linked statically into a
# non-PIE uk: then it costs a start nothing (no library to load, no relocation of its
# tables), where loading it on first use was a quarter of a hello link's instructions.
PKGS      := jansson
BFDLIBS   := -Wl,-Bstatic -lbfd -lsframe -liberty -lz -lzstd -Wl,-Bdynamic
DEPLIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -ljansson) $(BFDLIBS) -ldl -lpthread
include mk/quiet.mk
WARN      := -Wall -Wextra -Werror
BASEFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -g -Isrc -MMD -MP \
             -DUK_VERSION='"$(VERSION)"'
CFLAGS    ?= -O2
SANFLAGS  := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

LIB_SRCS  := $(sort $(filter-out src/cli/%,$(wildcard src/*/*.c)))
CLI_SRCS  := $(sort $(wildcard src/cli/*.c))
TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c))
TESTLIB   := tests/unit/check.c

# Two builds of the same sources: build/obj (release) and build/san (tests,
# under AddressSanitizer and UBSan).
# Files generated into build/gen/ and compiled like sources.
GEN_SRCS  := build/gen/templates.c
TEMPLATES := $(shell find templates -type f)

OBJ_REL   := $(LIB_SRCS:%.c=build/obj/%.o) $(CLI_SRCS:%.c=build/obj/%.o) build/obj/gen/templates.o
OBJ_SANL  := $(LIB_SRCS:%.c=build/san/%.o)
OBJ_SANC  := $(CLI_SRCS:%.c=build/san/%.o) build/san/gen/templates.o
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=build/san/tests/%)

# The raw-disk boot loader (src/imagefmt/boot/, issue 5): assembled when uk
# is built and embedded as a C array, compiled into both builds like the
# templates (its rule is below the templates' one).
GEN_SRCS  += build/gen/bootloader.c
OBJ_REL   += build/obj/gen/bootloader.o
OBJ_SANL  += build/san/gen/bootloader.o

COMPONENTS := build/components/uk-runtime/component.yaml build/components/musl/component.yaml \
	build/components/lwip/component.yaml build/components/uk-net/component.yaml
STORE      := build/store/index.json

.PHONY: all check demo install uninstall clean lint components unit-tests bench fuzz
all: bin/uk $(STORE)

bin/uk: $(OBJ_REL)
	@mkdir -p $(@D)
	$(call say,LINK,$@)$(CC) $(CFLAGS) -no-pie -o $@ $^ $(DEPLIBS)

build/obj/%.o: %.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(BASEFLAGS) $(CFLAGS) -c -o $@ $<

build/san/%.o: %.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(BASEFLAGS) $(SANFLAGS) -c -o $@ $<

build/gen/templates.c: scripts/embed-templates $(TEMPLATES)
	@mkdir -p $(@D)
	$(call say,GEN,$@)scripts/embed-templates $@
build/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(BASEFLAGS) $(CFLAGS) -c -o $@ $<
build/san/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(BASEFLAGS) $(SANFLAGS) -c -o $@ $<
build/gen/bootloader.c: src/imagefmt/boot/embed.sh src/imagefmt/boot/loader.S src/imagefmt/boot/rawboot.h
	@mkdir -p $(@D)
	$(call say,GEN,$@)src/imagefmt/boot/embed.sh $@

build/san/uk: $(OBJ_SANL) $(OBJ_SANC)
	$(call say,LINK,$@)$(CC) $(SANFLAGS) -o $@ $^ $(DEPLIBS)

build/san/libuk.a: $(OBJ_SANL)
	@rm -f $@
	$(call say,AR,$@)ar rcs $@ $^

build/san/tests/%: tests/unit/%.c $(TESTLIB) build/san/libuk.a
	@mkdir -p $(@D)
	$(call say,LINK,$@)$(CC) $(BASEFLAGS) $(SANFLAGS) -Itests/unit -o $@ $< $(TESTLIB) build/san/libuk.a $(DEPLIBS) $(TESTLIBS)

# The library-OS components, each built by its own Makefile into a folder
# that `uk pkg create` packs into the built-in store.
components: $(COMPONENTS)
build/components/uk-runtime/component.yaml: FORCE
	$(Q)$(MAKE) $(if $(filter 1,$(V)),,-s) -C runtime O=$(CURDIR)/build/components/uk-runtime
build/components/musl/component.yaml: FORCE
	$(Q)$(MAKE) $(if $(filter 1,$(V)),,-s) -C recipes/musl O=$(CURDIR)/build/components/musl
# lwIP from Debian's source package: downloaded once into
# build/components/lwip.work/cache, offline after that (recipes/lwip/README.md)
build/components/lwip/component.yaml: FORCE
	$(Q)$(MAKE) $(if $(filter 1,$(V)),,-s) -C recipes/lwip O=$(CURDIR)/build/components/lwip
# sockets and virtio-net (runtime/net/), over lwip's headers
build/components/uk-net/component.yaml: build/components/lwip/component.yaml FORCE
	$(Q)$(MAKE) $(if $(filter 1,$(V)),,-s) -C runtime net O=$(CURDIR)/build/components/uk-runtime \
	  NET_O=$(CURDIR)/build/components/uk-net LWIP=$(CURDIR)/build/components/lwip

$(STORE): bin/uk $(COMPONENTS)
	@rm -rf build/store.tmp
	$(call say,STORE,build/store)bin/uk pkg create --store build/store.tmp build/components/musl >/dev/null
	$(Q)bin/uk pkg create --store build/store.tmp build/components/uk-runtime >/dev/null
	$(Q)bin/uk pkg create --store build/store.tmp build/components/lwip >/dev/null
	$(Q)bin/uk pkg create --store build/store.tmp build/components/uk-net >/dev/null
	@rm -rf build/store && mv build/store.tmp build/store

unit-tests: $(TEST_BINS) build/san/uk

check: all unit-tests
	tests/run

demo:
	scripts/demo.sh

bench: all
	bench/run

# every fuzz target for FUZZ_SECONDS each (default 600)
fuzz: all
	scripts/fuzz

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/uk $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man7
	install -m 755 bin/uk $(DESTDIR)$(PREFIX)/bin/uk
	rm -rf $(DESTDIR)$(PREFIX)/share/uk/store
	cp -R build/store $(DESTDIR)$(PREFIX)/share/uk/store
	rm -rf $(DESTDIR)$(PREFIX)/share/uk/store/.tmp $(DESTDIR)$(PREFIX)/share/uk/store/.lock
	install -m 644 share/uk.schema.json $(DESTDIR)$(PREFIX)/share/uk/uk.schema.json
	for m in man/*.1; do install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man1/; done
	for m in man/*.5; do [ -e $$m ] && install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man5/ || true; done
	for m in man/*.7; do [ -e $$m ] && install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man7/ || true; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/uk
	rm -rf $(DESTDIR)$(PREFIX)/share/uk
	for m in man/*.1; do rm -f $(DESTDIR)$(PREFIX)/share/man/man1/$${m#man/}; done
	for m in man/*.5 man/*.7; do [ -e $$m ] && rm -f $(DESTDIR)$(PREFIX)/share/man/man$${m##*.}/$${m#man/} || true; done

lint:
	clang-format --dry-run --Werror $(LIB_SRCS) $(CLI_SRCS)
	cppcheck --quiet --error-exitcode=1 --std=c11 -Isrc src

clean:
	rm -rf bin build
	$(MAKE) -C runtime clean

FORCE:

-include $(OBJ_REL:.o=.d) $(OBJ_SANL:.o=.d) $(OBJ_SANC:.o=.d)
