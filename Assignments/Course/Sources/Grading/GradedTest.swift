import AlexNet

/// One test of an assignment: a name, its points, whether the student copy holds it, and a body
/// that measures the student's code through a ``Judge``.
public struct GradedTest: Sendable {
    public enum Visibility: String, Codable, Sendable {
        /// In the student copy: known values, PyTorch's golden numbers, gradient checks.
        case visible
        /// Only in the instructor's copy: random shapes and values from a seed the student copy
        /// does not hold, compared with the library's own layers.
        case hidden
    }

    public var name: String
    public var points: Int
    public var visibility: Visibility
    public var body: @Sendable (Judge) throws -> Void

    public init(_ name: String, points: Int, _ visibility: Visibility = .visible, _ body: @escaping @Sendable (Judge) throws -> Void) {
        self.name = name
        self.points = points
        self.visibility = visibility
        self.body = body
    }

    /// Runs the body; a thrown error (``Coursework/NotImplemented``, a shape mistake) fails the
    /// test with its message, as does any comparison the judge found outside its tolerance.
    public func run(context: GradingContext) -> TestOutcome {
        let judge = Judge(context: context)
        var failure: String?
        do { try body(judge) } catch { failure = "\(error)" }
        if failure == nil, let first = judge.failures.first {
            failure = first + (judge.failures.count > 1 ? " (and \(judge.failures.count - 1) more)" : "")
        }
        return TestOutcome(test: name, visibility: visibility, points: failure == nil ? points : 0, maxPoints: points,
                           passed: failure == nil, largestRelativeError: judge.largestRelativeError,
                           gradientCheck: judge.gradientCheckError, message: failure ?? "")
    }
}

/// What a test found, as one line of the runner's JSON output (the grader one folder up reads
/// exactly these fields: keep `Sources/GraderKit/TestOutcome.swift` in step).
public struct TestOutcome: Codable, Sendable {
    public var test: String
    public var visibility: GradedTest.Visibility
    public var points: Int
    public var maxPoints: Int
    public var passed: Bool
    /// The largest relative error of any comparison with a reference (known values, PyTorch's
    /// numbers, the library), nil when the test made none.
    public var largestRelativeError: Double?
    /// The largest relative error of the numerical gradient check, nil when the test made none.
    public var gradientCheck: Double?
    public var message: String
}

/// What the runner knows beyond the student's code: where PyTorch's golden numbers are, and the
/// seed of the hidden tests.
public struct GradingContext: Sendable {
    public var goldenDirectory: String
    public var hiddenSeed: UInt64
    public init(goldenDirectory: String, hiddenSeed: UInt64) {
        self.goldenDirectory = goldenDirectory
        self.hiddenSeed = hiddenSeed
    }
}
