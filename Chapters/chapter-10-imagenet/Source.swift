import AlexNet
import AlexNetData
import AlexNetExperiments
import Foundation
import Plotting
import ToolSupport

/// Where chapter 10's images come from, prepared into shards by the same one pass as ImageNet's:
/// ImageNet itself when `--dataset imagenet --data-dir DIR` names a tree (prepared into
/// `--prepared DIR`) or a prepared directory; otherwise Fashion-MNIST written out as an
/// ImageNet-layout tree of JPEG files (grey, 28×28), prepared at 32×32 so that the paper's
/// 224-of-256 crops become 28-of-32 — the same ratio, 0.875.
struct ImageNetSource {
    var shards: ImageNetShards
    /// What the images are, in a sentence (printed and written into the summary).
    var description: String
    var isImageNet: Bool
    var classNames: [String]
    var preparationSeconds: Double
    /// A directory made for this run, removed at the end.
    var scratch: String?

    static func obtain(_ options: ChapterOptions, prepared: String?, validationLabels: String?, synsets: String?, trainImages: Int, reportedImages: Int) throws -> ImageNetSource {
        if options.data.isImageNet {
            guard let directory = options.data.directory else { throw UsageError("--dataset imagenet needs --data-dir DIR: an ImageNet tree (with --prepared DIR) or a prepared directory") }
            var seconds = 0.0
            var shardsDirectory = directory
            if !FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("index.json")) {
                guard let prepared else { throw UsageError("\(directory) is an ImageNet tree: name where its shards go with --prepared DIR (about 260 GB for ILSVRC-2012)") }
                var preparation = ImageNetPreparation(layout: try ImageNetLayout.scan(root: directory, validationLabels: validationLabels, synsets: synsets),
                                                       output: prepared)
                preparation.threads = options.threads
                preparation.decodeOther = ImageNetPreparation.readPNG
                seconds = try measureSeconds { try preparation.run() }
                shardsDirectory = prepared
            }
            let shards = try ImageNetShards(directory: shardsDirectory)
            return ImageNetSource(shards: shards, description: "ImageNet, \(shards.train.count) training and \(shards.validation?.count ?? 0) validation images of \(shards.index.size)×\(shards.index.size)",
                                  isImageNet: true, classNames: shards.index.classes.count == 1000 ? ImageNetClassNames.all : shards.index.classes,
                                  preparationSeconds: seconds, scratch: nil)
        }
        let fashion = try options.data.load()
        let scratch = NSTemporaryDirectory() + "alexnet-chapter-10-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: scratch)
        let labels = try ImageNetTree.write(train: fashion.train.prefix(trainImages), validation: fashion.test.prefix(reportedImages), to: scratch + "/tree")
        var preparation = ImageNetPreparation(layout: try ImageNetLayout.scan(root: scratch + "/tree", validationLabels: labels), output: scratch + "/shards")
        preparation.size = 32
        preparation.threads = options.threads
        let seconds = try measureSeconds { try preparation.run() }
        let shards = try ImageNetShards(directory: scratch + "/shards")
        return ImageNetSource(shards: shards,
                              description: "not ImageNet: \(fashion.name) written as an ImageNet-layout tree of grey 28×28 JPEGs (\(shards.train.count) training images from its training set, \(shards.validation!.count) from its test set as the reported 'validation' set), prepared at 32×32",
                              isImageNet: false, classNames: fashion.classNames, preparationSeconds: seconds, scratch: scratch)
    }
}
