import Foundation
import Testing
@testable import AlexNet
@testable import AlexNetData
import TestSupport

@Suite struct FashionMNISTTests {
    /// Three 2×2 images with labels 0, 9, 4, as the four files of Fashion-MNIST.
    func makeFiles(_ directory: String, gzip: Bool, labels: [UInt8] = [0, 9, 4], testCount: Int = 3) throws {
        let images = IDX.encode(shape: [3, 2, 2], data: Array(0..<12))
        let labelFile = IDX.encode(shape: [3], data: labels)
        let testImages = IDX.encode(shape: [testCount, 2, 2], data: (0..<(4 * testCount)).map { UInt8(100 + $0) })
        let testLabels = IDX.encode(shape: [3], data: [1, 2, 3])
        for (name, bytes) in [("train-images-idx3-ubyte", images), ("train-labels-idx1-ubyte", labelFile),
                              ("t10k-images-idx3-ubyte", testImages), ("t10k-labels-idx1-ubyte", testLabels)] {
            if gzip { try GzipFile.write(bytes, to: (directory as NSString).appendingPathComponent(name + ".gz")) }
            else { try write(bytes, directory, name) }
        }
    }

    @Test(arguments: [false, true])
    func readsPlainAndGzippedFiles(gzip: Bool) throws {
        let directory = try temporaryDirectory()
        try makeFiles(directory, gzip: gzip)
        let data = try FashionMNIST.load(directory: directory)
        #expect(data.train.count == 3 && data.test.count == 3)
        #expect(data.train.labels == [0, 9, 4])
        #expect(Array(data.train.image(1)) == [4, 5, 6, 7])
        #expect(data.test.image(2).first == 108)
        #expect(data.classNames[9] == "Ankle boot")
        #expect((data.train.channels, data.train.height, data.train.width) == (1, 2, 2))
    }

    @Test func aMissingDataSetSaysWhereItLookedAndWhatToDo() throws {
        let error = try #require(throws: DataError.self) { try FashionMNIST.load(directory: "/nonexistent/fashion") }
        #expect(error.message.contains("/nonexistent/fashion"))
        #expect(error.message.contains("--data-dir"))
        #expect(error.message.contains("train-images-idx3-ubyte"))
        let standard = DataError.missing(dataset: "Fashion-MNIST", path: FashionMNIST.defaultDirectory, expected: ["x"],
                                         package: FashionMNIST.debianPackage)
        #expect(standard.message.contains("apt-get install dataset-fashion-mnist"))
    }

    @Test func wrongMagicNumber() throws {
        let directory = try temporaryDirectory()
        try makeFiles(directory, gzip: false)
        var bytes = IDX.encode(shape: [3], data: [0, 1, 2])
        bytes[2] = 0x0D                                       // a float IDX file, not bytes
        try write(bytes, directory, "train-labels-idx1-ubyte")
        let error = try #require(throws: DataError.self) { try FashionMNIST.load(directory: directory) }
        #expect(error.message.contains("train-labels-idx1-ubyte") && error.message.contains("wrong magic number 0x00000D01"))
    }

    @Test func truncatedFile() throws {
        let directory = try temporaryDirectory()
        try makeFiles(directory, gzip: false)
        try write(Array(IDX.encode(shape: [3, 2, 2], data: Array(0..<12)).dropLast(5)), directory, "train-images-idx3-ubyte")
        let error = try #require(throws: DataError.self) { try FashionMNIST.load(directory: directory) }
        #expect(error.message.contains("train-images-idx3-ubyte: truncated"))
    }

    /// A header whose dimensions multiply past Int.max is an error, not a trap (found by the fuzzer).
    @Test func dimensionsTooLargeToCount() throws {
        let directory = try temporaryDirectory()
        let header: [UInt8] = [0, 0, 0x08, 3] + [UInt8](repeating: 0xFF, count: 12)
        try write(header + [1, 2, 3], directory, "big-idx3-ubyte")
        let error = try #require(throws: DataError.self) { try IDX.read(directory + "/big-idx3-ubyte", dimensions: 3, kind: "images") }
        #expect(error.message.contains("more than can be counted"), "\(error.message)")
    }

    @Test func imageAndLabelCountsMustAgree() throws {
        let directory = try temporaryDirectory()
        try makeFiles(directory, gzip: false, testCount: 4)
        let error = try #require(throws: DataError.self) { try FashionMNIST.load(directory: directory) }
        #expect(error.message.contains("t10k-labels-idx1-ubyte: 3 labels for the 4 images"))
    }

    @Test func labelOutOfRange() throws {
        let directory = try temporaryDirectory()
        try makeFiles(directory, gzip: false, labels: [0, 10, 4])
        let error = try #require(throws: DataError.self) { try FashionMNIST.load(directory: directory) }
        #expect(error.message.contains("label 10 of image 1 is outside 0…9"))
    }

    @Test func unreadableGzipStream() throws {
        let directory = try temporaryDirectory()
        try makeFiles(directory, gzip: true)
        let path = (directory as NSString).appendingPathComponent("train-images-idx3-ubyte.gz")
        var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        for i in 12..<bytes.count - 8 { bytes[i] ^= 0x5A }                // corrupt the deflate data
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: DataError.self) { try FashionMNIST.load(directory: directory) }
        #expect(error.message.contains("train-images-idx3-ubyte.gz"))
        #expect(error.message.contains("unreadable gzip stream"), "\(error)")

        let truncated = Array([UInt8](FileManager.default.contents(atPath: path)!).prefix(15))
        try Data(truncated).write(to: URL(fileURLWithPath: path))
        #expect(throws: DataError.self) { try FashionMNIST.load(directory: directory) }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory)))
    func theDebianPackage() throws {
        let data = try FashionMNIST.load()
        #expect(data.train.count == 60_000 && data.test.count == 10_000)
        #expect((data.train.height, data.train.width) == (28, 28))
        #expect(Set(data.train.labels) == Set(0..<10))
    }
}

@Suite struct CIFAR10Tests {
    func record(label: UInt8, fill: UInt8) -> [UInt8] { [label] + [UInt8](repeating: fill, count: 3072) }

    func makeFiles(_ directory: String) throws {
        for b in 1...5 { try write(record(label: UInt8(b), fill: UInt8(b)) + record(label: 0, fill: 50), directory, "data_batch_\(b).bin") }
        try write(record(label: 9, fill: 7), directory, "test_batch.bin")
        try write(Array("airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n".utf8), directory, "batches.meta.txt")
    }

    @Test func readsTheBinaryVersion() throws {
        let directory = try temporaryDirectory()
        try makeFiles(directory)
        let data = try CIFAR10.load(directory: directory)
        #expect(data.train.count == 10 && data.test.count == 1)
        #expect(data.train.labels == [1, 0, 2, 0, 3, 0, 4, 0, 5, 0])
        #expect(data.classNames.last == "truck")
        #expect(data.train.image(4).allSatisfy { $0 == 3 })
        #expect((data.train.channels, data.train.height, data.train.width) == (3, 32, 32))
    }

    @Test func aBatchOfTheWrongSize() throws {
        let directory = try temporaryDirectory()
        try makeFiles(directory)
        try write(record(label: 1, fill: 1) + [1, 2, 3], directory, "data_batch_3.bin")
        let error = try #require(throws: DataError.self) { try CIFAR10.load(directory: directory) }
        #expect(error.message.contains("data_batch_3.bin") && error.message.contains("3076 bytes"))
    }

    @Test func labelOutOfRangeAndMissingFiles() throws {
        let directory = try temporaryDirectory()
        try makeFiles(directory)
        try write(record(label: 11, fill: 1), directory, "test_batch.bin")
        let error = try #require(throws: DataError.self) { try CIFAR10.load(directory: directory) }
        #expect(error.message.contains("test_batch.bin: label 11 of record 0"))
        try FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent("data_batch_5.bin"))
        let missing = try #require(throws: DataError.self) { try CIFAR10.load(directory: directory) }
        #expect(missing.message.contains("data_batch_5.bin") && missing.message.contains("--data-dir"))
    }
}

@Suite struct RescalingTests {
    @Test func scalesTheShorterSideAndCropsTheCentre() {
        // A 4×2 image, left half black and right half white, to 2×2: the central columns 1…2
        // of the four, so black then white in each row.
        let split = DatasetSplit(channels: 1, height: 2, width: 4, pixels: [0, 0, 255, 255, 0, 0, 255, 255], labels: [7])
        let out = split.resizedAndCentreCropped(to: 2)
        #expect(out.width == 2 && out.height == 2 && out.labels == [7])
        #expect(out.pixels == [0, 255, 0, 255])
        // One RGB pixel enlarged to 3×3: every plane constant.
        let up = DatasetSplit(channels: 3, height: 1, width: 1, pixels: [10, 20, 30], labels: [0]).resizedAndCentreCropped(to: 3)
        #expect(up.pixels == [UInt8](repeating: 10, count: 9) + [UInt8](repeating: 20, count: 9) + [UInt8](repeating: 30, count: 9))
    }

    @Test func halvingIsAntialiasedAsPILDoes() {
        // 4×4 to 2×2: output pixel 0 is centred at source 1.0 with radius 2, so it takes source
        // pixels 0, 1, 2 (centres 0.5, 1.5, 2.5) with weights 3/7, 3/7, 1/7 along each axis.
        let pixels: [UInt8] = [0, 100, 0, 0, 100, 200, 0, 0, 0, 0, 40, 40, 0, 0, 40, 40]
        let out = DatasetSplit(channels: 1, height: 4, width: 4, pixels: pixels, labels: [0]).resizedAndCentreCropped(to: 2)
        // (3·300 + 3·900 + 40)/49 = 74.3; (300 + 600 + 240)/49 = 23.3; (200 + 720 + 720)/49 = 33.5
        #expect(out.pixels == [74, 23, 23, 33])
        let taps = DatasetSplit.filter(count: 2, offset: 0, scale: 0.5, limit: 4)
        #expect(taps.map { $0.map(\.0) } == [[0, 1, 2], [1, 2, 3]])
        #expect(taps.allSatisfy { abs($0.reduce(0) { $0 + $1.1 } - 1) < 1e-12 })
        // Enlarging stays plain bilinear: 2 → 4 puts the samples a quarter and three quarters in.
        let up = DatasetSplit(channels: 1, height: 2, width: 2, pixels: [0, 200, 0, 200], labels: [0]).resizedAndCentreCropped(to: 4)
        #expect(Array(up.pixels.prefix(4)) == [0, 50, 150, 200])
    }
}

/// A killed atomic write leaves `NAME.partial-PID`; the next start of the command removes those of
/// processes that have ended, and only those.
@Suite struct StalePartialFileTests {
    @Test func onlyTheFilesOfEndedProcessesAreRemoved() throws {
        let directory = try temporaryDirectory()
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()                                  // its PID now names no running process
        let mine = ProcessInfo.processInfo.processIdentifier
        let names = ["checkpoint.alexnet.partial-\(ended.processIdentifier)", "train-0003.shard.partial-\(ended.processIdentifier)",
                     "checkpoint.alexnet.partial-\(mine)", "notes.partial-abc", "checkpoint.alexnet"]
        for name in names { try write([1, 2, 3], directory, name) }
        let removed = removeStalePartialFiles(in: directory)
        #expect(removed == names.prefix(2).sorted())
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == names.suffix(3).sorted())
        #expect(removeStalePartialFiles(in: directory + "/missing").isEmpty)
    }
}
