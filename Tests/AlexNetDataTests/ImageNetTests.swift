import Foundation
import Testing
import AlexNet
@testable import AlexNetData

/// ImageNet's path from a tree of JPEG files to training batches: the layouts, the one-pass
/// preparation (checked against the same steps done image by image in memory), resuming a killed
/// run, damaged shards, and the memory-mapped shards giving the same batches as memory.
@Suite struct ImageNetTests {
    static let classes = 3, perClass = 7, size = 16

    /// A smooth picture of `width`×`height` whose colour depends on `label` and `seed`.
    static func picture(width: Int, height: Int, label: Int, seed: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                let r = (x * 5 + seed * 13 + label * 80) % 256, g = (y * 7 + seed * 3) % 256, b = (label * 90 + x * y / 8) % 256
                bytes += [UInt8(r), UInt8(g), UInt8(b)]
            }
        }
        return bytes
    }

    static func write(_ bytes: [UInt8], _ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
    }

    /// A tree of 3 classes × 7 pictures of assorted sizes and 6 flat validation pictures, plus the
    /// odd files of the real data: a grey JPEG, a CMYK JPEG, a JPEG cut short, a PNG named .JPEG,
    /// and an empty file. Returns the root and the labels file.
    static func makeTree() throws -> (root: String, labels: String) {
        let root = NSTemporaryDirectory() + "imagenet-tree-\(UUID().uuidString)"
        for label in 0..<classes {
            for i in 0..<perClass {
                let (w, h) = (24 + 7 * i, 20 + 5 * ((i + label) % 3))
                let jpeg = try JPEG.encode(picture(width: w, height: h, label: label, seed: i), width: w, height: h, quality: 92)
                try write(jpeg, "\(root)/train/\(ImageNetTree.wnid(label))/img_\(i).JPEG")
            }
        }
        let odd = "\(root)/train/\(ImageNetTree.wnid(1))"
        try write(try JPEG.encode((0..<(30 * 20)).map { UInt8($0 % 251) }, width: 30, height: 20, colourSpace: .grey), "\(odd)/odd_grey.JPEG")
        try write(try JPEG.encode((0..<(20 * 20)).flatMap { _ in [200, 100, 50, 255] as [UInt8] }, width: 20, height: 20, colourSpace: .cmyk), "\(odd)/odd_cmyk.JPEG")
        let long = try JPEG.encode(picture(width: 96, height: 64, label: 1, seed: 9), width: 96, height: 64)
        try write(Array(long.prefix(long.count * 3 / 4)), "\(odd)/odd_truncated.JPEG")
        try write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3], "\(odd)/odd_png.JPEG")
        try write([], "\(odd)/odd_empty.JPEG")
        var labels = "ImageId,PredictionString\n"
        for i in 0..<6 {
            let jpeg = try JPEG.encode(picture(width: 28, height: 22, label: i % classes, seed: 20 + i), width: 28, height: 22)
            try write(jpeg, "\(root)/val/val_\(i).JPEG")
            labels += "val_\(i),\(ImageNetTree.wnid(i % classes)) 1 2 3 4\n"
        }
        try write(Array(labels.utf8), "\(root)/LOC_val_solution.csv")
        return (root, "\(root)/LOC_val_solution.csv")
    }

    static func prepare(_ root: String, labels: String, into out: String, stopAfter: Int? = nil,
                        maximumPixels: Int = JPEG.maximumPixels) throws -> ImageNetShards.Index? {
        var p = ImageNetPreparation(layout: try ImageNetLayout.scan(root: root, validationLabels: labels), output: out)
        p.maximumPixels = maximumPixels
        p.size = size
        p.imagesPerShard = 5
        p.threads = 2
        p.stopAfterShards = stopAfter
        return try p.run()
    }

    /// The set-up of the resume tests: the tree, its uninterrupted preparation (`index`, in
    /// `whole`) and one stopped after `shards` shards (in `pieces`), with the same pixel limit.
    struct Interrupted {
        let root: String, labels: String, whole: String, pieces: String
        let index: ImageNetShards.Index
        var state: String { "\(pieces)/prepare-state" }

        init(after shards: Int, maximumPixels: Int = JPEG.maximumPixels) throws {
            (root, labels) = try ImageNetTests.makeTree()
            (whole, pieces) = (root + "-whole", root + "-pieces")
            index = try #require(try ImageNetTests.prepare(root, labels: labels, into: whole, maximumPixels: maximumPixels))
            #expect(try ImageNetTests.prepare(root, labels: labels, into: pieces, stopAfter: shards, maximumPixels: maximumPixels) == nil)
        }

        /// Resumes the stopped preparation (`stopAfter` more shards at most).
        func resume(stopAfter: Int? = nil, maximumPixels: Int = JPEG.maximumPixels) throws -> ImageNetShards.Index? {
            try ImageNetTests.prepare(root, labels: labels, into: pieces, stopAfter: stopAfter, maximumPixels: maximumPixels)
        }

        func remove() { for p in [root, whole, pieces] { try? FileManager.default.removeItem(atPath: p) } }
    }

    @Test func theLayoutsAreRead() throws {
        let (root, labels) = try Self.makeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let layout = try ImageNetLayout.scan(root: root, validationLabels: labels)
        #expect(layout.classes == ["n00000000", "n00000001", "n00000002"])
        #expect(layout.train.count == 3 * 7 + 5 && layout.validation.map(\.label) == [0, 1, 2, 0, 1, 2])
        // The same labels as Caffe's "name index" and as bare ILSVRC ids with a synsets file.
        try Self.write(Array((0..<6).map { "val_\($0).JPEG \($0 % 3)\n" }.joined().utf8), "\(root)/caffe.txt")
        #expect(try ImageNetLayout.scan(root: root, validationLabels: "\(root)/caffe.txt").validation == layout.validation)
        try Self.write(Array((0..<6).map { "\(3 - $0 % 3)\n" }.joined().utf8), "\(root)/ids.txt")
        try Self.write(Array("n00000002 c\nn00000001 b\nn00000000 a\n".utf8), "\(root)/synsets.txt")
        #expect(try ImageNetLayout.scan(root: root, validationLabels: "\(root)/ids.txt", synsets: "\(root)/synsets.txt").validation == layout.validation)
        // Validation in class folders.
        let folders = NSTemporaryDirectory() + "imagenet-folders-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folders) }
        try Self.write([0xFF], "\(folders)/train/n1/a.JPEG")
        try Self.write([0xFF], "\(folders)/train/n2/b.JPEG")
        try Self.write([0xFF], "\(folders)/val/n2/c.JPEG")
        #expect(try ImageNetLayout.scan(root: folders).validation.map(\.label) == [1])
    }

    @Test func badTreesAreClearErrors() throws {
        let (root, labels) = try Self.makeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(throws: ImageNetError.noTrainingFolder(root: "\(root)/val")) { try ImageNetLayout.scan(root: "\(root)/val") }
        #expect(throws: ImageNetError.flatValidationWithoutLabels(folder: "\(root)/val")) { try ImageNetLayout.scan(root: root) }
        try Self.write(Array("val_0,n09999999\n".utf8), "\(root)/unknown.csv")
        #expect(throws: ImageNetError.badLabelsLine(file: "\(root)/unknown.csv", line: 1, problem: "'n09999999' is neither a training class nor a class number 0…2")) {
            try ImageNetLayout.scan(root: root, validationLabels: "\(root)/unknown.csv")
        }
        try Self.write(Array("val_0,n00000000\n".utf8), "\(root)/short.csv")
        #expect(throws: ImageNetError.unlabelled(file: "\(root)/short.csv", examples: ["val_1.JPEG", "val_2.JPEG", "val_3.JPEG"], count: 5)) {
            try ImageNetLayout.scan(root: root, validationLabels: "\(root)/short.csv")
        }
        try Self.write(Array("1\n2\n3\n1\n2\n3\n".utf8), "\(root)/ids.txt")
        #expect(throws: ImageNetError.idsWithoutSynsets(file: "\(root)/ids.txt")) { try ImageNetLayout.scan(root: root, validationLabels: "\(root)/ids.txt") }
        _ = labels
    }

    /// Every kept image equals its file decoded and rescaled on its own (the naive twin of the
    /// threaded, sharded pass); the mean image and the covariance equal those of the images in
    /// memory; the odd files are converted or skipped and reported.
    @Test func preparationMatchesImageByImage() throws {
        let (root, labels) = try Self.makeTree()
        let out = root + "-prepared"
        defer { try? FileManager.default.removeItem(atPath: root); try? FileManager.default.removeItem(atPath: out) }
        let index = try #require(try Self.prepare(root, labels: labels, into: out))
        let shards = try ImageNetShards(directory: out)
        #expect(index.converted == 3 && index.skipped == 2)
        #expect(shards.train.count == 3 * 7 + 3 && shards.validation?.count == 6)
        #expect(index.train.count == 6 && index.validation.count == 2)      // 26 files in shards of 5; 6 in 2

        let layout = try ImageNetLayout.scan(root: root, validationLabels: labels)
        var expected: [DatasetSplit] = []
        for file in layout.train where !file.path.contains("odd_png") && !file.path.contains("odd_empty") {
            let decoded = try JPEG.decode([UInt8](FileManager.default.contents(atPath: file.path)!))
            expected.append(DatasetSplit(rgb: decoded.rgb, width: decoded.width, height: decoded.height, label: file.label).resizedAndCentreCropped(to: Self.size))
        }
        let memory = DatasetSplit(channels: 3, height: Self.size, width: Self.size, pixels: expected.flatMap(\.pixels), labels: expected.flatMap(\.labels))
        #expect(shards.train.labels == memory.labels)
        for i in 0..<memory.count {
            shards.train.withImage(i) { #expect(Array(UnsafeBufferPointer(start: $0, count: memory.imageSize)) == Array(memory.image(i)), "image \(i)") }
        }
        let mean = Normalization.meanImage(of: memory).mean
        #expect(zip(shards.normalization.mean.scalars, mean.scalars).allSatisfy { abs($0 - $1) < 1e-4 })
        let covariance = PCALighting.covariance(of: memory)
        for a in 0..<3 { for b in 0..<3 { #expect(abs(index.covariance[a][b] - covariance[a][b]) < 1e-12) } }

        let report = try String(contentsOfFile: "\(out)/report.txt", encoding: .utf8)
        #expect(report.contains("converted\t\(root)/train/n00000001/odd_grey.JPEG\tgreyscale JPEG converted to RGB"))
        #expect(report.contains("converted\t\(root)/train/n00000001/odd_cmyk.JPEG\tCMYK JPEG converted to RGB"))
        #expect(report.contains("odd_truncated.JPEG\tdamaged JPEG kept (Premature end of JPEG file)"))
        #expect(report.contains("skipped\t\(root)/train/n00000001/odd_png.JPEG\tnot a JPEG (PNG)"))
        #expect(report.contains("skipped\t\(root)/train/n00000001/odd_empty.JPEG\tnot a JPEG (empty file)"))
        // A second run finds the work done; the same directory for other settings is refused.
        #expect(try Self.prepare(root, labels: labels, into: out) == index)
        var other = ImageNetPreparation(layout: layout, output: out)
        other.size = 20
        #expect(throws: ImageNetError.self) { try other.run() }
    }

    /// A pixel limit of 2,000 lets the tree's pictures through (the largest is 66 × 30) and skips
    /// the 96 × 64 JPEG by its header, with the reason in the report; one pixel more than it
    /// (6,144) keeps it.
    @Test func aPixelLimitSkipsLargerPictures() throws {
        let (root, labels) = try Self.makeTree()
        let (low, high) = (root + "-low", root + "-high")
        defer { for path in [root, low, high] { try? FileManager.default.removeItem(atPath: path) } }
        let limited = try #require(try Self.prepare(root, labels: labels, into: low, maximumPixels: 2000))
        #expect(limited.converted == 2 && limited.skipped == 3)
        let report = try String(contentsOfFile: "\(low)/report.txt", encoding: .utf8)
        #expect(report.contains("skipped\t\(root)/train/n00000001/odd_truncated.JPEG\t") &&
                report.contains("96×64 pixels, more than the 2000 this reader accepts"), "\(report)")
        let kept = try #require(try Self.prepare(root, labels: labels, into: high, maximumPixels: 96 * 64))
        #expect(kept.converted == 3 && kept.skipped == 2)
    }

    /// The resume state records the pixel limit: a run resumed with another one is refused, by
    /// both limits, since the files done so far were kept or skipped by the first; with the same
    /// one it goes on. A state written before the limit was recorded takes the resuming run's.
    @Test func aResumedPreparationKeepsItsPixelLimit() throws {
        let run = try Interrupted(after: 1, maximumPixels: 2000)
        defer { run.remove() }
        let error = try #require(throws: ImageNetError.self) { try run.resume() }
        #expect(error.description.contains("a limit of 2000 pixels a picture and this run has \(JPEG.maximumPixels)"), "\(error)")
        var older = try #require(try ImageNetPreparation.State.read(from: run.state, plane: 3 * Self.size * Self.size))
        #expect(older.maximumPixels == 2000)
        older.maximumPixels = nil                              // as the format's first version wrote it
        try older.write(to: run.state)
        #expect(try run.resume(maximumPixels: 2000) == run.index)
    }

    /// A run stopped after two shards, resumed, and stopped and resumed again, writes the same
    /// shards, mean image and index as one uninterrupted run.
    @Test func aKilledPreparationResumes() throws {
        let run = try Interrupted(after: 2)
        defer { run.remove() }
        let (root, labels, whole, pieces, index) = (run.root, run.labels, run.whole, run.pieces, run.index)
        #expect(FileManager.default.fileExists(atPath: "\(pieces)/prepare-state") && !FileManager.default.fileExists(atPath: "\(pieces)/index.json"))
        #expect(try Self.prepare(root, labels: labels, into: pieces, stopAfter: 5) == nil)     // ends inside the validation shards
        #expect(try Self.prepare(root, labels: labels, into: pieces) == index)
        for file in ["index.json", "mean.f32", "report.txt"] + (index.train + index.validation).map(\.file) {
            #expect(FileManager.default.contents(atPath: "\(whole)/\(file)") == FileManager.default.contents(atPath: "\(pieces)/\(file)"), "\(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(pieces)/prepare-state"))
    }

    /// The resume state carries a checksum: one changed byte in its sums (which would have become a
    /// wrong mean image), a length field near 2⁶⁴ (which trapped) or the old format without a
    /// checksum is refused by name and says how to go on; deleting it starts over to the same result.
    @Test func aDamagedResumeStateIsRefused() throws {
        let run = try Interrupted(after: 2)
        defer { run.remove() }
        let (root, labels, pieces, index) = (run.root, run.labels, run.pieces, run.index)
        let state = "\(pieces)/prepare-state"
        let good = try #require(FileManager.default.contents(atPath: state))
        func expectRefusal(_ bytes: Data, _ words: String) {
            FileManager.default.createFile(atPath: state, contents: bytes)
            do {
                _ = try Self.prepare(root, labels: labels, into: pieces)
                Issue.record("resumed from a damaged state (\(words))")
            } catch let error as ImageNetError {
                #expect(error.description.hasPrefix(state) && error.description.contains(words)
                        && error.description.contains("delete it"), "\(error)")
            } catch { Issue.record("\(error)") }
        }
        var sums = good
        sums[sums.count - 100] ^= 0x04                                  // a byte of the pixel sums
        expectRefusal(sums, "checksum mismatch")
        var length = good
        for k in 8..<16 { length[k] = 0xFF }
        expectRefusal(length, "length fields")
        var old = good
        old.replaceSubrange(0..<8, with: Array("ALEXPREP".utf8))
        expectRefusal(old, "older format")
        expectRefusal(good.prefix(good.count - 3), "length fields")
        try FileManager.default.removeItem(atPath: state)
        #expect(try Self.prepare(root, labels: labels, into: pieces) == index)
    }

    /// A state with its checksum and fingerprint right that says what no run of this tree wrote
    /// (written through `State` itself, so the checksum is computed, as a forger would) is refused
    /// by the field that is wrong; before, such a state was used: sums near 2⁶⁴ trapped at the next
    /// shard, and a shard missing from disk went into the index.
    @Test func aForgedResumeStateIsRefusedByItsField() throws {
        let run = try Interrupted(after: 2)
        defer { run.remove() }
        let (root, labels, whole, pieces, index) = (run.root, run.labels, run.whole, run.pieces, run.index)
        let path = "\(pieces)/prepare-state", plane = 3 * Self.size * Self.size
        let good = try #require(try ImageNetPreparation.State.read(from: path, plane: plane))
        func expectRefusal(_ words: String, _ forge: (inout ImageNetPreparation.State) throws -> Void) throws {
            var forged = good
            try forge(&forged)
            try forged.write(to: path)
            do {
                _ = try Self.prepare(root, labels: labels, into: pieces)
                Issue.record("resumed from a forged state (\(words))")
            } catch let error as ImageNetError {
                #expect(error.description.hasPrefix(path) && error.description.contains(words) && error.description.contains("delete it"), "\(error)")
            }
        }
        try expectRefusal("a split named 'test'") { $0.shards["test"] = [] }
        try expectRefusal("where this tree makes") { $0.shards["train"] = Array(repeating: $0.shards["train"]![0], count: 1_000) }
        try expectRefusal("is named 'mean.f32'") { $0.shards["train"]![1].file = "mean.f32" }
        try expectRefusal("holds 9 images of a batch of") { $0.shards["train"]![0].images = 9 }
        try expectRefusal("holds -1 images") { $0.shards["train"]![0].images = -1 }
        try expectRefusal("which no finished shard holds") { $0.report.append(.init(file: "/etc/passwd", kept: false, what: "forged")) }
        try expectRefusal("it counts 99 images") { $0.images = 99 }
        try expectRefusal("its sums are larger") { $0.channelSums[1] = .max - 16 }
        try expectRefusal("its sums are larger") { $0.pixelSums[0] = 255 * UInt64($0.images) + 1 }
        try expectRefusal("is missing") { _ in try FileManager.default.moveItem(atPath: "\(pieces)/train-00001.shard", toPath: "\(pieces)/aside") }
        try FileManager.default.moveItem(atPath: "\(pieces)/aside", toPath: "\(pieces)/train-00001.shard")
        try expectRefusal("should be") { _ in try Data([1, 2, 3]).write(to: URL(fileURLWithPath: "\(pieces)/train-00000.shard"), options: .atomic) }
        try FileManager.default.removeItem(atPath: "\(pieces)/train-00000.shard")
        try FileManager.default.copyItem(atPath: "\(whole)/train-00000.shard", toPath: "\(pieces)/train-00000.shard")   // the same bytes
        // The state as it was resumes to what an uninterrupted run writes.
        try good.write(to: path)
        #expect(try Self.prepare(root, labels: labels, into: pieces) == index)
    }

    /// A shard whose write fails (here: a directory stands where its file goes) stops the run with
    /// the error; once the obstacle is gone, the resumed run writes what an uninterrupted one does —
    /// so the running state must never count a shard before the shard is on disk.
    @Test func aFailedShardWriteResumes() throws {
        let (root, labels) = try Self.makeTree()
        let (whole, pieces) = (root + "-whole", root + "-pieces")
        defer { for p in [root, whole, pieces] { try? FileManager.default.removeItem(atPath: p) } }
        let index = try #require(try Self.prepare(root, labels: labels, into: whole))
        try FileManager.default.createDirectory(atPath: "\(pieces)/train-00002.shard/obstacle", withIntermediateDirectories: true)
        #expect(throws: AtomicWriteError.self) { try Self.prepare(root, labels: labels, into: pieces) }
        try FileManager.default.removeItem(atPath: "\(pieces)/train-00002.shard")
        #expect(try Self.prepare(root, labels: labels, into: pieces) == index)
        for file in ["mean.f32"] + (index.train + index.validation).map(\.file) {
            #expect(FileManager.default.contents(atPath: "\(whole)/\(file)") == FileManager.default.contents(atPath: "\(pieces)/\(file)"), "\(file)")
        }
    }

    @Test func damagedShardsAreRefusedByName() throws {
        let (root, labels) = try Self.makeTree()
        let out = root + "-prepared"
        defer { try? FileManager.default.removeItem(atPath: root); try? FileManager.default.removeItem(atPath: out) }
        _ = try Self.prepare(root, labels: labels, into: out)
        let shard = "\(out)/train-00002.shard"
        let good = FileManager.default.contents(atPath: shard)!
        func expectRefusal(_ bytes: Data, _ words: String) {
            FileManager.default.createFile(atPath: shard, contents: bytes)
            do {
                _ = try ImageNetShards(directory: out)
                Issue.record("opened a damaged shard (\(words))")
            } catch let error as ImageNetError {
                #expect(error.description.hasPrefix(shard) && error.description.contains(words), "\(error)")
            } catch { Issue.record("\(error)") }
        }
        expectRefusal(good.prefix(good.count - 1), "bytes, expected")
        var label = good
        label[64] = 7                                                    // class 7 of 3
        expectRefusal(label, "label 7, outside 0…2")
        var magic = good
        magic[0] = UInt8(ascii: "X")
        expectRefusal(magic, "header does not match")
        FileManager.default.createFile(atPath: shard, contents: good)
        #expect(throws: Never.self) { _ = try ImageNetShards(directory: out) }
        FileManager.default.createFile(atPath: "\(out)/index.json", contents: Data("{\"format\": 1}".utf8))
        #expect(throws: ImageNetError.self) { _ = try ImageNetShards(directory: out) }
    }

    /// Batches read from the mapped shards equal batches from the same images in memory, with
    /// crops, flips and PCA lighting, however many threads assemble them.
    @Test func shardsGiveTheBatchesOfMemory() throws {
        let (root, labels) = try Self.makeTree()
        let out = root + "-prepared"
        defer { try? FileManager.default.removeItem(atPath: root); try? FileManager.default.removeItem(atPath: out) }
        _ = try Self.prepare(root, labels: labels, into: out)
        let shards = try ImageNetShards(directory: out)
        let memory = DatasetSplit(channels: 3, height: Self.size, width: Self.size,
                                  pixels: (0..<shards.train.count).flatMap { i in shards.train.withImage(i) { Array(UnsafeBufferPointer(start: $0, count: 3 * Self.size * Self.size)) } },
                                  labels: shards.train.labels)
        let augmentation = Augmentation(cropSize: 14, flips: true, lighting: shards.lighting)
        let fromMemory = BatchLoader(split: memory, batchSize: 5, augmentation: augmentation, normalization: shards.normalization, seed: 3)
        let fromShards = BatchLoader(split: shards.train, batchSize: 5, augmentation: augmentation, normalization: shards.normalization, seed: 3, workers: 3)
        for index in 0..<fromMemory.batchesPerEpoch {
            let (a, b) = (fromMemory.batch(epoch: 1, index: index), fromShards.batch(epoch: 1, index: index))
            #expect(a.images == b.images && a.labels == b.labels)
        }
        // A held-out subset reads the images it names.
        let (rest, held) = ImageSubset.holdingOut(4, of: shards.train, seed: 1)
        #expect(rest.count == shards.train.count - 4 && Set(rest.indices).isDisjoint(with: held.indices))
        held.withImage(2) { p in shards.train.withImage(held.indices[2]) { #expect(p == $0) } }
    }
}

/// Data-parallel parts of a batch: together, in order, they are the whole batch.
@Suite struct BatchPartTests {
    @Test func thePartsMakeTheWholeBatch() {
        var g = RandomGenerator(seed: 5)
        let split = DatasetSplit(channels: 1, height: 6, width: 6, pixels: (0..<(23 * 36)).map { _ in UInt8(g.next() % 256) }, labels: (0..<23).map { $0 % 4 })
        let augmentation = Augmentation(cropSize: 4, flips: true)
        let normalization = Normalization.meanImage(of: split)
        let whole = BatchLoader(split: split, batchSize: 10, augmentation: augmentation, normalization: normalization, seed: 9)
        for parts in [2, 3] {
            let loaders = (0..<parts).map { BatchLoader(split: split, batchSize: 10, augmentation: augmentation, normalization: normalization, seed: 9, part: ($0, parts)) }
            for index in 0..<whole.batchesPerEpoch {                       // the last batch has 3 images
                let expected = whole.batch(epoch: 2, index: index)
                let pieces = loaders.map { $0.batch(epoch: 2, index: index) }
                #expect(pieces.flatMap(\.labels) == expected.labels)
                #expect(pieces.flatMap(\.images.scalars) == expected.images.scalars)
                #expect(pieces.allSatisfy { !$0.labels.isEmpty }, "every part has an image when the batch has at least \(parts)")
            }
        }
        // More parts than images: some parts are empty, of the right shape.
        let many = BatchLoader(split: split, batchSize: 10, augmentation: augmentation, normalization: normalization, seed: 9, part: (0, 5))
        #expect(many.batch(epoch: 0, index: 2).images.shape == [0, 1, 4, 4])
    }
}
