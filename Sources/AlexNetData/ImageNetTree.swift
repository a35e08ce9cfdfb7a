import Foundation

/// Writes labelled images as an ImageNet-layout tree of JPEG files (``ImageNetLayout``): the
/// training images in one folder per class, the validation images flat with a labels file in
/// Kaggle's form ("name,wnid"). Chapter 10 runs the ImageNet tools end to end on such a tree made
/// from a small data set when no ImageNet is at hand, and the tests make theirs with it.
public enum ImageNetTree {
    /// The folder name of class `i`: a WordNet-like id, n00000000 + i, so that sorting the folders
    /// keeps the classes in order.
    public static func wnid(_ i: Int) -> String { String(format: "n%08d", i) }

    /// Writes `train` under ROOT/train/WNID/ and `validation` under ROOT/val/ with
    /// ROOT/LOC_val_solution.csv; grey splits become grey JPEGs. Returns the labels file's path.
    @discardableResult
    public static func write(train: DatasetSplit, validation: DatasetSplit, to root: String, quality: Int = 90) throws -> String {
        precondition(train.channels == 1 || train.channels == 3, "ImageNetTree: 1 or 3 channels")
        let fm = FileManager.default
        for (i, label) in train.labels.enumerated() {
            let folder = "\(root)/train/\(wnid(label))"
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try write(train, i, to: "\(folder)/\(wnid(label))_\(i).JPEG", quality: quality)
        }
        try fm.createDirectory(atPath: "\(root)/val", withIntermediateDirectories: true)
        var labels = "ImageId,PredictionString\n"
        for (i, label) in validation.labels.enumerated() {
            let name = String(format: "val_%08d", i + 1)
            try write(validation, i, to: "\(root)/val/\(name).JPEG", quality: quality)
            labels += "\(name),\(wnid(label)) 0 0 1 1\n"
        }
        let path = "\(root)/LOC_val_solution.csv"
        try writeAtomically(Array(labels.utf8), to: path)
        return path
    }

    /// Image `i` of `split` as a JPEG file.
    static func write(_ split: DatasetSplit, _ i: Int, to path: String, quality: Int) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(try jpeg(split, i, quality: quality))) else {
            throw ImageNetError.unreadable(path: path, problem: "cannot be written")
        }
    }

    /// Image `i` of `split` as JPEG bytes.
    static func jpeg(_ split: DatasetSplit, _ i: Int, quality: Int) throws -> [UInt8] {
        let plane = split.height * split.width
        let planar = Array(split.image(i))
        let interleaved = split.channels == 1 ? planar : (0..<(3 * plane)).map { planar[($0 % 3) * plane + $0 / 3] }
        return try JPEG.encode(interleaved, width: split.width, height: split.height,
                               colourSpace: split.channels == 1 ? .grey : .rgb, quality: quality)
    }

    /// The ILSVRC id of class `label` of `classes` in the archives ``writeArchives`` makes: the
    /// classes counted backwards, so that, as in the real devkit, id order is not sorted order.
    public static func ilsvrcID(_ label: Int, classes: Int) -> Int { classes - label }

    /// Writes labelled images as ILSVRC-2012 is downloaded (``ImageNetLayout/scan(trainArchive:validationArchive:devkit:validationLabels:synsets:)``):
    /// in `folder`, `trainName` (a tar of per-class tars WNID.tar, in ILSVRC id order), and when
    /// `validation` is given ILSVRC2012_img_val.tar (flat, ILSVRC2012_val_00000001.JPEG …) and
    /// ILSVRC2012_devkit_t12.tar.gz (data/meta.mat and the ground truth). With no validation and
    /// another `trainName` (fall11_whole.tar) it stands in for ImageNet Fall 2011. Returns the paths.
    @discardableResult
    public static func writeArchives(train: DatasetSplit, validation: DatasetSplit?, to folder: String,
                                     trainName: String = "ILSVRC2012_img_train.tar", quality: Int = 90) throws -> (train: String, validation: String?, devkit: String?) {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let classes = (train.labels.max() ?? -1) + 1
        var members = [[(name: String, bytes: [UInt8])]](repeating: [], count: classes)
        for (i, label) in train.labels.enumerated() {
            members[label].append(("\(wnid(label))_\(i).JPEG", try jpeg(train, i, quality: quality)))
        }
        var inner: [(name: String, bytes: [UInt8])] = []
        for label in (0..<classes).sorted(by: { ilsvrcID($0, classes: classes) < ilsvrcID($1, classes: classes) }) where !members[label].isEmpty {
            inner.append(("\(wnid(label)).tar", try TarArchive.encoded(members[label])))
        }
        let trainPath = (folder as NSString).appendingPathComponent(trainName)
        try TarArchive.write(inner, to: trainPath)
        guard let validation else { return (trainPath, nil, nil) }

        var flat: [(name: String, bytes: [UInt8])] = [], truth = ""
        for (i, label) in validation.labels.enumerated() {
            flat.append((String(format: "ILSVRC2012_val_%08d.JPEG", i + 1), try jpeg(validation, i, quality: quality)))
            truth += "\(ilsvrcID(label, classes: classes))\n"
        }
        let validationPath = (folder as NSString).appendingPathComponent("ILSVRC2012_img_val.tar")
        try TarArchive.write(flat, to: validationPath)
        let fields = ["ILSVRC2012_ID", "WNID", "words", "gloss", "num_children", "children", "wordnet_height", "num_train_images"]
        func number(_ x: Double) -> MATFile.Value { .numeric(dimensions: [1, 1], values: [x]) }
        var synsets: [[String: MATFile.Value]] = (1...classes).map { id in
            let label = classes - id
            return ["ILSVRC2012_ID": number(Double(id)), "WNID": .text(dimensions: [1, 9], wnid(label)), "words": .text(dimensions: [1, 0], "class \(label)"),
                    "gloss": .text(dimensions: [1, 0], "a stand-in class"), "num_children": number(0), "children": .numeric(dimensions: [1, 0], values: []),
                    "wordnet_height": number(0), "num_train_images": number(Double(members[label].count))]
        }
        synsets.append(["ILSVRC2012_ID": number(Double(classes + 1)), "WNID": .text(dimensions: [1, 9], "n00001740"), "words": .text(dimensions: [1, 6], "entity"),
                        "gloss": .text(dimensions: [1, 0], "the root"), "num_children": number(Double(classes)),
                        "children": .numeric(dimensions: [1, classes], values: (1...classes).map(Double.init)), "wordnet_height": number(1), "num_train_images": number(0)])
        let meta = MATFile.encode([("synsets", .structure(dimensions: [synsets.count, 1], fields: fields, elements: synsets))])
        let devkitPath = (folder as NSString).appendingPathComponent("ILSVRC2012_devkit_t12.tar.gz")
        try TarArchive.write([("ILSVRC2012_devkit_t12/data/meta.mat", meta),
                              ("ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt", Array(truth.utf8))], to: devkitPath, gzip: true)
        return (trainPath, validationPath, devkitPath)
    }
}
