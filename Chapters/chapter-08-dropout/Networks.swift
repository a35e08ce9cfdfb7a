import ToolSupport
import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
import Foundation

/// What the chapter keeps of each reported network after training: its test-split probabilities
/// (weight scaling), for the ensembles, and — for a dropout network — its sampled thinned
/// networks against weight scaling.
struct TrainedNetworks {
    struct Entry {
        var arm: String, seed: UInt64
        var probabilities: Tensor<Float>
        var thinned: ThinnedNetworkAverage?
        var seconds: Double
    }
    var entries: [Entry] = []
    var labels: [Int] = []

    mutating func add(arm: String, seed: UInt64, network: any Network<Float>, test: DatasetSplit, normalization: Normalization,
                      sampleCounts: [Int]?) {
        labels = test.labels
        let started = Date()
        let probabilities = Evaluation.probabilities(of: network, on: test, normalization: normalization, augmentation: .none, batchSize: 256)
        let thinned = sampleCounts.map {
            ThinnedNetworkAverage.measure(network, on: test, normalization: normalization, augmentation: .none,
                                          sampleCounts: $0, seed: seed &+ 1_000)
        }
        entries.append(Entry(arm: arm, seed: seed, probabilities: probabilities, thinned: thinned,
                             seconds: Date().timeIntervalSince(started)))
    }

    var lastLine: String {
        guard let e = entries.last else { return "" }
        guard let t = e.thinned, let last = t.points.last else { return "\(e.arm), seed \(e.seed): test probabilities kept" }
        return String(format: "%@, seed %d: weight scaling %.2f%%, %d thinned nets: arithmetic %.2f%%, geometric %.2f%% (%.0f s)",
                      e.arm, Int(e.seed), t.scalingTop1 * 100, last.samples, last.arithmeticTop1 * 100, last.geometricTop1 * 100, e.seconds)
    }

    /// The dropout networks' measurements.
    var thinned: [(seed: UInt64, result: ThinnedNetworkAverage)] {
        entries.compactMap { e in e.thinned.map { (e.seed, $0) } }
    }

    /// The paper's ensembles (Section 6): for each size m, the top-1 error of the mean of every
    /// m of `arm`'s networks' probabilities — all the subsets, so the spread shows which nets.
    func ensembles(of arm: String) -> [(size: Int, errors: [Double])] {
        let mine = entries.filter { $0.arm == arm }
        return (1...max(1, mine.count)).map { m in
            let errors = subsets(of: mine.count, size: m).map { subset in
                Evaluation(probabilities: Evaluation.ensemble(subset.map { mine[$0].probabilities }), labels: labels).top1
            }
            return (m, errors)
        }
    }
}

/// Every `size`-element subset of 0..<n, in lexicographic order.
func subsets(of n: Int, size: Int) -> [[Int]] {
    guard size > 0 else { return [[]] }
    guard size <= n else { return [] }
    var result: [[Int]] = []
    func extend(_ chosen: [Int], from start: Int) {
        if chosen.count == size { result.append(chosen); return }
        for i in start..<n where n - i >= size - chosen.count { extend(chosen + [i], from: i + 1) }
    }
    extend([], from: 0)
    return result
}

/// "Dropout roughly doubles the number of iterations required to converge", measured two ways
/// on each reported run's curves, each against its free choice:
/// - the step at which the validation error first comes within δ of the run's own best, for
///   several δ (a run whose best is its last measurement may not have converged: flagged);
/// - the same on the validation curve smoothed by a running median of `smoothing` measurements
///   (``Curve/runningMedian(width:)``), so that one lucky probe of a dense, noisy curve neither
///   sets the best nor reaches it (a run whose smoothed best is among its last `smoothing`
///   measurements is flagged);
/// - the step at which the training-probe error first reaches a threshold T, for several T.
/// Each as the ratio of the dropout arm's median to the other's, with a bootstrap interval.
struct Convergence {
    struct Row {
        var criterion: String, value: Double
        var dropout: [Double], none: [Double]
        var ratio: RatioOfMedians
    }
    var rows: [Row]
    /// Reported runs whose best validation error is their last measurement, per arm.
    var stillImproving: (dropout: Int, none: Int)
    /// Reported runs whose smoothed best is among their last `smoothing` measurements, per arm.
    var smoothedStillImproving: (dropout: Int, none: Int)
    /// The running median's width, in measurements.
    var smoothing: Int

    init(dropout: HeldOutComparison.ArmResult, none: HeldOutComparison.ArmResult,
         margins: [Double] = [0.02, 0.01, 0.005], thresholds: [Double] = [0.10, 0.05, 0.02], smoothing: Int = 5) {
        func validation(_ arm: HeldOutComparison.ArmResult) -> [Curve] {
            arm.runs.filter { !$0.result.diverged }.map { $0.result.heldOut["validation"]! }
        }
        func withinMargin(_ curves: [Curve], _ δ: Double) -> [Double] {
            curves.map { $0.firstCrossing(below: $0.minimum! + δ) ?? .infinity }
        }
        func reaching(_ arm: HeldOutComparison.ArmResult, _ t: Double) -> [Double] {
            arm.runs.filter { !$0.result.diverged }.map { $0.result.curve.firstCrossing(below: t) ?? .infinity }
        }
        self.smoothing = smoothing
        var rows: [Row] = []
        for δ in margins {
            let d = withinMargin(validation(dropout), δ), n = withinMargin(validation(none), δ)
            rows.append(Row(criterion: "validation_within", value: δ, dropout: d, none: n, ratio: RatioOfMedians(n, d)))
        }
        func smoothed(_ arm: HeldOutComparison.ArmResult) -> [Curve] { validation(arm).map { $0.runningMedian(width: smoothing) } }
        for δ in margins {
            let d = withinMargin(smoothed(dropout), δ), n = withinMargin(smoothed(none), δ)
            rows.append(Row(criterion: "smoothed_validation_within", value: δ, dropout: d, none: n, ratio: RatioOfMedians(n, d)))
        }
        for t in thresholds {
            let d = reaching(dropout, t), n = reaching(none, t)
            rows.append(Row(criterion: "training_reaches", value: t, dropout: d, none: n, ratio: RatioOfMedians(n, d)))
        }
        self.rows = rows
        func improving(_ curves: [Curve]) -> Int { curves.filter { $0.points.last!.y <= $0.minimum! }.count }
        stillImproving = (improving(validation(dropout)), improving(validation(none)))
        func lateBest(_ curves: [Curve]) -> Int {
            curves.filter { c in c.points.suffix(smoothing).contains { $0.y <= c.minimum! } }.count
        }
        smoothedStillImproving = (lateBest(smoothed(dropout)), lateBest(smoothed(none)))
    }
}
