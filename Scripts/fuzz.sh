#!/usr/bin/env bash
# Fuzzes every reader of untrusted bytes with libFuzzer (Swift's -sanitize=fuzzer): safetensors,
# checkpoints (and the networks built from them), JPEG, PNG, IDX (Fashion-MNIST), CIFAR-10 batches,
# prepared ImageNet shards, the preparation's resume state, the devkit's meta.mat and tar archives
# (ImageNet's downloads), each for SECONDS (default 60),
# starting from the seed files in Fuzz/Corpus/<reader> (prepare-state also writes its own seed).
# Prints the executions and time of each; exits non-zero, keeping the input that did it, if any
# reader crashes, reads or writes out of bounds, hangs (10 s), or holds more than 2 GiB. The
# targets live in their own package, Fuzz/, so that the fuzzer's flags never touch the main build.
#
#     Scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
# Swift's own backtracer would take a trap's signal first and end the process, so that libFuzzer
# never writes the input that did it: it is turned off, and libFuzzer's handler reports the crash.
export SWIFT_BACKTRACE=enable=no
# With AddressSanitizer beside the fuzzer: an out-of-bounds access in the unsafe-pointer loops is a
# crash with its input. Its leak check is off, in libFuzzer (-detect_leaks=0) and at exit
# (ASAN_OPTIONS): what Foundation still holds at exit (one 4 KiB buffer of its last file read,
# whatever the number of runs) is reported as a leak and would fail a clean run. The memory guard
# is -rss_limit_mb, checked every second: libFuzzer's per-allocation limit (-malloc_limit_mb) needs
# malloc hooks that this toolchain's libFuzzer does not install (-trace_malloc=1 traces nothing).
export ASAN_OPTIONS=detect_leaks=0
swift build --package-path Fuzz -c release -Xswiftc -sanitize=fuzzer,address
work=$(mktemp -d)
status=0
printf "%-14s %12s %8s %10s  %s\n" reader executions seconds "per second" result
for reader in safetensors checkpoint jpeg png idx cifar shards prepare-state mat-file tar-archive; do
    mkdir -p "$work/$reader"
    seeds=(); [ -d "Fuzz/Corpus/$reader" ] && seeds=("$PWD/Fuzz/Corpus/$reader")    # absolute: a target may change directory
    log="$work/$reader.log"
    # New inputs go to the scratch corpus (first directory); the committed seeds stay as they are.
    if Fuzz/.build/release/fuzz-$reader -max_total_time="$seconds" -rss_limit_mb=2048 -detect_leaks=0 -timeout=10 \
        -artifact_prefix="$work/$reader-" "$work/$reader" "${seeds[@]}" > "$log" 2>&1; then
        result=ok
    else
        result="FAILED: see $log and $work/$reader-*"
        status=1
    fi
    read -r runs time < <(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | awk '{print $2, $5}' || echo "0 0")
    printf "%-14s %12s %8s %10s  %s\n" "$reader" "${runs:-0}" "${time:-0}" "$(( ${runs:-0} / (${time:-0} > 0 ? ${time:-1} : 1) ))" "$result"
done
[ $status -eq 0 ] && rm -rf "$work"
exit $status
