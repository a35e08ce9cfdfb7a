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
        let plane = split.height * split.width
        let planar = Array(split.image(i))
        let interleaved = split.channels == 1 ? planar : (0..<(3 * plane)).map { planar[($0 % 3) * plane + $0 / 3] }
        let bytes = try JPEG.encode(interleaved, width: split.width, height: split.height,
                                    colourSpace: split.channels == 1 ? .grey : .rgb, quality: quality)
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw ImageNetError.unreadable(path: path, problem: "cannot be written")
        }
    }
}
