import AlexNet
import AlexNetTraining
import AlexNetExperiments
import Foundation
import ToolSupport

/// One network timed on both executors: the grouped network on all threads (the towers as
/// groups, the batch split over the threads) and the tower-parallel one (each tower on its own
/// worker with its share of the threads, exchanging at conv3 and the FC layers).
struct ExecutorTiming {
    var net: String, batch: Int
    /// Seconds per step of each timed step, the executors alternating step by step.
    var groupedTimes: [Double], parallelTimes: [Double]
    var groupedSeconds: Double { Spread(groupedTimes).median }
    var parallelSeconds: Double { Spread(parallelTimes).median }
    /// median(parallel)/median(grouped), with its bootstrap interval: inside the noise when it contains 1.
    var ratio: RatioOfMedians { RatioOfMedians(groupedTimes, parallelTimes) }
    var statistics: TowerExchangeStatistics
    var steps: Int
    var arithmeticBytesPerImage: Int
    var largestLogitDifference: Double
}

/// Times `steps` forward-backward passes of batch `batch` (after one warm-up) on each executor,
/// alternating between them so that both see the same machine, from two copies of the same
/// initial weights, and checks they give the same logits.
func timeExecutors(_ net: String, _ configuration: AlexNetConfiguration, batch: Int, steps: Int) throws -> ExecutorTiming {
    var g = RandomGenerator(seed: 7)
    let images = Tensor<Float>.normal(shape: [batch, configuration.inputChannels, configuration.inputSize, configuration.inputSize],
                                      standardDeviation: 1, generator: &g)
    let labels = (0..<batch).map { $0 % configuration.classes }
    let grouped = try AlexNetModel<Float>(configuration)
    let parallel = try TowerExecutor(try AlexNetModel<Float>(configuration))
    let difference = zip(grouped.forward(images).scalars, parallel.forward(images).scalars).map { abs($0 - $1) }.max()!
    func step(_ network: any Network<Float>) -> Double {
        measureSeconds { _ = network.lossAndGradient(images: images, labels: labels); network.zeroGradients() }
    }
    _ = step(grouped)                                                       // warm-up: buffers, pages
    _ = step(parallel)
    parallel.resetStatistics()
    var groupedTimes: [Double] = [], parallelTimes: [Double] = []
    for _ in 0..<steps {
        groupedTimes.append(step(grouped))
        parallelTimes.append(step(parallel))
    }
    return ExecutorTiming(net: net, batch: batch, groupedTimes: groupedTimes, parallelTimes: parallelTimes,
                          statistics: parallel.statistics, steps: steps,
                          arithmeticBytesPerImage: parallel.exchangedScalarsPerImage * 4,
                          largestLogitDifference: Double(difference))
}

extension ExecutorTiming {
    static let header = ["net", "batch", "executor", "seconds_per_step", "images_per_second", "bytes_per_image_forward",
                         "bytes_per_image_backward", "bytes_per_image_arithmetic", "busy_seconds_per_step_tower1",
                         "busy_seconds_per_step_tower2", "waiting_seconds_per_step_tower1", "waiting_seconds_per_step_tower2",
                         "exchange_seconds_per_step_tower1", "exchange_seconds_per_step_tower2", "largest_logit_difference"]

    var rows: [[String]] {
        let s = statistics, n = Double(steps)
        let grouped = [net, String(batch), "grouped", String(groupedSeconds), String(Double(batch) / groupedSeconds)]
            + Array(repeating: "", count: 9) + [String(largestLogitDifference)]
        let parallel = [net, String(batch), "tower-parallel", String(parallelSeconds), String(Double(batch) / parallelSeconds),
                        String(s.forwardBytesPerImage), String(s.backwardBytesPerImage), String(arithmeticBytesPerImage)]
            + (s.busySeconds + s.waitingSeconds + s.exchangeSeconds).map { String($0 / n) } + [String(largestLogitDifference)]
        return [grouped, parallel]
    }

    /// One line for the console.
    var line: String {
        let s = statistics, n = Double(steps)
        return String(format: "%@, batch %d: grouped %@ s/step, tower-parallel %@ s/step (time ratio %@)%@; %.0f KB exchanged per image each way (arithmetic %.0f); waiting %.3f / %.3f s per step, copying %.3f / %.3f; logits agree to %.1e",
                      net, batch, Spread(groupedTimes).formatted(3), Spread(parallelTimes).formatted(3), ratio.formatted,
                      ", " + ratio.verdict, s.forwardBytesPerImage / 1000,
                      Double(arithmeticBytesPerImage) / 1000, s.waitingSeconds[0] / n, s.waitingSeconds[1] / n,
                      s.exchangeSeconds[0] / n, s.exchangeSeconds[1] / n, largestLogitDifference)
    }
}
