import AlexNet
/// How the learning rate ε changes over training (Section 5 of the paper).
///
/// - `constant`: ε throughout.
/// - `steps`: ε divided by 10 at each of the given epochs.
/// - `plateau`: the paper's rule — divide by 10 when the validation error has not improved for
///   `patience` epochs, at most `maximumReductions` times (the paper: three).
///
/// The schedule carries its own state (best error so far, epochs without improvement,
/// reductions made) so that a checkpoint restores it exactly.
public struct LearningRateSchedule: Sendable, Equatable, Codable {
    public enum Kind: Sendable, Equatable, Codable {
        case constant
        case steps(atEpochs: [Int])
        case plateau(patience: Int, maximumReductions: Int)
    }

    public var kind: Kind
    public var initialRate: Double
    /// The factor of each reduction (the paper: 1/10).
    public var factor = 0.1
    public private(set) var reductions = 0
    public private(set) var bestError = Double.infinity
    public private(set) var epochsWithoutImprovement = 0

    public init(_ kind: Kind, initialRate: Double) {
        self.kind = kind
        self.initialRate = initialRate
    }

    public static func constant(_ rate: Double) -> Self { Self(.constant, initialRate: rate) }
    public static func steps(_ rate: Double, atEpochs epochs: [Int]) -> Self { Self(.steps(atEpochs: epochs), initialRate: rate) }
    /// The paper's: ε = 0.01, ÷10 on a plateau of `patience` epochs, three times at most.
    public static func plateau(_ rate: Double = 0.01, patience: Int = 1, maximumReductions: Int = 3) -> Self {
        Self(.plateau(patience: patience, maximumReductions: maximumReductions), initialRate: rate)
    }

    /// The learning rate for `epoch` (0-based).
    public func rate(epoch: Int) -> Double {
        switch kind {
        case .constant: initialRate
        case .steps(let epochs): initialRate * pow(factor, Double(epochs.filter { epoch >= $0 }.count))
        case .plateau: initialRate * pow(factor, Double(reductions))
        }
    }

    /// Tells the schedule the validation error at the end of an epoch; the plateau rule may
    /// reduce the rate for the epochs that follow. Returns whether it did.
    @discardableResult
    public mutating func record(validationError error: Double) -> Bool {
        guard case .plateau(let patience, let maximum) = kind else { return false }
        if error < bestError {
            bestError = error
            epochsWithoutImprovement = 0
            return false
        }
        epochsWithoutImprovement += 1
        guard epochsWithoutImprovement >= patience, reductions < maximum else { return false }
        reductions += 1
        epochsWithoutImprovement = 0
        return true
    }
}

import Foundation
