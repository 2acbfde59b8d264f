# Fieldbench: `make run` starts the app on demo data, `make test` runs every
# test. Both install what they need on Debian first (make setup).
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(HOME)/go/bin:$(PATH)
export GOTOOLCHAIN := local
# Golden markup and translations are checked in English unless a test picks
# a language itself.
export LANG := en_US.UTF-8

GO ?= go
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# System packages: a C compiler and GL/X headers to build Fyne, Xvfb for
# screenshots, a CJK font so Chinese renders, ImageMagick to take screenshots,
# xdotool to tap the app under Xvfb (make screenshots, make bench-ui),
# x11-apps for xwd's quick captures (make bench-ui), PostgreSQL for the
# central service's tests (sync/central/pgtest starts its own servers; the
# package's service is not used), poppler-utils for the report's tests
# (pdftotext, pdftoppm, pdffonts, pdfimages read the PDFs back), chromium
# for the office console's end-to-end tests and screenshots (cmd/central/e2e,
# make console-screenshots drive it headless with chromedp; Debian's build,
# as nothing may be downloaded at run time).
APT_PACKAGES := gcc libgl1-mesa-dev xorg-dev xvfb fonts-noto-cjk imagemagick xdotool x11-apps postgresql poppler-utils chromium
BARCODE_TESTDATA ?= ../shared/testdata/barcodes/zxing-blackbox
BENCHTIME ?= 1x
# make test's race runs: no checkptr in modernc's packages (see test).
RACE_GCFLAGS ?= -gcflags=modernc.org/...=-d=checkptr=0

.PHONY: setup run test test-race bench bench-ui driver-floor accuracy fuzz sim vet build build-demo screenshots console-screenshots clean conformance examples parts-backtest

setup:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@$(GO) version >/dev/null || { echo "Go is missing: install Go 1.26 from https://go.dev/dl/"; exit 1; }
	$(GO) mod download

# bin/fieldbench is the technician's binary: no demo service, no central
# service linked. bin/fieldbench-demo adds the demo (-tags demo), as make
# run does, for the screenshots.
build: setup
	$(GO) build -o bin/fieldbench .

build-demo: setup
	$(GO) build -tags demo -o bin/fieldbench-demo .

run: setup
	$(GO) run -tags demo . -demo

vet: setup
	$(GO) vet ./...
	$(GO) vet -tags demo .
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi

test: vet
	# Includes the black-box conformance suite (./cmd/central/conformance):
	# the built central service over HTTP, on SQLite and on a PostgreSQL it
	# starts with sync/central/pgtest; and the office console's end-to-end
	# tests (./cmd/central/e2e) in Debian's headless Chromium. The ui
	# package's suite takes 5 to 7 minutes alone on a 2-core machine, and
	# went past go test's default 10 minutes beside the 1,000-seed
	# simulation (December 2026): each package gets 25.
	$(GO) test -count=1 -timeout 25m ./...
	# The simulation again, deeper: at 300 steps a world lives long enough
	# for a backup, reassignments and a restore to meet (issue 10's
	# defects 8 and 9 took 120 to 300). 0.3 to 0.6 s of one core a seed.
	$(GO) test -count=1 -timeout 20m -run 'TestSimulation$$' ./sync/simulation/ -seeds $(SIM_DEEP_SEEDS) -steps 300
	# The race detector over the layers with goroutines and shared state.
	# -race also turns on checkptr, which checks every unsafe.Pointer
	# conversion: in modernc's SQLite and libc (C translated to Go, not
	# ours) that was a third of the race run's CPU, so RACE_GCFLAGS turns
	# it off there only; the race detector still watches their memory, and
	# checkptr stays on for our code and the standard library. Under the
	# detector store's single-goroutine sweeps check a sample
	# (store/race_test.go); the run above checks them in full. store's
	# tests took 885 s under it in CI in December 2026, so it gets 25
	# minutes; since then 90 s of CPU on a 2-core machine (from 700).
	$(GO) test -count=1 -race $(RACE_GCFLAGS) -timeout 25m ./app/... ./store/... ./sync/ ./sync/central/
	$(GO) test -count=1 -race $(RACE_GCFLAGS) -run 'Engine|Revoked|Forced|TwoInstances' ./sync/simulation/
	# Once more with the tag `fyne build` adds for fyneDo = true, so the
	# UI tests run the shipping code path.
	$(GO) test -count=1 -timeout 25m -tags migrated_fynedo ./ui/...

# The black-box conformance suite alone: it builds cmd/central, runs it on
# SQLite and on PostgreSQL, and talks to it over HTTP only (docs/PROTOCOL.md).
conformance: setup
	$(GO) test -count=1 ./cmd/central/conformance/

bench: setup
	$(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) -benchmem ./...

# The commit floor of the design card's SQLite driver against cgo SQLite
# (issue 16, docs/BENCHMARKS.md "The design's ceiling"). Its own module:
# the app never links cgo SQLite.
driver-floor:
	cd cmd/driverfloor && $(GO) run . -n 3000

# Start-up and memory of the terminal against a bare Fyne list (issue 5),
# each app started RUNS times under one Xvfb; see docs/BENCHMARKS.md.
RUNS ?= 5
bench-ui: build
	$(GO) build -o bin/uifloor ./cmd/uifloor
	$(GO) run ./cmd/uibench -runs $(RUNS) -bin bin/fieldbench -floor bin/uifloor

# The README's screenshots: phone, tablet and desktop, English and Chinese,
# each on its own Xvfb (about a minute: each language's first start creates
# and syncs the demo world).
screenshots: build-demo
	$(GO) run ./cmd/screenshots -out docs/screenshots -bin bin/fieldbench-demo

# The office console's pages at 1280x800 and 720x1280, in English and
# Chinese, as docs/screenshots/console-<page>-<lang>-<size>.png: the demo's
# central service with app/demo's world, in headless Chromium.
console-screenshots: setup
	$(GO) run ./cmd/consoleshots -out docs/screenshots

# The example documents of docs/examples, from the demo world on a fixed
# clock: the service report in English, Chinese, French, Spanish and
# Portuguese (four photos, a signature), an intake receipt, a payment
# receipt, a return's label and packing list, and the claims export (CSV,
# ZIP) of a central service run in process. go test ./cmd/examples fails
# while the committed ones are stale.
examples: setup
	$(GO) run ./cmd/examples -out docs/examples

accuracy: setup
	BARCODE_TESTDATA="$(abspath $(BARCODE_TESTDATA))" $(GO) run ./cmd/accuracy

# Issue 15's backtest of the parts planning on a demo world (18 months of
# training, 6 of test): availability, likely-parts hit rates, MASE, as
# Markdown (docs/BENCHMARKS.md, "Parts: backtest"). Seconds; not part of
# make test. PARTS_BACKTEST_FLAGS passes -seed, -json or another size.
parts-backtest: setup
	$(GO) run ./cmd/partsbacktest $(PARTS_BACKTEST_FLAGS)

# The sync simulation over more seeds than make test runs (200 at 80
# steps, SIM_DEEP_SEEDS at 300): make sim SEEDS=10000 STEPS=300. A failure
# prints the command that replays it (-seed and -steps).
SEEDS ?= 2000
STEPS ?= 120
SIM_DEEP_SEEDS ?= 400
sim: setup
	$(GO) test -count=1 -timeout 0 -run 'TestSimulation$$' ./sync/simulation/ -seeds $(SEEDS) -steps $(STEPS)

FUZZTIME ?= 30s
fuzz: setup
	$(GO) test -run '^$$' -fuzz FuzzDecodeMutation -fuzztime $(FUZZTIME) ./app/
	$(GO) test -run '^$$' -fuzz FuzzSyncRequest -fuzztime $(FUZZTIME) ./sync/central/
	$(GO) test -run '^$$' -fuzz FuzzUnmarshalColumns -fuzztime $(FUZZTIME) ./sync/
	$(GO) test -run '^$$' -fuzz FuzzAdminRequest -fuzztime $(FUZZTIME) ./sync/central/
	$(GO) test -run '^$$' -fuzz FuzzParseCursor -fuzztime $(FUZZTIME) ./sync/central/
	$(GO) test -run '^$$' -fuzz FuzzImportCSV -fuzztime $(FUZZTIME) ./sync/central/
	$(GO) test -run '^$$' -fuzz FuzzPhotoMetadata -fuzztime $(FUZZTIME) ./sync/central/
	$(GO) test -run '^$$' -fuzz FuzzUploadAnswer -fuzztime $(FUZZTIME) ./sync/
	$(GO) test -run '^$$' -fuzz FuzzExifOrientation -fuzztime $(FUZZTIME) ./store/
	$(GO) test -run '^$$' -fuzz FuzzSerialRules -fuzztime $(FUZZTIME) ./scanner/
	$(GO) test -run '^$$' -fuzz FuzzInterpret -fuzztime $(FUZZTIME) ./scanner/
	$(GO) test -run '^$$' -fuzz FuzzParseLabel -fuzztime $(FUZZTIME) ./scanner/
	$(GO) test -run '^$$' -fuzz FuzzParseGS1 -fuzztime $(FUZZTIME) ./scanner/
	$(GO) test -run '^$$' -fuzz FuzzDecodeBytes -fuzztime $(FUZZTIME) ./scanner/
	$(GO) test -run '^$$' -fuzz FuzzQRReaderFalseAlignment -fuzztime $(FUZZTIME) ./scanner/
	$(GO) test -run '^$$' -fuzz FuzzITFRow -fuzztime $(FUZZTIME) ./scanner/
	$(GO) test -run '^$$' -fuzz FuzzOpaqueRow -fuzztime $(FUZZTIME) ./scanner/
	$(GO) test -run '^$$' -fuzz FuzzWrap -fuzztime $(FUZZTIME) ./report/
	$(GO) test -run '^$$' -fuzz FuzzDecodeStrokes -fuzztime $(FUZZTIME) ./app/

clean:
	rm -rf bin
