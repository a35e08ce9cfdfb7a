import AlexNet
import AlexNetData
import AlexNetExperiments
import Foundation
import Plotting
import ToolSupport

/// Where chapter 10's images come from, prepared into shards by the same one pass as ImageNet's:
/// ImageNet itself when `--dataset imagenet --data-dir DIR` names a tree, a folder of the
/// downloaded archives (prepared into `--prepared DIR`) or a prepared directory; otherwise
/// Fashion-MNIST written out as ILSVRC-2012's three downloads (a tar of per-class tars of grey
/// 28×28 JPEGs, a flat validation tar, a devkit whose meta.mat maps the ids), prepared from the
/// archives at 32×32 so that the paper's 224-of-256 crops become 28-of-32 — the same ratio, 0.875.
///
/// The stand-in for ImageNet Fall 2011 (the pre-training set of Table 2's starred nets): other
/// Fashion-MNIST training images, more of them, under a finer labelling of twice as many classes
/// (each class split at its median brightness), written as fall11_whole.tar and prepared the
/// same way. With ImageNet, `--fall2011-prepared DIR` names Fall 2011's prepared shards.
struct ImageNetSource {
    var shards: ImageNetShards
    /// What the images are, in a sentence (printed and written into the summary).
    var description: String
    var isImageNet: Bool
    var classNames: [String]
    var preparationSeconds: Double
    /// A directory made for this run, removed at the end.
    var scratch: String?
    /// The pre-training data of the starred nets, and what it is; nil: none.
    var fall2011: ImageNetShards?, fall2011Description: String?

    static func obtain(_ options: ChapterOptions, prepared: String?, validationLabels: String?, synsets: String?, devkit: String?,
                       fall2011Prepared: String?, trainImages: Int, reportedImages: Int, fallImages: Int) throws -> ImageNetSource {
        if options.data.isImageNet {
            guard let directory = options.data.directory else { throw UsageError("--dataset imagenet needs --data-dir DIR: an ImageNet tree (with --prepared DIR) or a prepared directory") }
            var seconds = 0.0
            var shardsDirectory = directory
            if !FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("index.json")) {
                guard let prepared else { throw UsageError("\(directory) is an ImageNet tree: name where its shards go with --prepared DIR (about 260 GB for ILSVRC-2012)") }
                var preparation = ImageNetPreparation(layout: try ImageNetLayout.scan(downloadsOrTree: directory, validationLabels: validationLabels,
                                                                                      synsets: synsets, devkit: devkit),
                                                       output: prepared)
                preparation.threads = options.threads
                preparation.decodeOther = ImageNetPreparation.readPNG
                seconds = try measureSeconds { try preparation.run() }
                shardsDirectory = prepared
            }
            let shards = try ImageNetShards(directory: shardsDirectory)
            let fall = try fall2011Prepared.map { try ImageNetShards(directory: $0) }
            return ImageNetSource(shards: shards, description: "ImageNet, \(shards.train.count) training and \(shards.validation?.count ?? 0) validation images of \(shards.index.size)×\(shards.index.size)",
                                  isImageNet: true, classNames: shards.index.classes.count == 1000 ? ImageNetClassNames.all : shards.index.classes,
                                  preparationSeconds: seconds, scratch: nil, fall2011: fall,
                                  fall2011Description: fall.map { "ImageNet Fall 2011 as prepared in \($0.directory), \($0.train.count) images of \($0.index.classes.count) classes" })
        }
        let fashion = try options.data.load()
        let scratch = NSTemporaryDirectory() + "alexnet-chapter-10-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: scratch)
        // ILSVRC-2012's three downloads, with a validation set of equally many images of every class.
        let downloads = try ImageNetTree.writeArchives(train: fashion.train.prefix(trainImages),
                                                       validation: fashion.test.balanced(perClass: reportedImages / fashion.classes), to: scratch + "/downloads")
        var preparation = ImageNetPreparation(layout: try ImageNetLayout.scan(trainArchive: downloads.train, validationArchive: downloads.validation, devkit: downloads.devkit),
                                              output: scratch + "/shards")
        preparation.size = 32
        preparation.threads = options.threads
        let seconds = try measureSeconds { try preparation.run() }
        let shards = try ImageNetShards(directory: scratch + "/shards")
        // Fall 2011's stand-in: the next images of the training set, each class split at its median brightness.
        let pool = fashion.train.subset(Array(trainImages..<min(fashion.train.count, trainImages + fallImages)))
        let fallArchive = try ImageNetTree.writeArchives(train: refinedByBrightness(pool), validation: nil, to: scratch + "/fall", trainName: "fall11_whole.tar").train
        var fallPreparation = ImageNetPreparation(layout: try ImageNetLayout.scan(trainArchive: fallArchive), output: scratch + "/fall-shards")
        fallPreparation.size = 32
        fallPreparation.threads = options.threads
        try fallPreparation.run()
        let fall = try ImageNetShards(directory: scratch + "/fall-shards")
        return ImageNetSource(shards: shards,
                              description: "not ImageNet: \(fashion.name) written as ILSVRC-2012's three archives of grey 28×28 JPEGs (\(shards.train.count) training images from its training set, \(shards.validation!.count) from its test set, \(shards.validation!.count / fashion.classes) of each class, as the reported 'validation' set), prepared from the archives at 32×32",
                              isImageNet: false, classNames: fashion.classNames, preparationSeconds: seconds, scratch: scratch, fall2011: fall,
                              fall2011Description: "not Fall 2011: the next \(fall.train.count) images of \(fashion.name)'s training set in \(fall.index.classes.count) classes (each class split at its median brightness), as fall11_whole.tar")
    }

    /// `split` relabelled into twice as many classes: class c becomes 2c for the darker half of its
    /// images (by mean pixel) and 2c + 1 for the brighter half — a finer labelling of more images,
    /// as Fall 2011's 21,841 classes are of ILSVRC's 1,000.
    static func refinedByBrightness(_ split: DatasetSplit) -> DatasetSplit {
        let brightness = (0..<split.count).map { i in split.image(i).reduce(0) { $0 + Int($1) } }
        var labels = split.labels
        for c in Set(split.labels) {
            let members = split.labels.indices.filter { split.labels[$0] == c }.sorted { (brightness[$0], $0) < (brightness[$1], $1) }
            for (rank, i) in members.enumerated() { labels[i] = 2 * c + (rank >= members.count / 2 ? 1 : 0) }
        }
        return DatasetSplit(channels: split.channels, height: split.height, width: split.width, pixels: split.pixels, labels: labels)
    }
}
