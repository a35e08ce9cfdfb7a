#!/usr/bin/env python3
"""Runs alexnet-bench and the PyTorch reference alternately on the same networks and prints the
medians and their ratios — the side-by-side measurement of issue 7.

    swift build -c release && python3 Scripts/compare_with_pytorch.py [--rounds 3] [--nets paper,four-layer,four-layer-lrn]

Alternating the two programs spreads the machine's noise over both; each round writes one row
per pass into a CSV per program, and the medians over rounds are compared.
"""
import argparse, csv, os, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--nets", default="paper,four-layer,four-layer-lrn")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    bench = os.path.join(ROOT, ".build", "release", "alexnet-bench")
    if not os.path.exists(bench):
        sys.exit("build first: swift build -c release")
    work = tempfile.mkdtemp()
    ours, theirs = os.path.join(work, "ours.csv"), os.path.join(work, "pytorch.csv")
    for net in args.nets.split(","):
        for r in range(args.rounds):
            print(f"round {r + 1}/{args.rounds}: {net}", flush=True)
            common = ["--net", net, "--batch", str(args.batch), "--threads", str(args.threads),
                      "--steps", "3" if net in ("paper", "one-tower") else "10", "--csv"]
            subprocess.run([bench] + common + [ours], check=True, stdout=subprocess.DEVNULL)
            subprocess.run([sys.executable, os.path.join(ROOT, "Scripts", "pytorch_reference.py")] + common + [theirs],
                           check=True, stdout=subprocess.DEVNULL)
    a, b = rows(ours), rows(theirs)
    print(f"\n{'net':16} {'pass':9} {'ours img/s':>11} {'PyTorch img/s':>14} {'ratio':>6} {'ours MiB':>9} {'PyTorch MiB':>12}")
    for net in args.nets.split(","):
        for p in ["forward", "training"]:
            x = [float(r["images_per_second"]) for r in a if r["net"] == net and r["pass"] == p]
            y = [float(r["images_per_second"]) for r in b if r["net"] == net and r["pass"] == p]
            mx = max(float(r["peak_mib"]) for r in a if r["net"] == net)
            my = max(float(r["peak_mib"]) for r in b if r["net"] == net)
            print(f"{net:16} {p:9} {statistics.median(x):11.1f} {statistics.median(y):14.1f} "
                  f"{statistics.median(x) / statistics.median(y):6.2f} {mx:9.0f} {my:12.0f}"
                  f"   (ours {min(x):.1f}–{max(x):.1f}, PyTorch {min(y):.1f}–{max(y):.1f})")
    print(f"\nraw measurements: {ours}, {theirs}")


if __name__ == "__main__":
    main()
