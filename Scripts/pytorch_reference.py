#!/usr/bin/env python3
"""The book's networks built exactly the same way in PyTorch, timed like alexnet-bench.

    python3 Scripts/pytorch_reference.py --net paper|four-layer|four-layer-lrn [--batch 128]
                                         [--steps 3] [--threads 2] [--csv FILE]

Same layers, shapes and initialisation as Sources/AlexNet: two towers as groups=2, LRN inside
each tower with the paper's constants (PyTorch divides alpha by n, so it is given n·α), max-pool
3/2, dropout 0.5 in fc6/fc7, weights N(0, 0.01²) and the paper's biases of 1, batch 128, SGD
with momentum 0.9 and weight decay 0.0005. Prints forward and training-step images/s and the
peak resident memory, and appends rows to --csv in alexnet-bench's format. Needs PyTorch
(Debian's python3-torch or `pip install torch`); the project itself never does.
"""
import argparse, csv, os, resource, statistics, time
import torch
import torch.nn as nn
import torch.nn.functional as F


class TowerLRN(nn.Module):
    """Local response normalisation inside each tower's channels, paper's α (PyTorch: α·n)."""
    def __init__(self, towers, size=5, alpha=1e-4, beta=0.75, k=2.0):
        super().__init__()
        self.towers, self.lrn = towers, nn.LocalResponseNorm(size, alpha=alpha * size, beta=beta, k=k)

    def forward(self, x):
        return torch.cat([self.lrn(t) for t in x.chunk(self.towers, dim=1)], dim=1)


def paper_alexnet(towers=2, classes=1000):
    def conv(c_in, c_out, k, s=1, p=0, g=1, bias=0.0):
        layer = nn.Conv2d(c_in, c_out, k, stride=s, padding=p, groups=g)
        nn.init.normal_(layer.weight, 0, 0.01)
        nn.init.constant_(layer.bias, bias)
        return layer

    def fc(i, o, bias=0.0):
        layer = nn.Linear(i, o)
        nn.init.normal_(layer.weight, 0, 0.01)
        nn.init.constant_(layer.bias, bias)
        return layer

    return nn.Sequential(
        conv(3, 96, 11, s=4), nn.ReLU(), TowerLRN(towers), nn.MaxPool2d(3, 2),
        conv(96, 256, 5, p=2, g=towers, bias=1), nn.ReLU(), TowerLRN(towers), nn.MaxPool2d(3, 2),
        conv(256, 384, 3, p=1), nn.ReLU(),
        conv(384, 384, 3, p=1, g=towers, bias=1), nn.ReLU(),
        conv(384, 256, 3, p=1, g=towers, bias=1), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Flatten(), fc(9216, 4096, 1), nn.ReLU(), nn.Dropout(0.5),
        fc(4096, 4096, 1), nn.ReLU(), nn.Dropout(0.5), fc(4096, classes))


class LocallyConnected(nn.Module):
    """Unshared 3×3 kernels with padding 1: weight (positions, M, C·K·K), bias (M, positions)."""
    def __init__(self, c_in, c_out, side, k=3, p=1):
        super().__init__()
        self.k, self.p, self.side = k, p, side
        positions = side * side
        self.weight = nn.Parameter(torch.randn(positions, c_out, c_in * k * k) * 0.01)
        self.bias = nn.Parameter(torch.zeros(c_out, positions))

    def forward(self, x):
        patches = F.unfold(x, self.k, padding=self.p)                  # (N, C·K·K, positions)
        y = torch.einsum("ncl,lmc->nml", patches, self.weight) + self.bias
        return y.reshape(x.shape[0], -1, self.side, self.side)


def four_layer(lrn, classes=10, side=24, channels=3):
    s1 = (side - 3) // 2 + 1
    s2 = (s1 - 3) // 2 + 1
    def conv(c_in, c_out):
        layer = nn.Conv2d(c_in, c_out, 5, padding=2)
        nn.init.normal_(layer.weight, 0, 0.01)
        nn.init.zeros_(layer.bias)
        return layer
    norm = (lambda: TowerLRN(1)) if lrn else (lambda: nn.Identity())
    head = nn.Linear(32 * s2 * s2, classes)
    nn.init.normal_(head.weight, 0, 0.01)
    nn.init.zeros_(head.bias)
    return nn.Sequential(
        conv(channels, 64), nn.ReLU(), nn.MaxPool2d(3, 2), norm(),
        conv(64, 64), nn.ReLU(), norm(), nn.MaxPool2d(3, 2),
        LocallyConnected(64, 32, s2), nn.ReLU(), LocallyConnected(32, 32, s2), nn.ReLU(),
        nn.Flatten(), head)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--net", choices=["paper", "four-layer", "four-layer-lrn"], default="paper")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--csv")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    if args.net == "paper":
        model, shape, classes = paper_alexnet(), (3, 227, 227), 1000
    else:
        model, shape, classes = four_layer(args.net == "four-layer-lrn"), (3, 24, 24), 10
    images = torch.randn(args.batch, *shape)
    labels = torch.arange(args.batch) % classes
    sgd = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9, weight_decay=0.0005)

    def seconds(f):
        start = time.perf_counter(); f(); return time.perf_counter() - start

    model.eval()
    with torch.no_grad():
        model(images)
        forward = [seconds(lambda: model(images)) for _ in range(args.steps)]
    model.train()

    def step():
        sgd.zero_grad(set_to_none=False)
        F.cross_entropy(model(images), labels).backward()
        sgd.step()
    step()
    training = [seconds(step) for _ in range(args.steps)]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    f, t = statistics.median(forward), statistics.median(training)
    print(f"pytorch {torch.__version__}, net {args.net}, batch {args.batch}, {args.threads} threads")
    print(f"forward:       median {f:.3f} s per batch, {args.batch / f:.1f} images/s")
    print(f"training step: median {t:.3f} s per batch, {args.batch / t:.1f} images/s")
    print(f"peak resident memory: {peak:.0f} MiB")
    if args.csv:
        new = not os.path.exists(args.csv)
        with open(args.csv, "a", newline="") as out:
            w = csv.writer(out)
            if new:
                w.writerow(["net", "pass", "batch", "images_per_second", "gflops", "peak_mib", "sgemm_gflops"])
            w.writerow([args.net, "forward", args.batch, f"{args.batch / f:.2f}", "nan", f"{peak:.0f}", "nan"])
            w.writerow([args.net, "training", args.batch, f"{args.batch / t:.2f}", "nan", f"{peak:.0f}", "nan"])


if __name__ == "__main__":
    main()
