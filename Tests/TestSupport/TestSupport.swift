import Foundation
import Testing
import AlexNet
import AlexNetChecks
import AlexNetData

/// Shared helpers for the tests: random tensors, closeness checks, gradient-check assertions.

/// The tolerance for gradient checks in Double. The centred difference with h ≈ 6e-6 is
/// accurate to about 1e-9 relative here (see GradientCheck's documentation); 1e-6 leaves three
/// orders of magnitude for unlucky elements while still catching any wrong backward pass,
/// whose errors are of order 1.
public let gradientTolerance = 1e-6

/// The tolerance for whole-network gradient checks in Double. Through eight layers the loss
/// (~1) carries rounding noise of ~1e-11 (measured: the numerical gradient of a conv1 weight
/// moves by that much with the step), and the smallest gradients there are ~1e-6, so the
/// best achievable relative error on them is ~1e-5 even with the step raised to 1e-4.
/// A wrong backward pass still shows errors of order 1.
public let networkGradientTolerance = 1e-5

public func randomTensor<S: TensorScalar>(_ shape: [Int], seed: UInt64, standardDeviation: Double = 1) -> Tensor<S> {
    var g = RandomGenerator(seed: seed)
    return .normal(shape: shape, standardDeviation: standardDeviation, generator: &g)
}

/// max |a − b| / max(1, |b|) over all elements.
public func maxDifference<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<S>) -> Double {
    precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape)")
    var worst = 0.0
    for i in 0..<a.count {
        let d = abs(Double(a.scalars[i]) - Double(b.scalars[i])) / max(1, abs(Double(b.scalars[i])))
        worst = max(worst, d)
    }
    return worst
}

public func expectClose<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<S>, tolerance: Double,
                                  _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.shape == b.shape, comment, sourceLocation: sourceLocation)
    guard a.shape == b.shape else { return }
    let d = maxDifference(a, b)
    #expect(d <= tolerance, "difference \(d) > \(tolerance) \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
}

/// Runs the gradient check and expects every tensor under ``gradientTolerance``.
@discardableResult
public func expectGradientsCorrect<L: Layer>(_ layer: L, input: Tensor<L.Scalar>, entriesPerTensor: Int? = nil,
                                      sourceLocation: SourceLocation = #_sourceLocation) -> [GradientCheck.Report] {
    let reports = GradientCheck.check(layer, input: input, entriesPerTensor: entriesPerTensor)
    for r in reports {
        #expect(r.maxRelativeError < gradientTolerance, "\(r)", sourceLocation: sourceLocation)
        #expect(r.entries > 0, sourceLocation: sourceLocation)
    }
    return reports
}

/// Distinct values, none near zero (see GradientCheck.distinctTensor).
public func distinctTensor(_ shape: [Int], seed: UInt64) -> Tensor<Double> {
    GradientCheck.distinctTensor(shape, seed: seed)
}

/// The repository's root: the directory above this file that holds Package.swift.
public let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url.deleteLastPathComponent()
    }
    return url
}()

/// A fresh temporary directory for one test's files.
public func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("alexnet-data-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

public func write(_ bytes: [UInt8], _ directory: String, _ name: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent(name)))
}

/// A small synthetic problem for the training loop: 3×15×15 images whose class (of three) is the
/// channel with the brightest centre, for the tiny two-tower AlexNet of tinyAlexNetConfiguration().
public func syntheticDataset(count: Int = 48, seed: UInt64 = 1) -> Dataset {
    var g = RandomGenerator(seed: seed)
    func split(_ n: Int) -> DatasetSplit {
        var pixels: [UInt8] = [], labels: [Int] = []
        for _ in 0..<n {
            let label = Int(g.next() % 3)
            for c in 0..<3 {
                for p in 0..<225 {
                    let centre = abs(p / 15 - 7) < 4 && abs(p % 15 - 7) < 4
                    pixels.append(UInt8(min(255, g.uniform() * 100 + (centre && c == label ? 120 : 0))))
                }
            }
            labels.append(label)
        }
        return DatasetSplit(channels: 3, height: 15, width: 15, pixels: pixels, labels: labels)
    }
    return Dataset(name: "synthetic", classNames: ["r", "g", "b"], train: split(count), test: split(count / 2))
}

/// A tiny AlexNet of the paper's pattern and both towers, for whole-network checks in Double:
/// 15×15×3 → conv1 15 → pool 7 → conv2 7 → pool 3 → conv3-5 3 → pool 1 → fc 6 → fc 6 → 3 classes.
public func tinyAlexNetConfiguration() -> AlexNetConfiguration {
    var c = AlexNetConfiguration.small(inputChannels: 3, inputSize: 15, classes: 3)
    c.convolutions = [
        .init(kernels: 4, kernelSize: 5, stride: 1, padding: 2),
        .init(kernels: 8, kernelSize: 5, padding: 2),
        .init(kernels: 8, kernelSize: 3, padding: 1),
        .init(kernels: 8, kernelSize: 3, padding: 1),
        .init(kernels: 8, kernelSize: 3, padding: 1),
    ]
    c.hiddenWidths = [6, 6]
    c.weightInitialization = .gaussian(standardDeviation: 0.3)
    c.hiddenBias = 0.1
    c.normalization?.alpha = 0.5          // large enough for LRN to matter in the check
    c.seed = 3
    return c
}
