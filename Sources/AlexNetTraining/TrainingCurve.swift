/// Reading a training curve the way the paper reads Figure 1: how many epochs until the
/// training error first reaches a threshold.
public enum TrainingCurve {
    /// The epoch at which `errors` (the error after epoch 1, 2, …) first falls to `threshold`,
    /// interpolated linearly between the last epoch above and the first at or below it (epoch 0
    /// counts as error `start`, chance). Nil if the curve never gets there.
    public static func epochsToReach(_ threshold: Double, errors: [Double], start: Double = 1) -> Double? {
        var previous = (epoch: 0.0, error: start)
        for (i, e) in errors.enumerated() {
            let epoch = Double(i + 1)
            if e <= threshold {
                guard previous.error > threshold else { return previous.epoch }
                return previous.epoch + (previous.error - threshold) / (previous.error - e) * (epoch - previous.epoch)
            }
            previous = (epoch, e)
        }
        return nil
    }
}
