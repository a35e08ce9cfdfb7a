import Foundation

/// Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): 60,000 training and 10,000 test images of
/// clothing, 28×28 grey, 10 classes, in the IDX format of MNIST. Debian's
/// `dataset-fashion-mnist` package installs it under /usr/share/datasets/fashion-mnist, which is
/// every chapter's default data set.
public enum FashionMNIST {
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"
    public static let debianPackage = "dataset-fashion-mnist"
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// Reads the four IDX files (each plain or gzip'd) from `directory`.
    public static func load(directory: String = defaultDirectory) throws -> Dataset {
        let names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
        var paths: [String] = []
        for name in names {
            let plain = (directory as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: plain + ".gz") { paths.append(plain + ".gz") }
            else if FileManager.default.fileExists(atPath: plain) { paths.append(plain) }
            else {
                throw DataError.missing(dataset: "Fashion-MNIST", path: directory, expected: names.map { $0 + "[.gz]" },
                                        package: directory == defaultDirectory ? debianPackage : nil)
            }
        }
        let train = try IDX.split(images: paths[0], labels: paths[1], classes: classNames.count)
        let test = try IDX.split(images: paths[2], labels: paths[3], classes: classNames.count)
        return Dataset(name: "Fashion-MNIST", classNames: classNames, train: train, test: test)
    }
}

/// The IDX file format of MNIST and Fashion-MNIST: a big-endian header — two zero bytes, a
/// type byte (0x08: unsigned bytes), the number of dimensions — then one 32-bit size per
/// dimension, then the data. Images are (N, rows, columns), labels (N).
public enum IDX {
    /// Reads an image file and a label file and checks them against each other.
    public static func split(images imagePath: String, labels labelPath: String, classes: Int) throws -> DatasetSplit {
        let (imageShape, pixels) = try read(imagePath, dimensions: 3, kind: "image")
        let (labelShape, labelBytes) = try read(labelPath, dimensions: 1, kind: "label")
        guard imageShape[0] == labelShape[0] else {
            throw DataError.malformed(path: labelPath, problem: "\(labelShape[0]) labels for the \(imageShape[0]) images of \(imagePath)")
        }
        var labels = [Int](repeating: 0, count: labelBytes.count)
        for (i, byte) in labelBytes.enumerated() {
            guard Int(byte) < classes else {
                throw DataError.malformed(path: labelPath, problem: "label \(byte) of image \(i) is outside 0…\(classes - 1)")
            }
            labels[i] = Int(byte)
        }
        return DatasetSplit(channels: 1, height: imageShape[1], width: imageShape[2], pixels: pixels, labels: labels)
    }

    /// The shape and the bytes of an IDX file of unsigned bytes with `dimensions` dimensions.
    public static func read(_ path: String, dimensions: Int, kind: String) throws -> (shape: [Int], data: [UInt8]) {
        let bytes = try GzipFile.read(path)
        let headerSize = 4 + 4 * dimensions
        guard bytes.count >= 4 else { throw DataError.malformed(path: path, problem: "truncated: \(bytes.count) bytes, not even an IDX header") }
        let magic = bytes[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let expected = UInt32(0x0800 | dimensions)
        guard magic == expected else {
            throw DataError.malformed(path: path, problem: String(format: "wrong magic number 0x%08X, expected 0x%08X for an IDX %@ file", magic, expected, kind))
        }
        guard bytes.count >= headerSize else { throw DataError.malformed(path: path, problem: "truncated inside the IDX header") }
        let shape = (0..<dimensions).map { d in bytes[4 + 4 * d..<8 + 4 * d].reduce(0) { $0 << 8 | Int($1) } }
        // Multiplied with overflow checked: a hostile header's 2³²−1 × 2³²−1 × 2³²−1 must be an
        // error, not a trap (found by Scripts/fuzz.sh).
        var size = 1
        for d in shape {
            let (product, overflow) = size.multipliedReportingOverflow(by: d)
            guard !overflow else {
                throw DataError.malformed(path: path, problem: "the header promises \(shape.map(String.init).joined(separator: "×")) bytes, more than can be counted")
            }
            size = product
        }
        guard bytes.count - headerSize >= size else {
            throw DataError.malformed(path: path, problem: "truncated: the header promises \(shape.map(String.init).joined(separator: "×")) = \(size) bytes of data, the file holds \(bytes.count - headerSize)")
        }
        guard bytes.count - headerSize == size else {
            throw DataError.malformed(path: path, problem: "\(bytes.count - headerSize - size) unexpected bytes after the \(size) bytes of data")
        }
        return (shape, Array(bytes[headerSize...]))
    }

    /// The bytes of an IDX file (for tests and tools that make small data sets).
    public static func encode(shape: [Int], data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0, 0, 0x08, UInt8(shape.count)]
        for d in shape { out += [UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)] }
        return out + data
    }
}
