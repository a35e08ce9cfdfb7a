import Foundation
import Testing
import AlexNet
import AlexNetData
import AlexNetTraining
import TestSupport

/// The battery of crafted files, one of every class a new user's attacker would try, given to the
/// `alexnet` tool as a user would: each is refused with exit status 1 and one line on standard
/// error that names the file and what is wrong in it, nothing on standard output, and a peak
/// memory (the process's own, measured by GNU time) far below what the file claims. The readers' own tests
/// hold the same files to their exact messages; this is the tool's contract.
@Suite struct HostileFilesToolTests {
    /// A refusal's peak memory bound: the tool's own footprint (the BLAS library, the runtime, a
    /// tiny network) is about 30–60 MB; every file below claims gigabytes or more.
    static let peakBound = 256 << 20

    /// One crafted file and the command that reads it.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// The arguments, given the directory the files are in.
        var arguments: @Sendable (String) -> [String]
        /// What the one line must say besides the file's name.
        var says: String
        /// The file the line must name.
        var file: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "predict: a PNG claiming 10¹⁰ pixels", arguments: { ["predict", "--checkpoint", $0 + "/good.alexnet", $0 + "/huge.png"] },
             says: "pixels, more than", file: "huge.png"),
        Case(name: "predict: a JPEG claiming 60,000 × 60,000 pixels", arguments: { ["predict", "--checkpoint", $0 + "/good.alexnet", $0 + "/huge.jpg"] },
             says: "pixels, more than", file: "huge.jpg"),
        Case(name: "predict --weights: metadata with a stride of 0", arguments: { ["predict", "--weights", $0 + "/stride.safetensors", $0 + "/photo.jpg"] },
             says: "conv1.stride is 0", file: "stride.safetensors"),
        Case(name: "predict --weights: metadata asking for fc layers of 2²⁰", arguments: { ["predict", "--weights", $0 + "/wide.safetensors", $0 + "/photo.jpg"] },
             says: "numbers its file holds", file: "wide.safetensors"),
        Case(name: "predict: a checkpoint counting 2³² − 1 parameters", arguments: { ["predict", "--checkpoint", $0 + "/count.alexnet", $0 + "/photo.jpg"] },
             says: "4294967295 parameters", file: "count.alexnet"),
        Case(name: "evaluate: a checkpoint with a dimension of 2⁶⁴ − 1", arguments: { ["evaluate", "--dataset", "imagenet", "--data-dir", $0 + "/prepared", "--checkpoint", $0 + "/dimension.alexnet"] },
             says: "18446744073709551615", file: "dimension.alexnet"),
        Case(name: "inspect: a checkpoint whose shape product overflows", arguments: { ["inspect", "--checkpoint", $0 + "/product.alexnet"] },
             says: "larger than the file", file: "product.alexnet"),
        Case(name: "train --resume: a checkpoint counting 2³² − 16 generators",
             arguments: { ["train", "--checkpoint-dir", $0 + "/resume", "--resume", "--data-dir", $0 + "/no-data"] },
             says: "4294967280 dropout generators", file: "checkpoint.alexnet"),
        Case(name: "prepare-imagenet: a resume state with one byte changed", arguments: { prepare($0 + "/flipped") },
             says: "checksum mismatch", file: "prepare-state"),
        Case(name: "prepare-imagenet: a checksummed state whose sums would overflow", arguments: { prepare($0 + "/sums") },
             says: "its sums are larger than", file: "prepare-state"),
        Case(name: "prepare-imagenet: a checksummed state naming a shard that is not on disk", arguments: { prepare($0 + "/missing") },
             says: "is missing", file: "prepare-state"),
    ]

    /// `prepare-imagenet` of the battery's tree into `out`, shards of two images at 16×16.
    static func prepare(_ out: String) -> [String] {
        let tree = (out as NSString).deletingLastPathComponent + "/tree"
        return ["prepare-imagenet", "--imagenet-dir", tree, "--out", out, "--size", "16", "--shard-images", "2",
                "--validation-labels", tree + "/LOC_val_solution.csv", "--threads", "1"]
    }

    /// The battery's files, written once into one directory.
    static let files: Result<String, any Error> = Result(catching: {
        let directory = try temporaryDirectory()
        func put(_ bytes: [UInt8], _ name: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + name)) }
        let configuration = tinyAlexNetConfiguration()
        let network = try AlexNetModel<Float>(configuration)
        let checkpoint = Checkpoint(network: network, optimizer: SGD(parameters: network.parameters), specification: .alexNet(configuration),
                                    normalization: .meanImage(of: syntheticDataset(count: 8).train), state: TrainingState(schedule: .constant(0.01)),
                                    metadata: ["classes": "red\ngreen\nblue"])
        try checkpoint.write(to: directory + "/good.alexnet")
        try put(try JPEG.encode([UInt8](repeating: 100, count: 15 * 15 * 3), width: 15, height: 15), "photo.jpg")
        try put(hostilePNG(width: 100_000, height: 100_000), "huge.png")
        try put(try hostileJPEG(width: 60_000, height: 60_000), "huge.jpg")

        // Exports of the tiny network whose metadata describes another one.
        let export = try Safetensors(checkpoint: checkpoint, network: network)
        for (name, change) in [("stride", { (c: inout AlexNetConfiguration) in c.convolutions[0].stride = 0 }),
                               ("wide", { (c: inout AlexNetConfiguration) in c.hiddenWidths = [1 << 20, 1 << 20] })] {
            var c = configuration
            change(&c)
            var metadata = export.metadata
            metadata["alexnet.specification"] = String(decoding: try JSONEncoder().encode(ModelSpecification.alexNet(c)), as: UTF8.self)
            try put(try Safetensors(tensors: export.tensors, metadata: metadata).encoded(), name + ".safetensors")
        }

        try put(try hostileCheckpoint(.parameterCount(0xFFFF_FFFF)), "count.alexnet")
        try put(try hostileCheckpoint(.tensorShape([UInt64.max])), "dimension.alexnet")
        try put(try hostileCheckpoint(.tensorShape([1, 1 << 20, 1 << 20, 1 << 20])), "product.alexnet")
        try FileManager.default.createDirectory(atPath: directory + "/resume", withIntermediateDirectories: true)
        try put(try hostileCheckpoint(.generatorCount(0xFFFF_FFF0)), "resume/checkpoint.alexnet")

        // A tree of 8 training and 4 validation pictures, prepared whole (evaluate's data) and three
        // times as far as its first shard; each of those states is then damaged in its own way.
        var g = RandomGenerator(seed: 5)
        func split(_ count: Int) -> DatasetSplit {
            DatasetSplit(channels: 3, height: 20, width: 24, pixels: (0..<(count * 3 * 20 * 24)).map { _ in UInt8(g.next() % 256) },
                         labels: (0..<count).map { $0 % 2 })
        }
        let tree = directory + "/tree"
        let labels = try ImageNetTree.write(train: split(8), validation: split(4), to: tree)
        for out in ["flipped", "sums", "missing", "prepared"] {
            var preparation = ImageNetPreparation(layout: try ImageNetLayout.scan(root: tree, validationLabels: labels), output: directory + "/" + out)
            (preparation.size, preparation.imagesPerShard, preparation.threads) = (16, 2, 1)
            preparation.stopAfterShards = out == "prepared" ? nil : 1
            try preparation.run()
        }
        // "ALEXPRE2", the header's length (UInt64), the header, the sums (UInt64 each: 3·16·16 pixel
        // sums, 3 channel sums, ...), the CRC-32 of all before it.
        let state = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/flipped/prepare-state")))
        var flipped = state
        flipped[state.count / 2] ^= 0x01
        try put(flipped, "flipped/prepare-state")
        let length = Int(state[8..<16].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        var sums = state
        let firstChannelSum = 16 + length + 8 * (3 * 16 * 16)
        for b in 0..<8 { sums[firstChannelSum + b] = b == 0 ? 0xF0 : 0xFF }      // 2⁶⁴ − 16
        sums.replaceSubrange((sums.count - 4)..., with: withUnsafeBytes(of: crc32(Array(sums.dropLast(4))).littleEndian, Array.init))
        try put(sums, "sums/prepare-state")
        try FileManager.default.removeItem(atPath: directory + "/missing/train-00000.shard")
        return directory
    })

    @Test(arguments: cases)
    func isRefusedInOneLineWithinBoundedMemory(_ hostile: Case) throws {
        let directory = try Self.files.get()
        let run = try runExecutable("alexnet", hostile.arguments(directory), measuringPeakMemory: true)
        let peak = try #require(run.peakBytes)
        // The refusal is the last line on standard error and the only one of the tool's errors
        // ("alexnet: "); what comes before it is progress (prepare-imagenet's tree) or the BLAS
        // kernel notice of a CPU newer than OpenBLAS's own choice (BLASKernelSelection).
        let lines = run.errors.split(separator: "\n")
        #expect(run.status == 1, "exit \(run.status): \(run.errors)")
        #expect(lines.filter { $0.hasPrefix("alexnet: ") }.count == 1 && run.output.isEmpty, "\(run.output)\(run.errors)")
        #expect(lines.last.map { $0.hasPrefix("alexnet: ") && $0.contains(hostile.file) && $0.contains(hostile.says) } == true, "\(run.errors)")
        #expect(peak < Self.peakBound, "peak \(peak >> 20) MiB")
        print("hostile file: \(hostile.name): exit \(run.status), peak \(peak >> 20) MiB")
    }

    /// A diverged network's checkpoint (fc8's bias NaN) is not refused by `evaluate`, which must
    /// report it as wrong on every image, on each path: the centre view, ten views, and an ensemble
    /// with a healthy network (whose average is NaN too). Before, NaN scores counted as right.
    @Test func aNaNNetworkIsAHundredPercentWrongInEvaluate() throws {
        let directory = try Self.files.get()
        var configuration = tinyAlexNetConfiguration()          // 15×15 crops of the battery's 16×16 prepared pictures
        configuration.classes = 2
        let mean = Normalization.meanImage(of: DatasetSplit(channels: 3, height: 16, width: 16,
                                                            pixels: [UInt8](repeating: 120, count: 3 * 16 * 16), labels: [0]))
        for name in ["nan", "healthy"] {
            let network = try AlexNetModel<Float>(configuration)
            if name == "nan" { network.fc8.bias.value = Tensor(shape: network.fc8.bias.value.shape, repeating: .nan) }
            try Checkpoint(network: network, optimizer: SGD(parameters: network.parameters), specification: .alexNet(configuration),
                           normalization: mean, state: TrainingState(schedule: .constant(0.01))).write(to: "\(directory)/\(name).alexnet")
        }
        let data = ["evaluate", "--dataset", "imagenet", "--data-dir", directory + "/prepared"]
        let nan = ["--checkpoint", directory + "/nan.alexnet"], healthy = ["--checkpoint", directory + "/healthy.alexnet"]
        for (arguments, lines) in [(nan, 1), (nan + ["--views", "ten"], 1), (nan + healthy, 3)] {
            let run = try runExecutable("alexnet", data + arguments)
            #expect(run.status == 0, "\(run.errors)")
            let results = run.output.split(separator: "\n").filter { $0.contains("top-1 error") }
            #expect(results.count == lines, "\(run.output)")
            for (i, line) in results.enumerated() where i != 1 {        // the ensemble's second line is the healthy net's
                #expect(line.contains("top-1 error 100.00%, top-5 error 100.00%") && line.contains("4 images with non-finite outputs"), "\(line)")
            }
        }
    }

    /// The peak is the executable's own, not the test process's (which holds far more than
    /// 260 MB while the suites run): dd's one 200 MB buffer, read into, shows as 200–260 MB, and
    /// the tool's refusal of a missing file as far less.
    @Test func thePeakMemoryIsTheExecutablesOwn() throws {
        let directory = try temporaryDirectory()
        let dd = try runExecutable("alexnet", ["if=/dev/zero", "of=/dev/null", "bs=200M", "count=1"], launcher: ["/bin/dd"],
                                   measuringPeakMemory: true)
        #expect(dd.status == 0 && (200 << 20..<260 << 20).contains(dd.peakBytes ?? 0), "peak \((dd.peakBytes ?? 0) >> 20) MiB")
        let small = try runExecutable("alexnet", ["inspect", "--checkpoint", directory + "/absent.alexnet"], measuringPeakMemory: true)
        #expect(small.status == 1 && (small.peakBytes ?? .max) < 100 << 20, "peak \((small.peakBytes ?? 0) >> 20) MiB")
    }
}
