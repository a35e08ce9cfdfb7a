import AlexNet
import AlexNetData
import AlexNetExperiments
import Foundation
import Plotting
import ToolSupport

/// What the real run would cost here, measured at ImageNet's sizes (whatever data the chapter
/// trained on): preparing synthetic photographs of 500×375 into 256×256 shards, the loader
/// cutting the paper's 227×227 views from them, and the paper's network's training step at the
/// paper's batch; then ``ImageNetThroughput/Projection``.
struct Costs {
    var photographs: Int, photographBytes: Double
    /// Of the four odd files added to the photographs (as ILSVRC-2012 has them): converted, skipped.
    var converted: Int, skipped: Int
    var preparationRate: Double
    var loaderRates: [Int: Double]
    var trainingRate: Double, trainingBatch: Int
    var projection: ImageNetThroughput.Projection

    static func measure(photographs: Int, trainingBatch: Int, trainingSteps: Int, threads: Int) throws -> Costs {
        let scratch = NSTemporaryDirectory() + "alexnet-chapter-10-costs-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let bytes = try ImageNetThroughput.writePhotographs(count: photographs, to: scratch + "/tree")
        try writeOddFiles(into: scratch + "/tree/train/\(ImageNetTree.wnid(0))")
        let (prepare, index) = try ImageNetThroughput.preparation(root: scratch + "/tree", output: scratch + "/shards", threads: threads,
                                                                  decodeOther: ImageNetPreparation.readPNG)
        let shards = try ImageNetShards(directory: scratch + "/shards")
        var loader: [Int: Double] = [:]
        for workers in [1, 2] {
            loader[workers] = median((0..<3).map { _ in
                ImageNetThroughput.loader(shards.train, normalization: shards.normalization, lighting: shards.lighting,
                                          batchSize: 128, batches: max(2, 2 * photographs / 128), workers: workers)
            })
        }
        let network = try AlexNetModel<Float>(.paper)
        let train = try ImageNetThroughput.trainingStep(network, classes: 1000, batchSize: trainingBatch, steps: trainingSteps)
        // Training keeps both cores busy; the loader's one background thread is what it has.
        return Costs(photographs: photographs, photographBytes: bytes, converted: index.converted, skipped: index.skipped,
                     preparationRate: prepare, loaderRates: loader,
                     trainingRate: train, trainingBatch: trainingBatch,
                     projection: ImageNetThroughput.Projection(trainingRate: train, loaderRate: loader[1]!, preparationRate: prepare))
    }

    /// The odd files of the real data, beside the photographs: a grey JPEG, a CMYK JPEG (22 in
    /// ILSVRC-2012's training set), a PNG named .JPEG (one there), and a JPEG cut short.
    static func writeOddFiles(into folder: String) throws {
        let (w, h) = (500, 375)
        let grey = (0..<(w * h)).map { UInt8(($0 % w + $0 / w) % 256) }
        try Data(try JPEG.encode(grey, width: w, height: h, colourSpace: .grey)).write(to: URL(fileURLWithPath: "\(folder)/odd_grey.JPEG"))
        let inks = (0..<(w * h)).flatMap { p -> [UInt8] in [UInt8(p % 256), 128, UInt8((p / w) % 256), 230] }
        try Data(try JPEG.encode(inks, width: w, height: h, colourSpace: .cmyk)).write(to: URL(fileURLWithPath: "\(folder)/odd_cmyk.JPEG"))
        try Image(width: w, height: h, channels: 3, pixels: (0..<(w * h * 3)).map { UInt8($0 % 253) }).writePNG(to: "\(folder)/odd_png.JPEG")
        let photo = [UInt8](FileManager.default.contents(atPath: "\(folder)/photo_0.JPEG") ?? Data())
        try Data(photo.prefix(photo.count * 3 / 4)).write(to: URL(fileURLWithPath: "\(folder)/odd_truncated.JPEG"))
    }

    /// Rows of the projection: what, seconds on this machine.
    var rows: [(name: String, seconds: Double)] {
        [("prepare ILSVRC-2012 once (1,331,167 images)", projection.preparationSeconds),
         ("one net, 90 epochs", projection.runSeconds),
         ("five nets (Table 2: 16.4% top-5)", projection.fiveNetSeconds),
         ("pre-training two nets on Fall 2011 (90 passes assumed)", projection.pretrainingSeconds),
         ("seven nets, two pre-trained on Fall 2011 (15.3%)", projection.sevenNetSeconds)]
    }
}
