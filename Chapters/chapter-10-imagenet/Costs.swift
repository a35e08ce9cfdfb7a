import AlexNet
import AlexNetData
import AlexNetExperiments
import Foundation
import Plotting
import ToolSupport

/// What the real run would cost here, measured at ImageNet's sizes (whatever data the chapter
/// trained on): preparing synthetic photographs of 500×375 into 256×256 shards, from a tree of
/// files and from the same files as a tar of per-class tars (ILSVRC's download); the loader
/// cutting the paper's 227×227 views from them; the paper's network's training step at the
/// paper's batch, with a sixth convolution, and with a sixth convolution and Fall 2011's 21,841
/// outputs; its forward pass (evaluation); the disk's read rate; then
/// ``ImageNetThroughput/Projection``.
struct Costs {
    var photographs: Int, photographBytes: Double
    /// Of the four odd files added to the photographs (as ILSVRC-2012 has them): converted, skipped.
    var converted: Int, skipped: Int
    /// Images per second prepared from the tree of files and from the archive.
    var preparationRate: Double, archivePreparationRate: Double
    var loaderRates: [Int: Double]
    var trainingRate: Double, trainingBatch: Int
    var diskMegabytes: Int
    var projection: ImageNetThroughput.Projection

    static func measure(photographs: Int, trainingBatch: Int, trainingSteps: Int, diskMegabytes: Int, threads: Int) throws -> Costs {
        let scratch = NSTemporaryDirectory() + "alexnet-chapter-10-costs-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let bytes = try ImageNetThroughput.writePhotographs(count: photographs, to: scratch + "/tree")
        try writeOddFiles(into: scratch + "/tree/train/\(ImageNetTree.wnid(0))")
        let (prepare, index) = try ImageNetThroughput.preparation(root: scratch + "/tree", output: scratch + "/shards", threads: threads,
                                                                  decodeOther: ImageNetPreparation.readPNG)
        try ImageNetThroughput.archive(tree: scratch + "/tree", to: scratch + "/train.tar")
        let fromArchive = try ImageNetThroughput.preparation(root: scratch + "/tree", archive: scratch + "/train.tar", output: scratch + "/archive-shards",
                                                             threads: threads, decodeOther: ImageNetPreparation.readPNG).imagesPerSecond
        let shards = try ImageNetShards(directory: scratch + "/shards")
        var loader: [Int: Double] = [:]
        for workers in [1, 2] {
            loader[workers] = median((0..<3).map { _ in
                ImageNetThroughput.loader(shards.train, normalization: shards.normalization, lighting: shards.lighting,
                                          batchSize: 128, batches: max(2, 2 * photographs / 128), workers: workers)
            })
        }
        // The three networks of the seven-net entry, one at a time (each is freed before the next).
        func step(_ configuration: AlexNetConfiguration) throws -> Double {
            try ImageNetThroughput.trainingStep(try AlexNetModel<Float>(configuration), classes: configuration.classes, batchSize: trainingBatch, steps: trainingSteps)
        }
        let train = try step(.paper), six = try step(.paperSixConvolutions)
        var fall = AlexNetConfiguration.paperSixConvolutions
        fall.classes = ImageNetThroughput.Projection.fall2011Classes
        let fallRate = try step(fall)
        let inference = ImageNetThroughput.inference(try AlexNetModel<Float>(.paper), batchSize: trainingBatch, steps: trainingSteps)
        let disk = try ImageNetThroughput.diskReadRate(directory: scratch, megabytes: diskMegabytes)
        // Training keeps both cores busy; the loader's one background thread is what it has.
        var projection = ImageNetThroughput.Projection(trainingRate: train, sixConvolutionRate: six, fall2011Rate: fallRate, loaderRate: loader[1]!,
                                                       preparationRate: fromArchive, inferenceRate: inference, diskRate: disk)
        projection.shardsFitInMemory = Double(ProcessInfo.processInfo.physicalMemory) > 1.2 * Double(ImageNetThroughput.Projection.trainingImages) * ImageNetThroughput.Projection.shardImageBytes
        return Costs(photographs: photographs, photographBytes: bytes, converted: index.converted, skipped: index.skipped,
                     preparationRate: prepare, archivePreparationRate: fromArchive, loaderRates: loader,
                     trainingRate: train, trainingBatch: trainingBatch, diskMegabytes: diskMegabytes, projection: projection)
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
        [("prepare ILSVRC-2012 from its archives (1,331,167 images)", projection.preparationSeconds),
         ("one net, 90 epochs, evaluated each epoch", projection.runSeconds),
         ("five nets and their ten-view average (Table 2: 16.4% top-5)", projection.fiveNetSeconds),
         ("prepare Fall 2011 from its archive (14,197,122 images)", projection.fall2011PreparationSeconds),
         ("pre-train two six-conv nets, 21,841 outputs, on Fall 2011 (90 passes assumed)", projection.pretrainingSeconds),
         ("fine-tune the two on ILSVRC-2012 (a full run each)", projection.fineTuningSeconds),
         ("seven nets and their ten-view average (15.3%)", projection.sevenNetSeconds)]
    }
}
