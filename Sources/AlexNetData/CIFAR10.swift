import Foundation

/// CIFAR-10 (Krizhevsky, 2009), binary version: 50,000 training images in data_batch_1.bin …
/// data_batch_5.bin and 10,000 test images in test_batch.bin, 32×32 RGB, 10 classes named in
/// batches.meta.txt. Each record is one label byte and 3,072 pixel bytes, the red plane, then
/// green, then blue, each row-major — already the planar layout of ``DatasetSplit``. The paper
/// ran its ReLU and LRN side experiments (Sections 3.1, 3.3) on it. Read from a directory the
/// user names (`--data-dir`).
public enum CIFAR10 {
    public static let recordSize = 1 + 3 * 32 * 32
    static let trainFiles = (1...5).map { "data_batch_\($0).bin" }
    static let testFile = "test_batch.bin", metaFile = "batches.meta.txt"

    public static func load(directory: String) throws -> Dataset {
        let expected = trainFiles + [testFile, metaFile]
        for name in expected where !FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(name)) {
            throw DataError.missing(dataset: "CIFAR-10 (binary version)", path: directory, expected: expected, package: nil)
        }
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        let metaPath = path(metaFile)
        guard let meta = FileManager.default.contents(atPath: metaPath) else {
            throw DataError.malformed(path: metaPath, problem: "cannot read the file")
        }
        let names = String(decoding: meta, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard names.count == 10 else {
            throw DataError.malformed(path: metaPath, problem: "\(names.count) class names, expected 10 (one per line)")
        }
        var train = try batch(path(trainFiles[0]))
        for name in trainFiles.dropFirst() {
            let next = try batch(path(name))
            train = DatasetSplit(channels: 3, height: 32, width: 32, pixels: train.pixels + next.pixels,
                                 labels: train.labels + next.labels)
        }
        return Dataset(name: "CIFAR-10", classNames: names, train: train, test: try batch(path(testFile)))
    }

    /// Reads one batch file: whole records of 3,073 bytes, labels 0…9.
    public static func batch(_ path: String) throws -> DatasetSplit {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError.malformed(path: path, problem: "cannot read the file")
        }
        guard data.count > 0, data.count % recordSize == 0 else {
            throw DataError.malformed(path: path, problem: "\(data.count) bytes is not a whole number of \(recordSize)-byte records (label + 32×32×3 pixels); a full batch is 30,730,000 bytes")
        }
        let count = data.count / recordSize
        var pixels = [UInt8](repeating: 0, count: count * (recordSize - 1))
        var labels = [Int](repeating: 0, count: count)
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            for i in 0..<count {
                let label = Int(raw[i * recordSize])
                guard label < 10 else { throw DataError.malformed(path: path, problem: "label \(label) of record \(i) is outside 0…9") }
                labels[i] = label
                for p in 0..<(recordSize - 1) { pixels[i * (recordSize - 1) + p] = raw[i * recordSize + 1 + p] }
            }
        }
        return DatasetSplit(channels: 3, height: 32, width: 32, pixels: pixels, labels: labels)
    }
}
