# xdpwire: build, test, demo.  `make V=1` shows the commands.
#
#   make            ./xdpwire and its man pages (man -l build/man/xdpwire.8)
#   make deps       install the Debian packages the build and tests need
#   make check      deps, build, C unit tests, bats tests; ends "N passed, N failed"
#   make check SAN=1  the same tests against an ASan+UBSan build (build/san/)
#   make deb        the Debian package, build/deb/xdpwire_<version>_<arch>.deb
#   make lint-deb   lintian on it: no error
#   make image      the node agent's container image (podman; deploy/image/)
#   make demo       the redirect on a throwaway namespace test bed
#   make demo-tunnel  the tunnel (NIC <-> sandbox veth) on one
#   make bench      benchmarks against the anchor tools; table + tests/bench/results.json
#   make lint       clang-format, cppcheck, and the C objects at every -O level
#   make fuzz       the libFuzzer harnesses, FUZZ_SECONDS (600) each
#   make install    PREFIX=/usr/local (DESTDIR, UNITDIR honoured); make uninstall undoes it

.DELETE_ON_ERROR:
.SECONDARY:
.SUFFIXES:

CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
# The busybox-style links: a runtime calls them by path, and names as
# generic as `status` or `scrape` stay out of PATH (as git's git-core).
LIBEXECDIR ?= $(PREFIX)/libexec/xdpwire
DATADIR ?= $(PREFIX)/share/xdpwire
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# systemd's units; the Debian package gives /lib/systemd/system, where
# bookworm's debhelper looks for them.
UNITDIR ?= $(PREFIX)/lib/systemd/system

BUILD := build
XW_BIN := xdpwire
# SAN=1: AddressSanitizer (with LeakSanitizer) and UBSan in a build of its
# own, build/san/, so its objects never mix with a normal build's.  The
# third-party libraries stay static and uninstrumented.  Only our code
# (the binary, its objects, the unit tests) is instrumented, not test
# helpers.  Built by clang (its sanitizer runtime linked in statically):
# gcc 12's UBSan ignores log_path beside ASan, and tests/run needs every
# report in a file, not on a stderr a test may expect to be non-empty.
SAN_CC ?= clang
ifeq ($(SAN),1)
CC := $(SAN_CC)
BUILD := build/san
XW_BIN := $(BUILD)/xdpwire
# Not a lint build (make lint is gcc's): clang's -Wextra also wants every
# field of a positional initialiser, which gcc and the style do not.
SAN_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Wno-missing-field-initializers
endif
# Where the BPF skeletons are; build-matrix's builds share the main one's.
SKEL_BUILD := $(BUILD)
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' $(1) $(2);
endif

CFLAGS ?= -O2 -g
XW_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -MMD -MP -iquote common -iquote . \
	-I$(BUILD) -I$(SKEL_BUILD) $(shell $(PKG_CONFIG) --cflags libnl-route-3.0 json-c 2>/dev/null)
# Third-party libraries are linked in statically: one binary to copy to a
# node, and no dynamic loading on every (frequent, latency-bound) run.
# LINK=shared links Debian's shared libraries instead, for the Debian
# package (debian/rules): their security updates then reach xdpwire, and
# lintian rejects embedded copies (zlib's) as an error.
LINK ?= static
ifeq ($(LINK),shared)
XW_LDLIBS := -Wl,--as-needed \
	$(shell $(PKG_CONFIG) --libs libbpf libnl-route-3.0 json-c 2>/dev/null) -lpthread -lm
else
XW_LDLIBS := -Wl,-Bstatic -lbpf -lnl-route-3 -lnl-3 -ljson-c -lelf -lz \
	-Wl,-Bdynamic -lpthread -lm
endif

BPF_SRCS := $(wildcard bpf/*.bpf.c)
SKELS := $(patsubst bpf/%.bpf.c,$(SKEL_BUILD)/%.skel.h,$(BPF_SRCS))
COMMON_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard common/*/*.c))
CMD_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard cmd/*.c))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
HELPERS := $(BUILD)/tests/xw-xsk-recv $(BUILD)/tests/xw-netprobe $(BUILD)/tests/xw-link-swap \
	$(BUILD)/tests/pass.bpf.o $(BUILD)/tests/xw-runtime-wire \
	$(BUILD)/tests/runtime_veth.bpf.o $(BUILD)/tests/xw-legacy-host \
	$(BUILD)/tests/tunnel_host_v1.bpf.o $(BUILD)/tests/xw-attach-fail
# make bench's own programs: tests/bench/NAME.c -> build/tests/bench/xw-NAME,
# linked like xdpwire (its skeletons, static libbpf), so a floor built here
# pays exactly what xdpwire pays; tests/bench/NAME.bpf.c -> NAME.bpf.o.
BENCH_BPF_SRCS := $(wildcard tests/bench/*.bpf.c)
BENCH_SRCS := $(filter-out $(BENCH_BPF_SRCS),$(wildcard tests/bench/*.c))
BENCH_BINS := $(patsubst tests/bench/%.c,$(BUILD)/tests/bench/xw-%,$(BENCH_SRCS)) \
	$(patsubst tests/bench/%.bpf.c,$(BUILD)/tests/bench/%.bpf.o,$(BENCH_BPF_SRCS))
MAN_SRCS := $(wildcard man/*.rst)
MANS := $(patsubst man/%.rst,$(BUILD)/man/%,$(MAN_SRCS))
# The command names, read from the source (XW_COMMANDS in cmd/xdpwire.c),
# not from a run of the binary, which a cross build cannot run.
COMMANDS := $(shell sed -n '/^\#define XW_COMMANDS/,/^$$/p' cmd/xdpwire.c | \
	grep -o 'row([a-z_]*)' | sed -e 's/^row(//' -e 's/)$$//' -e 's/_/-/g')

all: $(XW_BIN) man

$(XW_BIN): $(CMD_OBJS) $(COMMON_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN_CFLAGS) $(LDFLAGS) -o $@ $^ $(XW_LDLIBS)

# The version is a header that changes only when the version does, so a
# commit does not rebuild everything and a stale binary cannot lie.
# VERSION is the one place the version is written; built from a git tree,
# the commit is appended as semver build metadata: 0.2.0+g3c2452f-dirty.
# Tags are ignored (--exclude): they must not make a second version.
GIT_COMMIT := $(shell git describe --always --dirty --exclude='*' 2>/dev/null)
VERSION := $(shell cat VERSION)$(if $(GIT_COMMIT),+g$(GIT_COMMIT))
$(BUILD)/version.h: FORCE | $(BUILD)
	$(Q)echo '#define XW_VERSION "$(VERSION)"' > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/common/cli/version.o: $(BUILD)/version.h
$(BUILD)/common/cli/version.o: XW_EXTRA := -include $(BUILD)/version.h

$(BUILD)/%.o: %.c | $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(XW_CFLAGS) $(SAN_CFLAGS) $(XW_EXTRA) -c $< -o $@

# BPF: clang -> bpftool gen object (BTF fixups) -> bpftool gen skeleton.
# One recipe for every BPF object, wherever its source is: bpf/NAME.bpf.c
# -> build/NAME.bpf.o (and its skeleton), tests/helpers/ -> build/tests/,
# tests/bench/ -> build/tests/bench/.  -MT: the dependencies are the
# object's, not those of the compiler's output before bpftool links it.
BPF_CFLAGS := -g -O2 --target=bpf -D__TARGET_ARCH_$(ARCH) \
	$(if $(MULTIARCH),-I/usr/include/$(MULTIARCH)) -Ibpf -Wall -Werror
define BPF_OBJECT_RULE
$(1)/%.bpf.o: $(2)/%.bpf.c
	$$(call msg,CLANG,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CLANG) $$(BPF_CFLAGS) -MMD -MP -MF $$(@:.o=.d) -MT $$@ \
		-c $$< -o $$(@:.o=.tmp.o)
	$$(Q)$$(BPFTOOL) gen object $$@ $$(@:.o=.tmp.o)
	$$(Q)rm -f $$(@:.o=.tmp.o)
endef
$(eval $(call BPF_OBJECT_RULE,$(BUILD),bpf))
$(eval $(call BPF_OBJECT_RULE,$(BUILD)/tests,tests/helpers))
$(eval $(call BPF_OBJECT_RULE,$(BUILD)/tests/bench,tests/bench))

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,GENSKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

$(BUILD):
	$(Q)mkdir -p $@

# Tests: C unit tests (cmocka) over common/, and helpers for the bats tests.
$(BUILD)/tests/test_%: tests/unit/test_%.c $(COMMON_OBJS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(XW_CFLAGS) $(SAN_CFLAGS) -Itests/unit -o $@ $< \
		$(COMMON_OBJS) $(XW_LDLIBS) -lcmocka

$(BUILD)/tests/xw-xsk-recv: tests/helpers/xsk_recv.c tests/helpers/fd_holder.c \
		tests/helpers/fd_holder.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(XW_CFLAGS) -o $@ $(filter %.c,$^) \
		$(shell $(PKG_CONFIG) --cflags --libs libxdp libbpf)

$(BUILD)/tests/xw-runtime-wire: tests/helpers/runtime_wire.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(XW_CFLAGS) -o $@ $< \
		$(shell $(PKG_CONFIG) --cflags --libs libbpf)

$(BUILD)/tests/xw-attach-fail: tests/helpers/attach_fail.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(XW_CFLAGS) -o $@ $< \
		$(shell $(PKG_CONFIG) --cflags --libs libbpf)

$(BUILD)/tests/xw-legacy-host: tests/helpers/legacy_host.c bpf/xw_abi.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(XW_CFLAGS) -o $@ $< \
		$(shell $(PKG_CONFIG) --cflags --libs libbpf)

$(BUILD)/tests/xw-link-swap: tests/helpers/link_swap.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(XW_CFLAGS) -o $@ $< \
		$(shell $(PKG_CONFIG) --cflags --libs libbpf)

$(BUILD)/tests/xw-netprobe: tests/helpers/netprobe.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(XW_CFLAGS) -o $@ $<

# The data-path receiver holds AF_XDP sockets as xw-xsk-recv does: libxdp.
$(BUILD)/tests/bench/xw-sockrecv: tests/bench/sockrecv.c tests/helpers/fd_holder.c \
		tests/helpers/fd_holder.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(XW_CFLAGS) -Itests/helpers -o $@ $(filter %.c,$^) \
		$(shell $(PKG_CONFIG) --cflags --libs libxdp libbpf)

$(BUILD)/tests/bench/xw-%: tests/bench/%.c $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(XW_CFLAGS) -o $@ $< $(XW_LDLIBS)

# The man pages name installed paths (the links', the schemas'), so
# they are built again when those change, as version.h is for the version.
$(BUILD)/install-dirs: FORCE | $(BUILD)
	$(Q)echo '$(SBINDIR) $(LIBEXECDIR) $(DATADIR) $(UNITDIR)' > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/man/%: man/%.rst $(BUILD)/install-dirs
	$(call msg,MAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)sed -e 's/^:Version: .*/:Version: xdpwire $(VERSION)/' \
		-e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' \
		-e 's|@DATADIR@|$(DATADIR)|g' -e 's|@UNITDIR@|$(UNITDIR)|g' $< | \
		rst2man --halt=warning > $@

man: $(MANS)

# libFuzzer harnesses: tests/fuzz/fuzz_NAME.c -> build/fuzz/fuzz_NAME, built
# by clang with the sanitizers from the common/ sources each one names
# below (not build/'s objects, which are built without them), linked
# dynamically.  tests/run runs each for a few seconds; make fuzz for longer.
FUZZ_CC ?= clang
FUZZ_CFLAGS := -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -iquote common -iquote . \
	$(shell $(PKG_CONFIG) --cflags libnl-route-3.0 json-c 2>/dev/null)
FUZZ_LDLIBS := $(shell $(PKG_CONFIG) --libs libnl-route-3.0 json-c 2>/dev/null)
FUZZERS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 600

$(BUILD)/fuzz/fuzz_json_text: common/core/json.c
$(BUILD)/fuzz/fuzz_names: common/net/ifname.c common/core/path.c
$(BUILD)/fuzz/fuzz_nl_objects: common/net/nladdr.c
$(BUILD)/fuzz/fuzz_options: common/core/parse.c common/pins/xdp_mode.c
$(BUILD)/fuzz/fuzz_route_msg: common/scrape/route_msg.c

# One compiler run over several sources: no -MMD, every header instead.
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard common/*/*.h)
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) $(FUZZ_LDLIBS)

fuzz: deps
	$(Q)$(MAKE) --no-print-directory $(FUZZERS)
	$(Q)XW_BUILD=$(BUILD) XW_FUZZ_SECONDS=$(FUZZ_SECONDS) XW_FUZZ_KEEP=1 \
		tests/fuzz/run

# tests/70-bench-tools.bats checks every bench tool, so make check builds them.
tests: $(XW_BIN) $(UNIT_TESTS) $(HELPERS) $(MANS) $(BENCH_BINS) $(FUZZERS)

# Debian packages for build and tests, installed only when missing.
DEB_PACKAGES := make gcc clang llvm bpftool pkg-config libbpf-dev \
	libxdp-dev xdp-tools libnl-3-dev libnl-route-3-dev libjson-c-dev \
	libelf-dev zlib1g-dev libcmocka-dev bats mandoc python3-docutils jq \
	iproute2 util-linux ethtool python3-jsonschema clang-format cppcheck \
	libclang-rt-14-dev strace
DEB_PACKAGES += dpkg-dev debhelper fakeroot lintian mmdebstrap man-db  # make deb, tests/81-package.bats
DEB_PACKAGES += systemd podman  # tests/82-units.bats (mmdebstrap above)
DEB_PACKAGES += python3-kubernetes  # tests/83-image.bats: the manifests' schema check
DEB_PACKAGES += python3-prometheus-client  # tests/47-metrics.bats: a real parser of status --metrics
DEB_PACKAGES += iperf3  # make bench 60-host-traffic and tests/72-bench-host.bats: host TCP throughput
deps:
	$(Q)tests/lib/install-deps $(DEB_PACKAGES)

# make deb: the Debian package, built by dpkg-buildpackage in a copy of the
# tracked sources (git ls-files; outside git, the tree less build/), never
# in this tree: debian/rules clean runs make clean, which would delete
# build/ under running tests.  New files reach the package once `git add`ed.
# GIT_CEILING_DIRECTORIES: the copy lies inside this git tree, and its
# version must not be this tree's commit (nor -dirty).
DEB_DIR := build/deb
DEB_VERSION = $(shell dpkg-parsechangelog -l debian/changelog -S Version)
DEB_ARCH = $(shell dpkg-architecture -q DEB_HOST_ARCH)
DEB = $(DEB_DIR)/xdpwire_$(DEB_VERSION)_$(DEB_ARCH).deb
DEB_SRC_FILES = $(shell git ls-files 2>/dev/null || \
	find . \( -path ./build -o -path ./$(XW_BIN) \) -prune -o -type f -printf '%P\n')
DEB_COPY = $(DEB_DIR)/src/xdpwire-$(shell cat VERSION)

deb:
	$(Q)$(MAKE) --no-print-directory -s $(DEB)

$(DEB_DIR)/xdpwire_%.deb: $(wildcard $(DEB_SRC_FILES))
	$(call msg,DEB,$@)
	$(Q)rm -rf $(DEB_DIR)/src && mkdir -p $(DEB_COPY)
	$(Q)printf '%s\n' $(DEB_SRC_FILES) | tar -cf - --verbatim-files-from -T - | \
		tar -xf - -C $(DEB_COPY)
	$(Q)cd $(DEB_COPY) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		GIT_CEILING_DIRECTORIES=$(abspath $(DEB_DIR)/src) \
		dpkg-buildpackage -us -uc -b $(if $(filter 1,$(V)),,>../build.log 2>&1) || \
		{ tail -n 40 ../build.log >&2; exit 1; }
	$(Q)mv $(DEB_DIR)/src/xdpwire*_$(DEB_VERSION)_* $(DEB_DIR)/

lint-deb: deb
	$(Q)lintian --fail-on error --tag-display-limit 0 $(DEB)

# make image: the node agent's container image, from the .deb and Debian's
# packages only (deploy/image/build), as IMAGE in podman's store; PODMAN
# is the podman command line (a store of its own: PODMAN="podman --root
# DIR").  Its root file system is kept in build/image/ for the next run.
IMAGE ?= xdpwire-agent:$(shell cat VERSION)
image: deb
	$(Q)deploy/image/build $(IMAGE) $(DEB)

# tests/run is told which build to test (XW_BUILD, XW_BIN, XW_SAN); it
# runs nothing of make's, so SAN=1 reaches no make a test runs.
check: deps
	$(Q)$(MAKE) --no-print-directory tests
	$(Q)XW_BUILD=$(BUILD) XW_BIN=$(XW_BIN) XW_SAN=$(SAN) tests/run

# Each demo may be the first command on a fresh machine: deps first, then a
# make of its own that reads the flags of the libraries deps installed.
demo: deps
	$(Q)$(MAKE) --no-print-directory xdpwire $(HELPERS)
	$(Q)tests/demo

demo-tunnel: deps
	$(Q)$(MAKE) --no-print-directory xdpwire $(HELPERS)
	$(Q)tests/demo-tunnel

# Not part of check: minutes long, and figures, not verdicts.
bench: deps
	$(Q)$(MAKE) --no-print-directory xdpwire $(HELPERS) $(BENCH_BINS)
	$(Q)tests/bench/run

LINT_SRCS := $(wildcard bpf/*.c bpf/*.h cmd/*.c cmd/*.h common/*/*.c common/*/*.h \
	tests/unit/*.c tests/unit/*.h tests/helpers/*.c tests/bench/*.c \
	tests/fuzz/*.c)
# gcc's -Wformat-truncation and friends see different things at each
# optimisation level, so -Werror must hold at every level CI or a
# packager may use: the C objects only (fast), into build/O<n>.
OPT_LEVELS := 0 1 2 3
objs: $(CMD_OBJS) $(COMMON_OBJS)

build-matrix: $(SKELS)
	$(Q)for o in $(OPT_LEVELS); do \
		$(MAKE) --no-print-directory BUILD=$(BUILD)/O$$o \
			SKEL_BUILD=$(BUILD) CFLAGS="-O$$o -g" objs || exit; \
	done

lint: build-matrix
	$(Q)clang-format --dry-run --Werror $(LINT_SRCS)
	$(Q)cppcheck --quiet --error-exitcode=1 --std=c11 --inline-suppr \
		--enable=warning,performance,portability \
		--library=tests/lib/cppcheck.cfg --suppress=missingIncludeSystem \
		--suppress=arithOperationsOnVoidPointer \
		-D__linux__ -I$(BUILD) -Icommon -I. cmd common tests/unit tests/helpers tests/bench \
		tests/fuzz bpf

UNITS := $(wildcard deploy/systemd/xdpwire-*)
# Examples, not /etc files: /etc/xdpwire/ stays the admin's (no conffiles).
UNIT_EXAMPLES := $(wildcard deploy/systemd/examples/*.env)
INSTALLED := $(SBINDIR)/xdpwire $(addprefix $(LIBEXECDIR)/,$(COMMANDS)) \
	$(DATADIR)/scrape.schema.json $(DATADIR)/status.schema.json \
	$(BASHCOMPDIR)/xdpwire \
	$(addprefix $(MANDIR)/man8/,$(notdir $(MANS))) \
	$(addprefix $(UNITDIR)/,$(notdir $(UNITS))) \
	$(addprefix $(DATADIR)/examples/,$(notdir $(UNIT_EXAMPLES)))
# Directories uninstall removes when it leaves them empty, deepest first;
# never PREFIX itself nor anything above it, nor a top-level directory
# (UNITDIR=/lib/systemd/system: /lib may be a link).
INSTALL_DIRS := $(LIBEXECDIR) $(DATADIR)/examples $(DATADIR) $(BASHCOMPDIR) \
	$(PREFIX)/share/bash-completion $(MANDIR)/man8 $(MANDIR) $(SBINDIR) \
	$(UNITDIR) $(patsubst %/,%,$(dir $(UNITDIR))) \
	$(PREFIX)/libexec $(PREFIX)/share $(PREFIX)/lib

# Each link is relative, so a tree laid down under DESTDIR or moved as a
# whole still runs.
install: $(XW_BIN) $(MANS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBEXECDIR) \
		$(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(DATADIR)/examples
	install -m 0755 $(XW_BIN) $(DESTDIR)$(SBINDIR)/xdpwire
	for c in $(COMMANDS); do \
		ln -sfn "$$(realpath -m --relative-to=$(LIBEXECDIR) $(SBINDIR)/xdpwire)" \
			$(DESTDIR)$(LIBEXECDIR)/$$c || exit; \
	done
	install -m 0644 man/xdpwire-scrape.schema.json $(DESTDIR)$(DATADIR)/scrape.schema.json
	install -m 0644 man/xdpwire-status.schema.json $(DESTDIR)$(DATADIR)/status.schema.json
	install -m 0644 $(MANS) $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 completion/xdpwire.bash $(DESTDIR)$(BASHCOMPDIR)/xdpwire
	# The units name the binary by the package's path; another PREFIX's.
	for u in $(UNITS); do \
		sed 's|/usr/sbin/xdpwire|$(SBINDIR)/xdpwire|g' "$$u" \
			>$(DESTDIR)$(UNITDIR)/$${u##*/} && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$${u##*/} || exit; \
	done
	install -m 0644 $(UNIT_EXAMPLES) $(DESTDIR)$(DATADIR)/examples/

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	for d in $(INSTALL_DIRS); do \
		[ ! -d "$(DESTDIR)$$d" ] || rmdir --ignore-fail-on-non-empty "$(DESTDIR)$$d"; \
	done

clean:
	rm -rf $(BUILD) $(XW_BIN) xdpwire

FORCE:

.PHONY: all man tests deps check objs build-matrix demo demo-tunnel bench fuzz lint install \
	uninstall deb lint-deb image clean FORCE

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
