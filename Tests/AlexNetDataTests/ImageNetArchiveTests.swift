import Foundation
import Testing
import AlexNet
@testable import AlexNetData

/// ImageNet as distributed: the tar of per-class tars, the flat validation tar and the devkit, read
/// with nothing extracted; the devkit's meta.mat (a fixture written by scipy,
/// `Scripts/devkit-fixture.py`); labels that cannot go silently wrong.
@Suite struct ImageNetArchiveTests {
    /// The fixture's classes by ILSVRC id (1…4): not in sorted order, as in the real devkit.
    static let wnids = ["n02119789", "n02100735", "n01440764", "n01751748"]
    static let trainingImages = [3, 2, 3, 2]
    /// The validation images' ILSVRC ids in file-name order: two of each class.
    static let groundTruth = [3, 1, 4, 2, 2, 4, 1, 3]

    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
        return [UInt8](try Data(contentsOf: url))
    }

    static func jpeg(label: Int, seed: Int) throws -> [UInt8] {
        let (w, h) = (20 + 3 * seed, 18 + 2 * label)
        return try JPEG.encode(ImageNetTests.picture(width: w, height: h, label: label, seed: seed), width: w, height: h, quality: 92)
    }

    /// The distribution's three files in a fresh folder, and the same images as an extracted tree.
    struct Distribution {
        let folder = NSTemporaryDirectory() + "imagenet-archives-\(UUID().uuidString)"
        var train: String { folder + "/ILSVRC2012_img_train.tar" }
        var validation: String { folder + "/ILSVRC2012_img_val.tar" }
        var devkit: String { folder + "/ILSVRC2012_devkit_t12.tar.gz" }
        var tree: String { folder + "/tree" }

        /// `cutClass`: that class's inner tar ends halfway through its last image's bytes.
        init(meta: String = "meta.mat", year: String = "2012", cutClass: Int? = nil, leaveOut: Int? = nil) throws {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var inner: [(name: String, bytes: [UInt8])] = []
            // In the outer tar the classes come in id order, not sorted, as they may in a download.
            for (id, wnid) in ImageNetArchiveTests.wnids.enumerated() where id != leaveOut {
                var images: [(name: String, bytes: [UInt8])] = []
                for i in 0..<ImageNetArchiveTests.trainingImages[id] {
                    let bytes = try ImageNetArchiveTests.jpeg(label: id, seed: i)
                    images.append(("\(wnid)_\(1000 + i).JPEG", bytes))
                    try ImageNetTests.write(bytes, "\(tree)/train/\(wnid)/\(wnid)_\(1000 + i).JPEG")
                }
                let stored = Array(images.reversed())                       // members not in name order either
                var bytes = try TarArchive.encoded(stored)
                if id == cutClass {       // the last member's header and 300 of its bytes are left
                    bytes = Array(bytes.prefix(stored.dropLast().reduce(0) { $0 + 512 + ($1.bytes.count + 511) / 512 * 512 } + 512 + 300))
                }
                inner.append(("\(wnid).tar", bytes))
            }
            try TarArchive.write(inner, to: train)
            var flat: [(name: String, bytes: [UInt8])] = []
            for (i, id) in ImageNetArchiveTests.groundTruth.enumerated() {
                let name = String(format: "ILSVRC2012_val_%08d.JPEG", i + 1)
                let bytes = try ImageNetArchiveTests.jpeg(label: id - 1, seed: 10 + i)
                flat.append((name, bytes))
                try ImageNetTests.write(bytes, "\(tree)/val/\(name)")
            }
            try TarArchive.write(flat.shuffled(), to: validation)
            let truth = ImageNetArchiveTests.groundTruth.map { "\($0)\n" }.joined()
            try TarArchive.write([("ILSVRC\(year)_devkit_t12/data/meta.mat", try ImageNetArchiveTests.fixture(meta)),
                                  ("ILSVRC\(year)_devkit_t12/data/ILSVRC\(year)_validation_ground_truth.txt", Array(truth.utf8))],
                                 to: devkit, gzip: true)
        }

        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    @Test func theDevkitsMetaMatIsRead() throws {
        for name in ["meta.mat", "meta-uncompressed.mat"] {
            let variables = try MATFile.read(try Self.fixture(name), path: name)
            guard case .structure(let dimensions, let fields, let elements)? = variables["synsets"] else {
                Issue.record("\(name): no struct array synsets"); continue
            }
            #expect(dimensions == [5, 1])
            #expect(fields == ["ILSVRC2012_ID", "WNID", "words", "gloss", "num_children", "children", "wordnet_height", "num_train_images"])
            #expect(elements.map { $0["WNID"]?.string } == Self.wnids + ["n00001740"])
            #expect(elements[0]["words"]?.string == "kit fox, Vulpes macrotis")
            #expect(elements[4]["children"] == .numeric(dimensions: [1, 4], values: [1, 2, 3, 4]))
            #expect(elements[0]["children"] == .numeric(dimensions: [1, 0], values: []))
            #expect(elements.map { $0["num_train_images"]?.number } == [3, 2, 3, 2, 0])
        }
        let devkit = try ImageNetDevkit.parse(meta: try Self.fixture("meta.mat"), groundTruth: ("ILSVRC2012_validation_ground_truth.txt", Array("3\n1\n".utf8)), path: "kit")
        #expect(devkit.year == "2012" && devkit.classes.map(\.wnid) == Self.wnids && devkit.classes.map(\.trainingImages) == [3, 2, 3, 2])
        #expect(devkit.groundTruth == [3, 1])
        #expect(try ImageNetDevkit.parse(meta: try Self.fixture("meta-2010.mat"), groundTruth: nil, path: "kit").year == "2010")
    }

    @Test func damagedMatFilesAreClearErrors() throws {
        let good = try Self.fixture("meta-uncompressed.mat")
        #expect(throws: MATFile.Failure.self) { try MATFile.read(Array(good.prefix(100)), path: "m") }
        for cut in [130, 200, 400, good.count - 9] {
            #expect(throws: MATFile.Failure.self) { try MATFile.read(Array(good.prefix(cut)), path: "m") }
        }
        var huge = good
        huge[132] = 0xFF; huge[133] = 0xFF; huge[134] = 0xFF; huge[135] = 0x7F     // the first element claims 2 GB
        #expect(throws: MATFile.Failure.self) { try MATFile.read(huge, path: "m") }
        var compressed = try Self.fixture("meta.mat")
        compressed[compressed.count - 20] ^= 0xFF
        #expect(throws: MATFile.Failure.self) { try MATFile.read(compressed, path: "m") }
    }

    /// Where libarchive says each member's data starts is where it is: every member of a tar of
    /// tars, short and long names (GNU's long-name entries), read back by `pread`.
    @Test func membersAreFoundWhereTheyLie() throws {
        let folder = NSTemporaryDirectory() + "tar-offsets-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var generator = RandomGenerator(seed: 5)
        let files = (0..<6).map { i in
            (name: i == 3 ? String(repeating: "long-name-", count: 15) + "\(i).bin" : "dir/f\(i).bin",
             bytes: (0..<(i * 700 + i % 2)).map { _ in UInt8(generator.next() % 256) })
        }
        try TarArchive.write(files, to: "\(folder)/inner.tar")
        let inner = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(folder)/inner.tar")))
        try TarArchive.write([("a.txt", Array("abc".utf8)), ("inner.tar", inner)], to: "\(folder)/outer.tar")
        let (outer, problem) = try TarArchive.list(path: "\(folder)/outer.tar")
        #expect(problem == nil && outer.map(\.name) == ["a.txt", "inner.tar"])
        #expect(try ArchiveMember(archive: "\(folder)/outer.tar", offset: outer[1].offset, size: outer[1].size).read() == inner)
        let (members, innerProblem) = try TarArchive.list(path: "\(folder)/outer.tar", base: outer[1].offset, length: outer[1].size)
        #expect(innerProblem == nil && members.map(\.name) == files.map(\.name))
        for (m, f) in zip(members, files) {
            #expect(try ArchiveMember(archive: "\(folder)/outer.tar", offset: m.offset, size: m.size).read() == f.bytes)
        }
        try ImageNetTests.write(Array("not a tar at all, just text".utf8) + [UInt8](repeating: 7, count: 600), "\(folder)/text.tar")
        #expect(throws: TarArchive.Failure.self) { try TarArchive.list(path: "\(folder)/text.tar") }
    }

    /// The archives as downloaded give the extracted tree's layout, labels and shards exactly.
    @Test func theDistributionPreparesAsTheExtractedTree() throws {
        let d = try Distribution()
        defer { d.remove() }
        let layout = try ImageNetLayout.scan(trainArchive: d.train, validationArchive: d.validation, devkit: d.devkit)
        let sorted = Self.wnids.sorted()
        #expect(layout.classes == sorted && layout.problems.isEmpty)
        #expect(layout.train.count == 10 && layout.validation.count == 8)
        #expect(layout.validation.map(\.label) == Self.groundTruth.map { sorted.firstIndex(of: Self.wnids[$0 - 1])! })
        #expect(layout.train.allSatisfy { $0.member != nil } && layout.validation.allSatisfy { $0.member != nil })
        // The extracted tree, its flat validation folder labelled by the same devkit.
        let tree = try ImageNetLayout.scan(root: d.tree, devkit: d.devkit)
        #expect(tree.classes == layout.classes && tree.validation.map(\.label) == layout.validation.map(\.label))
        #expect(tree.train.map(\.label) == layout.train.map(\.label))
        // The folder of downloads is found by the files' names; the extracted tree by its train/.
        #expect(try ImageNetLayout.scan(downloadsOrTree: d.folder) == layout)
        #expect(ImageNetLayout.downloads(in: d.tree) == nil && ImageNetLayout.downloads(in: d.folder + "/none") == nil)
        #expect(try ImageNetLayout.scan(downloadsOrTree: d.tree, devkit: d.devkit) == tree)
        var fromArchives = ImageNetPreparation(layout: layout, output: d.folder + "/a")
        var fromTree = ImageNetPreparation(layout: tree, output: d.folder + "/b")
        fromArchives.size = 16; fromTree.size = 16
        fromArchives.imagesPerShard = 4; fromTree.imagesPerShard = 4
        let a = try #require(try fromArchives.run()), b = try #require(try fromTree.run())
        #expect(a.train == b.train && a.validation == b.validation && a.covariance == b.covariance && a.skipped == 0)
        for shard in (a.train + a.validation).map(\.file) + ["mean.f32"] {
            #expect(FileManager.default.contents(atPath: d.folder + "/a/" + shard) == FileManager.default.contents(atPath: d.folder + "/b/" + shard), "\(shard)")
        }
    }
}

/// The ways a distribution can be wrong: each a clear error naming the file and what is wrong, or
/// a counted skip; never a trap, never a mislabel.
@Suite struct ImageNetArchiveFailureTests {
    typealias D = ImageNetArchiveTests.Distribution

    /// The devkit's ground truth as bare ids with a synsets list: the list in ILSVRC id order
    /// labels as the devkit does; the sorted list (Caffe's, Kaggle's) is refused.
    @Test func aSortedSynsetsListIsRefused() throws {
        let d = try D()
        defer { d.remove() }
        let ids = d.folder + "/ground-truth.txt", inOrder = d.folder + "/synsets.txt", sorted = d.folder + "/sorted.txt"
        try ImageNetTests.write(Array(ImageNetArchiveTests.groundTruth.map { "\($0)\n" }.joined().utf8), ids)
        try ImageNetTests.write(Array(ImageNetArchiveTests.wnids.map { "\($0) words\n" }.joined().utf8), inOrder)
        try ImageNetTests.write(Array(ImageNetArchiveTests.wnids.sorted().map { "\($0) words\n" }.joined().utf8), sorted)
        let byDevkit = try ImageNetLayout.scan(trainArchive: d.train, validationArchive: d.validation, devkit: d.devkit)
        let byList = try ImageNetLayout.scan(trainArchive: d.train, validationArchive: d.validation, validationLabels: ids, synsets: inOrder)
        #expect(byList.validation.map(\.label) == byDevkit.validation.map(\.label))
        #expect {
            try ImageNetLayout.scan(trainArchive: d.train, validationArchive: d.validation, validationLabels: ids, synsets: sorted)
        } throws: { error in
            guard case ImageNetError.badSynsets(let file, let problem) = error else { return false }
            return file == sorted && problem.hasPrefix("is in sorted order")
        }
        // A list that misses a class, or names one twice.
        try ImageNetTests.write(Array(ImageNetArchiveTests.wnids.dropLast().map { "\($0)\n" }.joined().utf8), sorted)
        #expect(throws: ImageNetError.badSynsets(file: sorted, problem: "names 3 classes and the training set has 4")) {
            try ImageNetLayout.scan(trainArchive: d.train, validationArchive: d.validation, validationLabels: ids, synsets: sorted)
        }
    }

    @Test func aMissingClassIsAnErrorNamingIt() throws {
        let d = try D(leaveOut: 1)
        defer { d.remove() }
        #expect(throws: ImageNetError.devkit(path: d.devkit, problem: "its class 2, n02100735, is not among the 3 training classes")) {
            try ImageNetLayout.scan(trainArchive: d.train, validationArchive: d.validation, devkit: d.devkit)
        }
    }

    @Test func aDevkitOfAnotherYearIsRefused() throws {
        let d = try D(meta: "meta-2010.mat", year: "2010")
        defer { d.remove() }
        #expect(throws: ImageNetError.devkit(path: d.devkit, problem: "is ILSVRC2010's devkit, and the validation images (ILSVRC2012_val_00000001.JPEG, …) are ILSVRC2012's")) {
            try ImageNetLayout.scan(trainArchive: d.train, validationArchive: d.validation, devkit: d.devkit)
        }
        // A meta.mat of 2010 beside a ground truth of 2012.
        let mixed = d.folder + "/mixed.tar.gz"
        try TarArchive.write([("kit/data/meta.mat", try ImageNetArchiveTests.fixture("meta-2010.mat")),
                              ("kit/data/ILSVRC2012_validation_ground_truth.txt", Array("1\n".utf8))], to: mixed, gzip: true)
        #expect(throws: ImageNetError.devkit(path: mixed, problem: "its ILSVRC2012_validation_ground_truth.txt is ILSVRC2012's and its meta.mat ILSVRC2010's")) {
            try ImageNetDevkit.read(mixed)
        }
    }

    /// Ground truth that breaks what the distribution guarantees: a class short of images.
    @Test func unbalancedGroundTruthIsRefused() throws {
        let d = try D()
        defer { d.remove() }
        let truth = ImageNetArchiveTests.groundTruth.map { $0 == 4 ? 1 : $0 }.map { "\($0)\n" }.joined()
        try TarArchive.write([("kit/data/meta.mat", try ImageNetArchiveTests.fixture("meta.mat")),
                              ("kit/data/ILSVRC2012_validation_ground_truth.txt", Array(truth.utf8))], to: d.devkit, gzip: true)
        #expect(throws: ImageNetError.devkit(path: d.devkit, problem: "gives n01751748 0 validation images and n02119789 4; ILSVRC's validation sets hold the same number of every class, so these labels are not the distribution's")) {
            try ImageNetLayout.scan(trainArchive: d.train, validationArchive: d.validation, devkit: d.devkit)
        }
        // A training set that does not hold the devkit's counts.
        let short = d.folder + "/short.tar"
        try TarArchive.write([("n02119789/a.JPEG", [1]), ("n02100735/b.JPEG", [2]), ("n01440764/c.JPEG", [3]), ("n01751748/d.JPEG", [4])], to: short)
        #expect(throws: ImageNetError.devkit(path: d.devkit, problem: "its meta.mat gives class 1, n02119789, 3 training images and the training set holds 1: the devkit is not this training set's, or the training set is incomplete")) {
            try ImageNetLayout.scan(trainArchive: short, validationArchive: d.validation, devkit: d.devkit)
        }
    }

    /// An inner tar cut short inside its last image: the images before it are prepared, the cut
    /// one is a counted skip with the reason in the report, and the scan says what happened.
    @Test func aTruncatedInnerTarIsACountedSkip() throws {
        let d = try D(cutClass: 0)
        defer { d.remove() }
        let layout = try ImageNetLayout.scan(trainArchive: d.train, validationArchive: d.validation, devkit: d.devkit)
        #expect(layout.problems.count == 1 && layout.problems[0].contains("n02119789.tar"))
        #expect(layout.train.count == 10)
        var p = ImageNetPreparation(layout: layout, output: d.folder + "/shards")
        p.size = 16
        let index = try #require(try p.run())
        #expect(index.skipped == 1 && index.train.reduce(0) { $0 + $1.images } == 9)
        let report = try String(contentsOfFile: d.folder + "/shards/report.txt", encoding: .utf8)
        #expect(report.contains("# \(d.train):n02119789.tar: "))
        #expect(report.contains("skipped\t\(d.train):n02119789.tar/n02119789_1000.JPEG\tcannot be read (") && report.contains("the archive ends inside this file"))
    }

    @Test func whatIsNotAnArchiveIsAnError() throws {
        let d = try D()
        defer { d.remove() }
        #expect { try ImageNetLayout.scan(trainArchive: d.devkit) } throws: { error in
            guard case ImageNetError.archive(let path, let problem) = error else { return false }
            return path == d.devkit && problem.hasPrefix("not a tar archive")
        }
        #expect(throws: ImageNetError.archive(path: d.folder + "/none.tar", problem: "No such file or directory")) {
            try ImageNetLayout.scan(trainArchive: d.folder + "/none.tar")
        }
    }
}

/// Our MAT-file writer (chapter 10's stand-in devkit) against our reader, and the archives it
/// makes against the scan.
@Suite struct StandInArchiveTests {
    @Test func matFilesRoundTrip() throws {
        let value = MATFile.Value.structure(dimensions: [2, 1], fields: ["ID", "WNID", "kids"], elements: [
            ["ID": .numeric(dimensions: [1, 1], values: [2]), "WNID": .text(dimensions: [1, 9], "n00000001"), "kids": .numeric(dimensions: [1, 0], values: [])],
            ["ID": .numeric(dimensions: [1, 1], values: [1]), "WNID": .text(dimensions: [1, 5], "été ☃"), "kids": .numeric(dimensions: [1, 3], values: [1, -2.5, 1e300])],
        ])
        let bytes = MATFile.encode([("synsets", value), ("cells", .cell(dimensions: [1, 2], [.text(dimensions: [1, 1], "a"), .numeric(dimensions: [2, 1], values: [3, 4])]))])
        let read = try MATFile.read(bytes, path: "m")
        #expect(read["synsets"] == value)
        #expect(read["cells"] == .cell(dimensions: [1, 2], [.text(dimensions: [1, 1], "a"), .numeric(dimensions: [2, 1], values: [3, 4])]))
    }

    /// The stand-in distribution scans to the tree ``ImageNetTree/write`` makes of the same
    /// images: same classes, same labels, through the devkit's map in backward id order.
    @Test func theStandInArchivesScanAsTheTree() throws {
        let folder = NSTemporaryDirectory() + "stand-in-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var g = RandomGenerator(seed: 2)
        func split(_ n: Int) -> DatasetSplit {
            DatasetSplit(channels: 3, height: 12, width: 10, pixels: (0..<(n * 360)).map { _ in UInt8(g.next() % 256) }, labels: (0..<n).map { ($0 * 7) % 5 })
        }
        let train = split(25), validation = split(20).balanced(perClass: 3)
        #expect(validation.count == 15)
        let paths = try ImageNetTree.writeArchives(train: train, validation: validation, to: folder + "/downloads")
        let archives = try ImageNetLayout.scan(trainArchive: paths.train, validationArchive: paths.validation, devkit: paths.devkit)
        let labels = try ImageNetTree.write(train: train, validation: validation, to: folder + "/tree")
        let tree = try ImageNetLayout.scan(root: folder + "/tree", validationLabels: labels)
        #expect(archives.classes == tree.classes && archives.validation.map(\.label) == validation.labels)
        #expect(archives.train.map(\.label).sorted() == tree.train.map(\.label).sorted())
        let devkit = try ImageNetDevkit.read(try #require(paths.devkit))
        #expect(devkit.classes.map(\.wnid) == (0..<5).reversed().map(ImageNetTree.wnid))
        let fall = try ImageNetTree.writeArchives(train: train, validation: nil, to: folder + "/fall", trainName: "fall11_whole.tar")
        #expect(try fall.validation == nil && ImageNetLayout.scan(trainArchive: fall.train).train.count == 25)
    }
}
