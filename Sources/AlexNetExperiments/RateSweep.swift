import Foundation

/// A learning-rate sweep on a logarithmic grid that must bracket the optimum.
///
/// Every rate of the grid is tried with each selection seed; a rate's result is the upper median
/// of its seeds' scores (for two seeds, the worse one: a rate is not chosen for one lucky run).
/// When the best rate sits on an edge of the grid, the grid is extended past that edge by one
/// ratio step and the new rate tried, up to `maximumExtensions` times; the sweep is *bracketed*
/// when the chosen rate has a tried rate on each side. An unbracketed sweep is reported as such
/// (and `--quick` runs refuse to go on with one).
///
/// Scores are ordered lexicographically: first the metric the chapter reports (e.g. steps to a
/// threshold, infinite when not reached), then a tie-break (e.g. the last error measured).
public struct RateSweep: Sendable {
    /// A trial's result; smaller is better, NaN counts as infinitely bad.
    public struct Score: Sendable, Equatable, Comparable {
        public var primary: Double, secondary: Double
        public init(_ primary: Double, tieBreak secondary: Double = 0) {
            self.primary = primary.isNaN ? .infinity : primary
            self.secondary = secondary.isNaN ? .infinity : secondary
        }
        public static func < (a: Score, b: Score) -> Bool {
            a.primary != b.primary ? a.primary < b.primary : a.secondary < b.secondary
        }
    }

    public struct Trial: Sendable, Equatable {
        public var rate: Double, seed: UInt64, score: Score
    }

    public struct Outcome: Sendable, Equatable {
        public var trials: [Trial]
        /// Every rate tried, ascending, with the upper median of its seeds' scores.
        public var results: [(rate: Double, score: Score)] {
            Set(trials.map(\.rate)).sorted().map { rate in
                let scores = trials.filter { $0.rate == rate }.map(\.score).sorted()
                return (rate, scores[scores.count / 2])
            }
        }
        public var chosen: Double
        /// Whether the chosen rate has a tried rate on each side of it.
        public var bracketed: Bool

        public static func == (a: Outcome, b: Outcome) -> Bool {
            a.trials == b.trials && a.chosen == b.chosen && a.bracketed == b.bracketed
        }
    }

    /// The rates to start from, ascending.
    public var grid: [Double]
    /// The ratio of neighbouring rates, used to extend the grid.
    public var ratio: Double
    public var maximumExtensions: Int

    /// `count` rates from `lowest` up, each `ratio` times the last.
    public init(lowest: Double, ratio: Double = 2, count: Int, maximumExtensions: Int = 3) {
        precondition(lowest > 0 && ratio > 1 && count >= 1, "RateSweep: lowest \(lowest), ratio \(ratio), count \(count)")
        grid = (0..<count).map { lowest * pow(ratio, Double($0)) }
        self.ratio = ratio
        self.maximumExtensions = maximumExtensions
    }

    /// A sweep over given rates (ascending after sorting), extended by `ratio` when needed.
    public init(rates: [Double], ratio: Double = 2, maximumExtensions: Int = 3) {
        precondition(!rates.isEmpty && rates.allSatisfy { $0 > 0 } && ratio > 1, "RateSweep: rates \(rates), ratio \(ratio)")
        grid = rates.sorted()
        self.ratio = ratio
        self.maximumExtensions = maximumExtensions
    }

    /// Runs `trial(rate, seed)` for every rate and seed, extending the grid while the best rate
    /// is on an edge, and returns every trial with the chosen rate.
    public func run(seeds: [UInt64], trial: (Double, UInt64) throws -> Score) rethrows -> Outcome {
        precondition(!seeds.isEmpty, "RateSweep: no seeds")
        var trials: [Trial] = []
        func tryRate(_ rate: Double) throws {
            for seed in seeds { trials.append(Trial(rate: rate, seed: seed, score: try trial(rate, seed))) }
        }
        for rate in grid { try tryRate(rate) }
        var extensions = 0
        while true {
            let outcome = Self.decide(trials)
            let results = outcome.results
            guard !outcome.bracketed, extensions < maximumExtensions else { return outcome }
            // Extend past the edge the best rate sits on (with one rate, upwards first).
            let next = outcome.chosen == results.last!.rate ? outcome.chosen * ratio : outcome.chosen / ratio
            try tryRate(next)
            extensions += 1
        }
    }

    /// The best rate among `trials` (the smallest rate among equals) and whether it is bracketed.
    static func decide(_ trials: [Trial]) -> Outcome {
        var outcome = Outcome(trials: trials, chosen: 0, bracketed: false)
        let results = outcome.results
        let best = results.indices.min { results[$0].score < results[$1].score }!
        outcome.chosen = results[best].rate
        outcome.bracketed = best > 0 && best < results.count - 1
        return outcome
    }
}
