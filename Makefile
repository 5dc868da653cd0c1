# The two commands a new user needs (see README.md):
#   make run   installs what is missing, builds in Release and starts the daemon
#              (NOW=2026-11-23T09:55:00+02:00 starts its clock at that instant)
#   make test  installs what is missing, builds with ASan/UBSan (-O0, quick to compile) and
#              runs every test, then the unit suite again under ThreadSanitizer
#   make deb   installs what is missing and builds build/deb/cxgate_<version>_amd64.deb
#              (README.md, "Deploying with systemd"), checked by lintian
JOBS ?= $(shell nproc)

.PHONY: run test build deps test-deps deb deb-deps bench clean format

deps:
	scripts/install-deps

test-deps:
	scripts/install-deps --test

deb-deps:
	scripts/install-deps --deb

build: deps
	cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DCXGATE_BUILD_TESTS=OFF
	cmake --build build/release -j$(JOBS) --target cxgate

deb: deb-deps
	JOBS=$(JOBS) scripts/build-deb build/deb

run: build
	NOW='$(NOW)' scripts/run-dev

test: test-deps
	cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Debug -DCXGATE_SANITIZE=ON -DCXGATE_UNITY=ON
	cmake --build build/test -j$(JOBS)
	cd build/test && ctest --output-on-failure --timeout 900
	cmake -S . -B build/tsan -DCMAKE_BUILD_TYPE=Debug -DCXGATE_TSAN=ON -DCXGATE_UNITY=ON
	cmake --build build/tsan -j$(JOBS) --target cxgate_unit_tests
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 build/tsan/tests/cxgate_unit_tests

# Every benchmark on a Release build, each figure printed beside its target (README.md,
# "Benchmarks"). Never part of `make test` or CI: timings on a shared machine are not tests.
bench: test-deps
	cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DCXGATE_BUILD_TESTS=OFF
	cmake --build build/release -j$(JOBS)
	bench/ingest build/release
	bench/dispatch build/release
	build/release/bench/bench_reports
	bench/events build/release
	bench/scale build/release
	bench/kannel build/release

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf build
