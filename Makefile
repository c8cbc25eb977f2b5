# SPDX-License-Identifier: GPL-2.0
#
# vfio-ap-rs: build, test and run the Rust vfio_ap module.
#
#   make              the production module, build/prod/vfio_ap.ko
#   make testbed      the testbed modules, build/testbed/{vfio_ap,vfio_ap_sim}.ko
#   make demo         build everything, boot the s390x test VM, show the driver
#   make check        every test: host tests, lints, module builds, VM tests
#   make hosttest     the matrix core's cargo tests (x86_64 and s390x)
#   make bench        instruction counts of the matrix core (callgrind)
#   make model-long   the model-based property tests with 1,000,000 sequences
#   make lint         rustfmt, clippy (host crate and module), W=1
#   make vmtest       the guest tests of qemu/tests/ in the test VM
#   make vmtest T="20 21"
#                     only the tests whose names start with 20 or 21
#   make harness-test the test VM harness's own tests (it must catch failures)
#   make stress       the long forms of the reliability tests, with figures
#   make defect-proof the upstream-defect tests fail on builds with 7.3's bugs
#   make run-guest SCRIPT=path
#                     boot the test VM, run one script in it as root
#   make clean        remove build/ (the kernel cache stays)
#   make kernel-drop  remove the cached kernel source and builds
#
# With KDIR=<kernel build directory> the module is built against that tree
# (e.g. on a real s390x host) and nothing is installed or fetched.

SHELL := /bin/bash
REPO := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(REPO)/build

RUST_VERSION ?= 1.97.0
export RUSTUP_TOOLCHAIN := $(RUST_VERSION)
export LIBCLANG_PATH ?= /usr/lib/llvm-19/lib
export PATH := $(HOME)/.cargo/bin:$(PATH)

ifeq ($(origin KDIR),undefined)
# The cached kernel of scripts/kernel.sh; fetched and built on demand.
KDIR = $(shell $(REPO)/scripts/kernel.sh kdir)
KERNEL_DEP := kernel
else
KERNEL_DEP :=
endif

ifeq ($(shell uname -m),s390x)
CROSS_COMPILE ?=
else
CROSS_COMPILE ?= s390x-linux-gnu-
endif

KMAKE = $(MAKE) -C $(KDIR) M=$(REPO) ARCH=s390 CROSS_COMPILE=$(CROSS_COMPILE)
CARGO_ENV = CARGO_TARGET_DIR=$(BUILD)/cargo
CORE := $(REPO)/src/matrix

.PHONY: all module testbed harness-modules sim-test-modules client symbols deps kernel demo \
	check hosttest \
	bench model-long vmbench stress defect-proof defect-patches \
	hosttest-be lint fmt-check clippy-host module-lint vmtest harness-test \
	run-guest clean kernel-drop

all: module

deps:
	@$(REPO)/scripts/setup-deps.sh

kernel: deps
	@$(REPO)/scripts/kernel.sh build >/dev/null

module: $(KERNEL_DEP)
	@mkdir -p $(BUILD)/prod
	+$(KMAKE) MO=$(BUILD)/prod modules

testbed: $(KERNEL_DEP)
	@mkdir -p $(BUILD)/testbed
	+$(KMAKE) MO=$(BUILD)/testbed VFIO_AP_TESTBED=1 modules

# The guest-side VFIO client (src/tools/vfio-ap-client/README.md): a static
# s390x binary for the test VM, built by the toolchain with the s390x std.
.PHONY: client
client: deps
	cd $(REPO)/src/tools/vfio-ap-client && CARGO_TARGET_DIR=$(BUILD)/client/cargo \
		RUSTUP_TOOLCHAIN=$(BE_RUST_VERSION) \
		CARGO_TARGET_S390X_UNKNOWN_LINUX_GNU_LINKER=$(CROSS_COMPILE)gcc \
		RUSTFLAGS="-C target-feature=+crt-static" \
		cargo build --quiet --release --locked --target s390x-unknown-linux-gnu
	@install -m 0755 $(BUILD)/client/cargo/s390x-unknown-linux-gnu/release/vfio-ap-client \
		$(BUILD)/client/vfio-ap-client

# The real clients of the test VM, unchanged: trixie's mdevctl and
# s390-tools' lszcrypt, and ap-check built from s390-tools 2.35.0
# (scripts/guest-clients.sh): build/guest-clients/root.
.PHONY: guest-clients
guest-clients: deps
	@$(REPO)/scripts/guest-clients.sh

# Small modules that misbehave on purpose, to prove the harness notices.
harness-modules: $(KERNEL_DEP)
	@mkdir -p $(BUILD)/harness
	+$(MAKE) -C $(KDIR) M=$(REPO)/qemu/harness-test ARCH=s390 \
		CROSS_COMPILE=$(CROSS_COMPILE) MO=$(BUILD)/harness modules

# The simulator's own test driver, for the qemu/tests/1*-sim-*.sh tests.
sim-test-modules: testbed
	@mkdir -p $(BUILD)/sim-test
	+$(MAKE) -C $(KDIR) M=$(REPO)/qemu/sim-test ARCH=s390 \
		CROSS_COMPILE=$(CROSS_COMPILE) MO=$(BUILD)/sim-test \
		KBUILD_EXTRA_SYMBOLS=$(BUILD)/testbed/Module.symvers modules

# Optimised (the random model sequences run about 20 times faster), with
# the debug profile's checks kept: debug assertions and overflow checks on.
# A target directory of its own, so bench and model-long keep their builds.
TEST_ENV = CARGO_TARGET_DIR=$(BUILD)/cargo-test CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true \
	CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true

CLIENT := $(REPO)/src/tools/vfio-ap-client
CLIENT_ENV = CARGO_TARGET_DIR=$(BUILD)/client/cargo RUSTUP_TOOLCHAIN=$(BE_RUST_VERSION)

hosttest: deps
	cd $(CORE) && $(TEST_ENV) cargo test --release --quiet
	cd $(CLIENT) && $(CLIENT_ENV) cargo test --quiet --locked
	@$(MAKE) --no-print-directory hosttest-be

# The same tests on big-endian s390x under qemu-user (fewer random model
# sequences: emulation is slow, and byte order is what this run is for).
BE_RUST_VERSION ?= 1.95.0
hosttest-be:
	cd $(CORE) && $(TEST_ENV) RUSTUP_TOOLCHAIN=$(BE_RUST_VERSION) VFIO_AP_MODEL_CASES=300 \
		CARGO_TARGET_S390X_UNKNOWN_LINUX_GNU_LINKER=s390x-linux-gnu-gcc \
		CARGO_TARGET_S390X_UNKNOWN_LINUX_GNU_RUNNER="qemu-s390x -L /usr/s390x-linux-gnu" \
		cargo test --release --quiet --target s390x-unknown-linux-gnu

# The model-based property tests in long mode: 1,000,000 random sequences.
model-long: deps
	cd $(CORE) && $(CARGO_ENV) VFIO_AP_MODEL_CASES=1000000 cargo test --release --test model

# Not part of check: instruction counts against the reference model, with
# the targets of Documentation/benchmarks.md.
bench: deps
	$(REPO)/scripts/bench.sh

lint: fmt-check clippy-host module-lint defect-patches

# The broken builds of scripts/defect-proof.sh must still apply.
defect-patches:
	@$(REPO)/scripts/defect-proof.sh --check

# Not part of check: every upstream-defect regression test fails on a build
# with 7.3's behaviour put back (Documentation/upstream-defects.md).
defect-proof: module testbed sim-test-modules client
	@$(REPO)/scripts/defect-proof.sh $(N)

fmt-check:
	@files=$$(git -C $(REPO) ls-files --cached --others --exclude-standard '*.rs'); \
	rustfmt --edition 2021 --check $$files && echo "rustfmt: clean"

clippy-host:
	cd $(CORE) && $(CARGO_ENV) cargo clippy --quiet --all-targets -- -D warnings
	cd $(CLIENT) && $(CLIENT_ENV) cargo clippy --quiet --locked --all-targets -- -D warnings

# The module built the way the kernel's own gates build it: CLIPPY=1 and W=1,
# both flavours. The kernel itself is prebuilt, so every warning comes from
# our sources; scripts/check-build-log.sh fails on any but the kernel's own
# "unstable feature ... backchain" note that every s390 Rust object gets.
module-lint: $(KERNEL_DEP)
	@mkdir -p $(BUILD)/lint-prod $(BUILD)/lint-testbed
	+@$(KMAKE) MO=$(BUILD)/lint-prod CLIPPY=1 W=1 modules >$(BUILD)/lint-prod.log 2>&1 || \
		{ cat $(BUILD)/lint-prod.log; exit 1; }
	@$(REPO)/scripts/check-build-log.sh $(BUILD)/lint-prod.log
	+@$(KMAKE) MO=$(BUILD)/lint-testbed VFIO_AP_TESTBED=1 CLIPPY=1 W=1 modules \
		>$(BUILD)/lint-testbed.log 2>&1 || { cat $(BUILD)/lint-testbed.log; exit 1; }
	@$(REPO)/scripts/check-build-log.sh $(BUILD)/lint-testbed.log
	@echo "module-lint: no warnings (CLIPPY=1 W=1, production and testbed)"

GUEST = $(REPO)/qemu/run-guest.sh

# T="20 21" picks the tests whose file names start with 20 or 21.
VMTESTS = $(sort $(if $(T),$(foreach t,$(T),$(wildcard $(REPO)/qemu/tests/$(t)*.sh)), \
	$(wildcard $(REPO)/qemu/tests/*.sh)))

vmtest: module testbed sim-test-modules client guest-clients
	@test -n "$(VMTESTS)" || { echo "vmtest: no test in qemu/tests/ matches T=$(T)"; exit 2; }
	$(REPO)/qemu/run-tests.sh $(VMTESTS)

# Not part of check: the long forms of the tests that have one ("# vmtest:
# long"), then their figures (lines "figure: ..."). T= picks as for vmtest.
STRESSTESTS = $(shell grep -l '^\# vmtest: long' $(VMTESTS) /dev/null 2>/dev/null)
stress: module testbed sim-test-modules client guest-clients
	@test -n "$(STRESSTESTS)" || { echo "stress: no test with a long form matches T=$(T)"; exit 2; }
	@status=0; $(REPO)/qemu/run-tests.sh --long --logs $(BUILD)/stress $(STRESSTESTS) || status=$$?; \
		$(REPO)/scripts/stress-figures.sh $(BUILD)/stress $(STRESSTESTS); exit $$status

# Not part of check: the driver's cost per event in the test VM, against the
# simulator's dummy driver in the same boot (Documentation/benchmarks.md).
# VMBENCH_SIZES=16,64,256 for more sizes.
VMBENCH_SIZES ?= 16,64
vmbench: testbed sim-test-modules
	@mkdir -p $(BUILD)
	VM_TIMEOUT=$${VM_TIMEOUT:-3600} $(GUEST) --quiet --log $(BUILD)/vmbench.log \
		--append "vmbench.sizes=$(VMBENCH_SIZES)" $(REPO)/qemu/bench/vmbench.sh
	@$(REPO)/scripts/vmbench-table.sh $(BUILD)/vmbench.log

harness-test: harness-modules testbed
	$(REPO)/qemu/harness-test/run.sh

run-guest: testbed guest-clients
	@test -n "$(SCRIPT)" || { echo "usage: make run-guest SCRIPT=path/to/script.sh"; exit 2; }
	$(GUEST) $(SCRIPT)

demo: deps module testbed client guest-clients
	$(GUEST) $(REPO)/qemu/demo.sh

# The production module calls the real KVM, VFIO and AP bus functions; the
# testbed module gets the machine from the simulator.
symbols: module testbed
	@$(REPO)/scripts/check-symbols.sh $(BUILD)/prod/vfio_ap.ko $(BUILD)/testbed/vfio_ap.ko

# Every stage in turn (scripts/check.sh): one line each with its duration,
# a stage's output only when it fails (all of it in build/check/).
check:
	@MAKE="$(MAKE)" $(REPO)/scripts/check.sh

clean:
	rm -rf $(BUILD)

kernel-drop:
	$(REPO)/scripts/kernel.sh drop
