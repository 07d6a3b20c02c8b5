#!/usr/bin/env bash
# Fuzz the email validator (src/email.c) outside the server with libFuzzer,
# AddressSanitizer and UndefinedBehaviorSanitizer: builds test/fuzz/ with
# clang, writes a seed corpus, runs RUNS inputs and prints the figures.
# test/fuzz/email_fuzz.c says what every input is checked against; any
# disagreement or sanitizer report stops the run with a crash file.
# Not part of make test or CI.
#
#   bash test/fuzz/run.sh [RUNS, default 10000000] [more libFuzzer options]
#
# Environment: FUZZ_OUT (work directory, default /tmp/cowork-email-fuzz),
# FUZZ_SEED (libFuzzer's -seed; random by default), FUZZ_KEEP_CORPUS=1 (go
# on from the last run's corpus instead of the seeds alone), CC (clang).
#
# Everything it writes is under FUZZ_OUT: the binaries, seeds/, corpus/,
# artifacts/ (crash files), fuzz.log.  To replay a crash file:
#   $FUZZ_OUT/email_fuzz $FUZZ_OUT/artifacts/crash-...
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${1:-10000000}
shift || true
OUT=${FUZZ_OUT:-/tmp/cowork-email-fuzz}
CC=${CC:-clang}
PG_CONFIG=${PG_CONFIG:-pg_config}

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
else
    SUDO=(sudo)
fi
apt_install() {
    echo "fuzz: installing $*"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q update
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y \
        install --no-install-recommends "$@"
}

# The server headers and libpgport, as the extension's own build needs them.
if ! command -v "$PG_CONFIG" >/dev/null 2>&1 ||
   [ ! -f "$("$PG_CONFIG" --includedir-server)/postgres.h" ]; then
    bash scripts/setup.sh
fi
PG_INC=$("$PG_CONFIG" --includedir-server)
PG_LIB=$("$PG_CONFIG" --pkglibdir)    # where Debian keeps libpgport.a

# clang, and libFuzzer's runtime (libclang_rt.fuzzer, in Debian's
# libclang-rt-<version>-dev).
command -v "$CC" >/dev/null 2>&1 || apt_install clang
mkdir -p "$OUT"
probe() {
    printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }\n' \
        > "$OUT/probe.c"
    "$CC" -fsanitize=fuzzer,address,undefined "$OUT/probe.c" -o "$OUT/probe" 2>/dev/null
}
if ! probe; then
    major=$("$CC" -dumpversion | cut -d. -f1)
    apt_install "libclang-rt-$major-dev"
    probe || { echo "fuzz: $CC -fsanitize=fuzzer does not link" >&2; exit 1; }
fi
rm -f "$OUT/probe.c" "$OUT/probe"

# The build: email.c as it is, the shim, the harness; Assert() on.
CFLAGS=(-g -O1 -fno-omit-frame-pointer -DUSE_ASSERT_CHECKING
        -Wall -Wmissing-prototypes -Wno-ignored-attributes -Werror
        -I"$PG_INC" -Isrc -Itest/fuzz)
SAN=(-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)
echo "fuzz: building $OUT/email_fuzz with $("$CC" --version | head -1)"
for f in src/email.c test/fuzz/shim.c test/fuzz/email_fuzz.c; do
    "$CC" "${CFLAGS[@]}" "${SAN[@]}" -c "$f" -o "$OUT/$(basename "$f" .c).o"
done
"$CC" "${SAN[@]}" "$OUT/email.o" "$OUT/shim.o" "$OUT/email_fuzz.o" \
    -L"$PG_LIB" -lpgport -o "$OUT/email_fuzz"

# The seed corpus: valid and invalid addresses, at and past every limit.
rep() {
    local s= i
    for ((i = 0; i < $2; i++)); do s+=$1; done
    printf '%s' "$s"
}
L63=$(rep b 63)
SEEDS=(
    'ada@example.com'
    $'  Ada.Lovelace@Example.COM\t'
    "j.o'brien+tag@mail-1.example.co.uk"
    '!#$%&'"'"'*+/=?^_`{|}~-@x.io'
    'a@b.co'
    '1@2.3'
    "$(rep a 64)@example.com"
    "$(rep a 65)@example.com"
    "ada@$L63.com"
    "ada@${L63}b.com"
    "a@$L63.$L63.$L63.$(rep c 60)"
    "a@$L63.$L63.$L63.$(rep c 61)"
    "a@$L63.$L63.$L63.$(rep c 62)"
    "$(rep a 64)@$L63.$L63.$(rep c 61)"
    "$(rep a 64)@$L63.$L63.$(rep c 62)"
    "$(rep x 321)"
    "$(rep x 320)"
    'ada@localhost'
    '.ada@example.com'
    'ada.@example.com'
    'a..da@example.com'
    'ada@-example.com'
    'ada@example-.com'
    'ada@example..com'
    'ada@.example.com'
    'ada@example.com.'
    'ada@exa_mple.com'
    'a b@example.com'
    $'a\tb@example.com'
    $'ada@example.com\x01'
    $'ada@exam\x7fple.com'
    $'ad\xc3\xa9@example.com'
    $'ada@exampl\xe9.com'
    'ada@@example.com'
    'ada@example@com'
    'ada.example.com'
    ''
    $' \t\r\n\v\f'
    '@example.com'
    'ada@'
    '"ada"@example.com'
    'ada@[192.0.2.1]'
    'ada(comment)@example.com'
    'ADA@EXAMPLE.COM'
)
rm -rf "$OUT/seeds" "$OUT/artifacts"
mkdir -p "$OUT/seeds" "$OUT/artifacts" "$OUT/corpus"
[ "${FUZZ_KEEP_CORPUS:-}" = 1 ] || rm -f "$OUT"/corpus/*
i=0
for s in "${SEEDS[@]}"; do
    printf '%s' "$s" > "$OUT/seeds/seed-$(printf %02d $i)"
    i=$((i + 1))
done

OPTS=(-runs="$RUNS" -max_len=512 -dict=test/fuzz/email.dict
      -print_final_stats=1 -artifact_prefix="$OUT/artifacts/")
[ -z "${FUZZ_SEED:-}" ] || OPTS+=(-seed="$FUZZ_SEED")
echo "fuzz: $OUT/email_fuzz ${OPTS[*]} $* $OUT/corpus $OUT/seeds"
echo "fuzz: log in $OUT/fuzz.log"
start=$(date +%s.%N)
status=0
"$OUT/email_fuzz" "${OPTS[@]}" "$@" "$OUT/corpus" "$OUT/seeds" \
    > "$OUT/fuzz.log" 2>&1 || status=$?
end=$(date +%s.%N)

if [ "$status" -ne 0 ]; then
    tail -40 "$OUT/fuzz.log"
    echo "fuzz: FAILED (exit $status); crash files:"
    ls -l "$OUT/artifacts"
    exit 1
fi
grep -E '^INFO: Seed:|^#[0-9]+[[:space:]]+DONE|^Done |^stat::|^email_fuzz:' "$OUT/fuzz.log"
awk -v s="$start" -v e="$end" -v n="$RUNS" \
    'BEGIN { printf "fuzz: %d inputs in %.1f s wall, %.0f inputs/s; corpus %s files; 0 crashes, 0 disagreements\n", n, e - s, n / (e - s), "'"$(ls "$OUT/corpus" | wc -l)"'" }'

# Line coverage of src/email.c by the final corpus, when llvm-cov is here.
if command -v llvm-profdata >/dev/null 2>&1 && command -v llvm-cov >/dev/null 2>&1; then
    COV=(-fprofile-instr-generate -fcoverage-mapping -fsanitize=fuzzer)
    for f in src/email.c test/fuzz/shim.c test/fuzz/email_fuzz.c; do
        "$CC" "${CFLAGS[@]}" "${COV[@]}" -c "$f" -o "$OUT/$(basename "$f" .c).cov.o"
    done
    "$CC" "${COV[@]}" "$OUT/email.cov.o" "$OUT/shim.cov.o" "$OUT/email_fuzz.cov.o" \
        -L"$PG_LIB" -lpgport -o "$OUT/email_cov"
    LLVM_PROFILE_FILE="$OUT/email.profraw" "$OUT/email_cov" -runs=0 \
        "$OUT/corpus" "$OUT/seeds" > "$OUT/cov.log" 2>&1
    llvm-profdata merge -o "$OUT/email.profdata" "$OUT/email.profraw"
    echo "fuzz: coverage of src/email.c by the corpus (the trigger and its helpers need a server):"
    llvm-cov report "$OUT/email_cov" -instr-profile="$OUT/email.profdata" \
        -show-functions src/email.c | sed -e 's/^/  /'
fi
