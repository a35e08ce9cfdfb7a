#!/usr/bin/env bash
# Reruns one chapter and sets its headline numbers beside the book's: for every comparison the
# chapter's summary CSV gives a verdict on (a row KEY_inside_the_noise), the book's value and
# interval (from Figures/), the rerun's value and interval, whether the rerun's value falls inside
# the book's interval, and both verdicts. Exits 1 if any verdict flips (inside the noise in one,
# outside in the other), 0 otherwise; a value outside the book's interval with the same verdict
# is reported, not failed: the interval is about the runs' spread, not a promise about one rerun.
#
#     Scripts/reproduce.sh chapter-03-relu [chapter options, e.g. --quick]
#
# The rerun goes into a temporary directory; Figures/ is not touched (set REPRODUCE_KEEP=DIR to
# keep the rerun's files in DIR). Run it on a quiet machine: the chapters' timings are part of
# some summaries, never of a verdict.
set -euo pipefail
cd "$(dirname "$0")/.."
chapter=${1:?usage: Scripts/reproduce.sh CHAPTER [options]}
shift
[ -d "Chapters/$chapter" ] || { echo "reproduce.sh: no chapter $chapter (see Chapters/)" >&2; exit 2; }
book="Figures/$chapter.csv"
[ -f "$book" ] || { echo "reproduce.sh: the book has no $book" >&2; exit 2; }
out=$(mktemp -d)
trap 'if [ -n "${REPRODUCE_KEEP:-}" ]; then mkdir -p "$REPRODUCE_KEEP" && cp -R "$out"/. "$REPRODUCE_KEEP"/; fi; rm -rf "$out"' EXIT
swift build -c release --product "$chapter" >&2
echo "rerunning $chapter $* into $out (its progress on standard error)" >&2
".build/release/$chapter" --out "$out" "$@" > "$out/stdout.log"
rerun="$out/$chapter.csv"
[ -f "$rerun" ] || { echo "reproduce.sh: the rerun wrote no $chapter.csv" >&2; exit 2; }

# KEY → value, from a two-column summary CSV (quoted fields are single cells without commas here).
awk -F, -v book="$book" -v rerun="$rerun" '
    FNR == 1 { file = (FILENAME == book) ? "b" : "r"; next }
    { value[file, $1] = $2; if (file == "b" && $1 ~ /_inside_the_noise$/) verdicts[++n] = $1 }
    function find(base,    s, i, candidates) {
        split("|_test_error_difference|_error_difference|_difference", candidates, "|")
        for (i = 1; i <= 4; i++) {
            s = base candidates[i]
            if ((("b", s) in value) && (("b", s "_low") in value) && (("b", s "_high") in value)) return s
        }
        return ""
    }
    function verdict(flag) { return flag == "true" ? "inside the noise" : "outside the noise" }
    END {
        printf "%-48s %-30s %-30s %-8s %s\n", "comparison", "book (interval)", "rerun (interval)", "inside?", "verdicts"
        flips = 0; shown = 0
        for (i = 1; i <= n; i++) {
            key = verdicts[i]; base = substr(key, 1, length(key) - length("_inside_the_noise"))
            s = find(base)
            if (s == "" || !(("r", key) in value)) continue
            b = value["b", s]; bl = value["b", s "_low"]; bh = value["b", s "_high"]
            r = value["r", s]; rl = value["r", s "_low"]; rh = value["r", s "_high"]
            inside = (r + 0 >= bl + 0 && r + 0 <= bh + 0) ? "yes" : "no"
            same = (value["b", key] == value["r", key])
            if (!same) flips++
            shown++
            printf "%-48s %-30s %-30s %-8s %s\n", s, sprintf("%.4g (%.4g to %.4g)", b, bl, bh), sprintf("%.4g (%.4g to %.4g)", r, rl, rh), inside,
                   same ? verdict(value["b", key]) ", as in the book" : "FLIPPED: book " verdict(value["b", key]) ", rerun " verdict(value["r", key])
        }
        if (shown == 0) { print "no comparison with a verdict in " book; exit 2 }
        if (flips > 0) { printf "%d verdict%s flipped: the rerun does not agree with the book\n", flips, flips == 1 ? "" : "s"; exit 1 }
        print "every verdict as in the book"
    }' "$book" "$rerun"
