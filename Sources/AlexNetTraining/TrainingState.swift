import AlexNet
/// One row of the training log: what happened in one epoch.
public struct EpochRecord: Sendable, Equatable, Codable {
    public var epoch: Int
    public var learningRate: Double
    /// Mean loss and error over the epoch's training batches, in training mode (with dropout and
    /// augmentation), as the paper's Figure 1 reports training error.
    public var trainingLoss: Double, trainingError: Double
    /// NaN when there is no validation split.
    public var validationTop1: Double, validationTop5: Double
    public var testTop1: Double, testTop5: Double
    public var imagesPerSecond: Double
    /// Seconds of training since the start, evaluation included.
    public var wallSeconds: Double

    public static let csvHeader = ["epoch", "learning_rate", "training_loss", "training_error",
                                   "validation_top1", "validation_top5", "test_top1", "test_top5",
                                   "images_per_second", "wall_seconds"]

    /// Equal when every field is, NaN (no validation split) matching NaN.
    public static func == (a: EpochRecord, b: EpochRecord) -> Bool {
        a.csvRow.map(\.bitPattern) == b.csvRow.map(\.bitPattern)
    }

    public var csvRow: [Double] {
        [Double(epoch), learningRate, trainingLoss, trainingError, validationTop1, validationTop5,
         testTop1, testTop5, imagesPerSecond, wallSeconds]
    }
}

/// Where training stands: enough, with the weights, momentum and random generators, to carry
/// on bit-identically after a stop.
public struct TrainingState: Sendable, Equatable, Codable {
    /// The epoch in progress (0-based) and the next batch to train in it.
    public var epoch = 0, batchIndex = 0
    /// Updates made since the start.
    public var step = 0
    public var schedule: LearningRateSchedule
    /// Running sums over the batches of the epoch in progress.
    public var epochLossSum = 0.0, epochMistakes = 0, epochImages = 0, epochSeconds = 0.0
    public var elapsedSeconds = 0.0
    /// Every finished epoch.
    public var records: [EpochRecord] = []

    public init(schedule: LearningRateSchedule) {
        self.schedule = schedule
    }

    /// Books one step: its batch's mean loss over `images` images, its mistakes, its seconds.
    public mutating func record(_ step: StepResult) {
        epochLossSum += Double(step.loss) * Double(step.images)
        epochMistakes += step.mistakes
        epochImages += step.images
        epochSeconds += step.seconds
        elapsedSeconds += step.seconds
        batchIndex += 1
        self.step += 1
    }

    /// The mean training loss and top-1 error over the epoch's batches so far.
    public var epochLoss: Double { epochLossSum / Double(max(1, epochImages)) }
    public var epochError: Double { Double(epochMistakes) / Double(max(1, epochImages)) }
}

/// What one training step measured: the batch's mean loss, its top-1 mistakes, its images and
/// the seconds the step took.
public struct StepResult: Sendable, Equatable {
    public var loss: Float, mistakes: Int, images: Int, seconds: Double
}
