import AlexNet
import Foundation
import ToolSupport
import AlexNetData
import AlexNetTraining
import Plotting

/// `alexnet prepare-imagenet`: the one pass that turns an ImageNet tree into shards (Section 2).
func prepareImageNet(_ raw: ArraySlice<String>) throws {
    let a = Arguments(raw, command: "alexnet prepare-imagenet",
                      summary: "Decode ImageNet's JPEGs, rescale the shorter side to --size and keep the central square (Section 2), and write memory-mappable shards with the mean image and the PCA of the pixels (Section 4.1). A killed run resumes where it stopped.")
    let root = a.optionalString("--imagenet-dir", help: "the data: DIR/train/WNID/*.JPEG and DIR/val/ (class folders, or flat), or a folder holding the downloads as they come (ILSVRC2012_img_train.tar, ILSVRC2012_img_val.tar, ILSVRC2012_devkit_t12.tar.gz), read without extracting", placeholder: "DIR")
    let trainArchive = a.optionalString("--train-archive", help: "the training tar as downloaded: a tar of per-class tars (ILSVRC2012_img_train.tar, or Fall 2011's fall11_whole.tar)", placeholder: "FILE")
    let validationArchive = a.optionalString("--validation-archive", help: "the flat validation tar as downloaded (ILSVRC2012_img_val.tar)", placeholder: "FILE")
    let devkit = a.optionalString("--devkit", help: "the devkit (ILSVRC2012_devkit_t12.tar.gz or its folder): the validation ground truth and meta.mat's map from ILSVRC ids to WordNet ids", placeholder: "FILE")
    let out = a.optionalString("--out", help: "where the shards, index.json, mean.f32 and report.txt go", placeholder: "DIR")
    let size = a.integer("--size", default: 256, help: "side of the stored images (the paper: 256)", range: 1...4096)
    let perShard = a.integer("--shard-images", default: 1000, help: "images per shard file (1,000 of 256×256: 197 MB)", range: 1...1_000_000)
    let labels = a.optionalString("--validation-labels", help: "labels of a flat validation set: 'name wnid', 'name,wnid …' (LOC_val_solution.csv), 'name index' (Caffe's val.txt), or bare ILSVRC ids (with --devkit or --synsets)", placeholder: "FILE")
    let synsets = a.optionalString("--synsets", help: "WordNet ids in ILSVRC id order, one per line, for bare ids; a sorted list (the class folders' order) is refused: prefer --devkit", placeholder: "FILE")
    let threads = a.integer("--threads", default: ProcessInfo.processInfo.activeProcessorCount, help: "decoding threads", range: 1...1024)
    let maximumPixels = maximumPixelsOption(a, refusal: "is skipped, with the reason in report.txt")
    try a.finish()
    guard root != nil || trainArchive != nil, let out else {
        throw UsageError("--out DIR and the data (--imagenet-dir DIR, or --train-archive FILE) are required", command: a.command)
    }
    let source = trainArchive ?? root!
    let layout = try trainArchive.map {
        try ImageNetLayout.scan(trainArchive: $0, validationArchive: validationArchive, devkit: devkit, validationLabels: labels, synsets: synsets)
    } ?? ImageNetLayout.scan(downloadsOrTree: root!, validationLabels: labels, synsets: synsets, devkit: devkit)
    let display = ProgressDisplay()
    let stale = removeStalePartialFiles(in: out)
    if !stale.isEmpty { display.log("removed \(stale.count) temporary file\(stale.count == 1 ? "" : "s") a killed run left in \(out)") }
    for problem in layout.problems { display.log("warning: \(problem)") }
    display.log("\(source): \(layout.classes.count) classes, \(layout.train.count) training and \(layout.validation.count) validation files; writing \(size)×\(size) shards to \(out)")
    var preparation = ImageNetPreparation(layout: layout, output: out)
    preparation.size = size
    preparation.imagesPerShard = perShard
    preparation.threads = threads
    preparation.maximumPixels = maximumPixels
    preparation.decodeOther = ImageNetPreparation.readPNG(maximumPixels: maximumPixels)
    let started = Date()
    let prepared = try preparation.run { p in
        display.status(String(format: "prepared %d/%d images  %.0f images/s  %@ left  (%d converted, %d skipped)", p.done, p.total,
                              p.imagesPerSecond, ProgressDisplay.duration(p.secondsLeft), p.converted, p.skipped), final: p.done == p.total)
    }
    guard let index = prepared else { return }      // only with stopAfterShards, which the tool does not set
    let train = index.train.reduce(0) { $0 + $1.images }, validation = index.validation.reduce(0) { $0 + $1.images }
    print("prepared \(train) training and \(validation) validation images of \(index.size)×\(index.size) in \(index.train.count + index.validation.count) shards (\(ProgressDisplay.duration(Date().timeIntervalSince(started))))")
    print("converted \(index.converted) files, skipped \(index.skipped); each is listed with the reason in \((out as NSString).appendingPathComponent("report.txt"))")
    let lighting = PCALighting(covariance: index.covariance)
    print("PCA of the training pixels (values in [0, 1]): eigenvalues " + lighting.eigenvalues.map { String(format: "%.5f", $0) }.joined(separator: ", "))
}
