import Coursework

/// The eight assignments and their tests, in the order of the book.
public enum Suites {
    public struct Assignment: Sendable {
        public var number: Int
        public var title: String
        public var visible: [GradedTest]
    }

    public static let assignments: [Assignment] = [
        Assignment(number: 1, title: "ReLU and tanh", visible: ActivationsTests.tests),
        Assignment(number: 2, title: "Fully connected layer and softmax cross-entropy", visible: FullyConnectedTests.tests),
        Assignment(number: 3, title: "Convolution with groups through im2col", visible: ConvolutionTests.tests),
        Assignment(number: 4, title: "Overlapping max-pooling", visible: MaxPoolingTests.tests),
        Assignment(number: 5, title: "Local response normalisation", visible: LocalResponseNormalizationTests.tests),
        Assignment(number: 6, title: "Dropout", visible: DropoutTests.tests),
        Assignment(number: 7, title: "The paper's SGD", visible: SGDTests.tests),
        Assignment(number: 8, title: "PCA lighting and the ten-view evaluation", visible: TestTimeAugmentationTests.tests),
    ]

    /// Assignment `number`'s tests: the visible ones, then the hidden ones where this copy holds them.
    public static func tests(of number: Int) -> [GradedTest] {
        (assignments.first { $0.number == number }?.visible ?? []) + hiddenTests(of: number)
    }

    static func hiddenTests(of number: Int) -> [GradedTest] {
        // BEGIN HIDDEN
        if let tests = HiddenTests.suites[number] { return tests }
        // END HIDDEN
        return []
    }

    /// The seed of the hidden tests unless the grader names another (0 in a student copy, which holds none).
    public static var defaultHiddenSeed: UInt64 {
        // BEGIN HIDDEN
        if !HiddenTests.suites.isEmpty { return HiddenTests.defaultSeed }
        // END HIDDEN
        return 0
    }
}
