import Foundation
import AlexNet
import Plotting

/// One figure of every kind the library draws, on made-up but plausible data: the gallery
/// that `swift run figure-gallery` writes, and that the tests render.
enum Gallery {
    public static func figures() -> [(name: String, image: Image)] {
        var result: [(String, Image)] = []
        result.append(("line-chart", trainingCurves().render()))
        result.append(("line-chart-log", gradientErrorCurve().render()))
        result.append(("bar-chart", ablationBars().render()))
        result.append(("kernels", ImageGrid.kernels([("tower 1 (GPU 1)", kernels(48, colour: false, seed: 1)),
                                                     ("tower 2 (GPU 2)", kernels(48, colour: true, seed: 2))],
                                                    columns: 16, scale: 4, title: "96 first-layer kernels, 11×11×3")))
        result.append(("predictions", predictions()))
        result.append(("neighbours", neighbours()))
        result.append(("variants", variants()))
        return result
    }

    /// Training error against epochs for two activations over three seeds, with the paper's
    /// 25% threshold: the shape of Figure 1.
    static func trainingCurves() -> LineChart {
        let epochs = (0...30).map(Double.init)
        func curve(rate: Double, seedShift: Double) -> [Double] {
            epochs.map { 0.9 * exp(-rate * $0) + 0.05 + 0.01 * sin($0 + seedShift) }
        }
        var chart = LineChart(title: "Training error: ReLU against tanh", xLabel: "epoch", yLabel: "training error")
        for (label, rate) in [("ReLU", 0.35), ("tanh", 0.07)] {
            let runs = (0..<3).map { curve(rate: rate * (1 + 0.05 * Double($0)), seedShift: Double($0)) }
            let mean = epochs.indices.map { i in runs.map { $0[i] }.reduce(0, +) / 3 }
            let low = epochs.indices.map { i in runs.map { $0[i] }.min()! }
            let high = epochs.indices.map { i in runs.map { $0[i] }.max()! }
            chart.series.append(.init("\(label) (mean of 3 seeds)", x: epochs, y: mean, band: (low, high)))
        }
        chart.series[1].dashed = true
        chart.referenceLines = [ReferenceLine(.horizontal, at: 0.25, label: "25% threshold"),
                                ReferenceLine(.vertical, at: 4, label: "ReLU: epoch 4")]
        chart.yRange = 0...1
        return chart
    }

    /// Relative error against finite-difference step: the V of truncation versus rounding.
    static func gradientErrorCurve() -> LineChart {
        let steps = (0...12).map { pow(10, -Double($0)) }
        func error(_ h: Double, epsilon: Double) -> Double { h * h / 6 + epsilon / h }
        var chart = LineChart(title: "Gradient check: error against step h", xLabel: "step h",
                              yLabel: "relative error")
        chart.series = [
            .init("Float", x: steps, y: steps.map { error($0, epsilon: 6e-8) }, markers: true),
            .init("Double", x: steps, y: steps.map { error($0, epsilon: 1.1e-16) }, markers: true),
        ]
        chart.xScale = .logarithmic
        chart.yScale = .logarithmic
        chart.legend = .bottomLeft
        chart.referenceLines = [ReferenceLine(.horizontal, at: 1e-6, label: "tolerance 1e-6")]
        return chart
    }
}

extension Gallery {
    /// Our error beside the paper's for three ablations, ours with a spread over seeds.
    static func ablationBars() -> BarChart {
        var chart = BarChart(title: "Test error with and without each idea", yLabel: "test error (%)",
                             categories: ["LRN", "no LRN", "pool 3/2", "pool 2/2"])
        chart.groups = [
            .init("ours (mean ± sd, 3 seeds)", values: [11.8, 13.1, 12.0, 12.4], errors: [0.3, 0.4, 0.2, 0.3]),
            .init("paper", values: [11, 13, .nan, .nan]),
        ]
        chart.referenceLines = [ReferenceLine(.horizontal, at: 11, label: "paper: 11%")]
        chart.yRange = 0...16
        return chart
    }

    /// Gabor-like kernels (C = 3, 11×11): grey-scale edges, or colour blobs and edges.
    static func kernels(_ count: Int, colour: Bool, seed: UInt64) -> Tensor<Float> {
        var g = RandomGenerator(seed: seed)
        var t = Tensor<Float>(shape: [count, 3, 11, 11])
        for k in 0..<count {
            let angle = g.uniform() * Double.pi, frequency = 0.3 + 0.6 * g.uniform(), phase = g.uniform() * 6.28
            let tint = colour ? (0..<3).map { _ in g.uniform() * 2 - 1 } : [1.0, 1.0, 1.0]
            let blob = colour && g.bernoulli(0.4)
            for c in 0..<3 {
                for y in 0..<11 {
                    for x in 0..<11 {
                        let u = Double(x) - 5, v = Double(y) - 5
                        let envelope = exp(-(u * u + v * v) / 12)
                        let wave = blob ? 1 : cos(frequency * (u * cos(angle) + v * sin(angle)) + phase)
                        t[k, c, y, x] = Float(tint[c] * envelope * wave + 0.05 * (g.uniform() - 0.5))
                    }
                }
            }
        }
        return t
    }

    /// A small synthetic picture: a coloured disc, stripes or a square on a tinted ground.
    static func picture(_ kind: Int, size: Int = 32, seed: UInt64) -> Image {
        var g = RandomGenerator(seed: seed)
        var image = Image(width: size, height: size, channels: 3)
        let ground = (0..<3).map { _ in 0.6 + 0.4 * g.uniform() }, ink = (0..<3).map { _ in 0.6 * g.uniform() }
        for y in 0..<size {
            for x in 0..<size {
                let u = Double(x) / Double(size) - 0.5, v = Double(y) / Double(size) - 0.5
                let on: Bool
                switch kind % 3 {
                case 0: on = u * u + v * v < 0.09
                case 1: on = Int((u + v) * 8 + 8) % 2 == 0
                default: on = abs(u) < 0.25 && abs(v) < 0.25
                }
                for c in 0..<3 { image[x, y, c] = UInt8(255 * (on ? ink[c] : ground[c])) }
            }
        }
        return image
    }

    static func predictions() -> Image {
        let names = ["disc", "stripes", "square", "ring", "grating", "tile"]
        let items = (0..<6).map { i -> ImageGrid.Prediction in
            var g = RandomGenerator(seed: UInt64(100 + i))
            var p = (0..<5).map { _ in g.uniform() }.sorted(by: >)
            p[0] += 1.5
            let total = p.reduce(0, +) * 1.1
            let labels = [names[i % 3]] + names.filter { $0 != names[i % 3] }.prefix(4)
            var top = zip(labels, p.map { $0 / total }).map { (label: $0, probability: $1) }
            if i == 4 { top.swapAt(0, 1) }        // one mistake: the truth second
            return .init(image: picture(i, seed: UInt64(i)), truth: names[i % 3], top: top)
        }
        return ImageGrid.predictions(items, columns: 6, scale: 3, title: "Top-5 predictions (truth under each image)")
    }

    static func neighbours() -> Image {
        let rows = (0..<3).map { r in [picture(r, seed: UInt64(10 * r))] + (1...6).map { picture(r, seed: UInt64(10 * r + $0)) } }
        return ImageGrid.rows(rows, scale: 3, captions: ["query", "1", "2", "3", "4", "5", "6"],
                              title: "Nearest training images by fc7 distance")
    }

    static func variants() -> Image {
        let base = picture(0, size: 36, seed: 7)
        func crop(_ image: Image, x: Int, y: Int, size: Int, flip: Bool) -> Image {
            var out = Image(width: size, height: size, channels: 3)
            for py in 0..<size {
                for px in 0..<size {
                    for c in 0..<3 { out[px, py, c] = image[x + (flip ? size - 1 - px : px), y + py, c] }
                }
            }
            return out
        }
        let items: [(image: Image, caption: String)] = [
            (base, "original"), (crop(base, x: 0, y: 0, size: 28, flip: false), "top-left"),
            (crop(base, x: 8, y: 0, size: 28, flip: false), "top-right"), (crop(base, x: 4, y: 4, size: 28, flip: false), "centre"),
            (crop(base, x: 4, y: 4, size: 28, flip: true), "centre, flipped"), (crop(base, x: 8, y: 8, size: 28, flip: true), "flipped"),
        ]
        return ImageGrid.captioned(items, columns: 6, scale: 4, title: "Crops and flips of one image")
    }
}
