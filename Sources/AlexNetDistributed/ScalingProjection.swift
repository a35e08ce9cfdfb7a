/// The paper's 90 epochs on M machines of data-parallel training, from measured numbers: each
/// step, every machine computes its 128/M images at `imagesPerSecond` (what one machine trains
/// at alone), then the gradients — `gradientBytes`, the paper's 60,965,224 floats — are summed by
/// a ring all-reduce, which sends and receives 2·(M − 1)/M of them per machine over a link of
/// `bitsPerSecond`; no overlap of the two is assumed (the library does not overlap them).
public struct ScalingProjection: Sendable {
    public var imagesPerSecond: Double
    public var gradientBytes = 60_965_224.0 * 4
    public var batch = 128.0
    public var epochs = 90.0, imagesPerEpoch = 1_281_167.0

    public init(imagesPerSecond: Double) { self.imagesPerSecond = imagesPerSecond }

    /// Seconds of one step on `machines`, split into compute and communication.
    public func step(machines: Int, bitsPerSecond: Double) -> (compute: Double, communication: Double) {
        let m = Double(machines)
        let compute = batch / m / imagesPerSecond
        let communication = machines == 1 ? 0 : 2 * (m - 1) / m * gradientBytes * 8 / bitsPerSecond
        return (compute, communication)
    }

    /// Days of one 90-epoch run.
    public func days(machines: Int, bitsPerSecond: Double) -> Double {
        let s = step(machines: machines, bitsPerSecond: bitsPerSecond)
        return epochs * imagesPerEpoch / batch * (s.compute + s.communication) / 86_400
    }
}
