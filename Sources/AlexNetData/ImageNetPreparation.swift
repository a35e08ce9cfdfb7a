import CZlib
import Dispatch
import Foundation
import AlexNet

/// The one pass over an ImageNet tree that makes it trainable (Sections 2 and 4.1 of the paper):
/// every file decoded, its shorter side rescaled to `size` (256) and the central `size`×`size`
/// patch kept, packed into ``ImageNetShards``; in the same pass the mean training image and the
/// 3×3 covariance of all training pixels' RGB values (for PCA lighting) are summed.
///
/// - Decoding runs on `threads` threads, one shard of `imagesPerShard` images at a time.
/// - The odd files of the real data are converted and reported, never a trap: greyscale and
///   CMYK JPEGs become RGB, a PNG named .JPEG is read as a PNG (given a `decodeOther`), a damaged
///   JPEG that still decodes is kept with libjpeg-turbo's warning; a file nothing can read is
///   skipped. Every such file is listed in `report.txt` with what was done.
/// - Killed at any moment, it resumes where it stopped: after each shard, the shard and then the
///   running sums (`prepare-state`, written atomically, with the count of finished shards) are
///   on disk; a new run checks the state against the tree and those shards (``check(_:)``), keeps
///   them and redoes the rest.
///
/// The sums are exact integers (UInt64), so the mean and covariance do not depend on how the
/// work was split or resumed.
public struct ImageNetPreparation: Sendable {
    public var layout: ImageNetLayout
    public var output: String
    public var size = 256
    public var imagesPerShard = 1000
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// A JPEG whose header claims more pixels is skipped (with the reason) before it is decoded.
    /// ``decodeOther`` has its own limit (`ImageNetPreparation.readPNG(maximumPixels:)`); the tool
    /// sets both from `--max-pixels`. The resume state records it, and a run resumed with another
    /// limit is refused (the files already done were kept or skipped by the first one).
    public var maximumPixels = JPEG.maximumPixels
    /// Reads a file that is not a JPEG (the tool passes a PNG reader); nil: such files are skipped.
    /// Returns interleaved RGB, width and height.
    /// Stop after this many shards of this run, as a kill would (the tests' and chapter 10's resume).
    public var stopAfterShards: Int?
    public var decodeOther: (@Sendable (_ bytes: [UInt8], _ path: String) throws -> (rgb: [UInt8], width: Int, height: Int))?

    public init(layout: ImageNetLayout, output: String) {
        self.layout = layout
        self.output = output
    }

    /// How far the pass has gone, for a progress display.
    public struct Progress: Sendable {
        public var done: Int, total: Int
        /// Images decoded in this run (not counting resumed shards) and the seconds they took.
        public var doneThisRun: Int, seconds: Double
        public var converted: Int, skipped: Int
        public var imagesPerSecond: Double { Double(doneThisRun) / max(seconds, 1e-9) }
        public var secondsLeft: Double { Double(total - done) / max(imagesPerSecond, 1e-9) }
    }

    /// What happened to one file.
    enum Outcome: Sendable {
        /// The image, and its pixels' channel sums and channel products (``State/add``), summed
        /// on the decoding thread.
        case kept(planar: [UInt8], moments: [UInt64], note: String?)
        case skipped(reason: String)
    }

    /// Runs (or resumes) the pass and returns the index it wrote; nil if it stopped early
    /// (`stopAfterShards`).
    @discardableResult
    public func run(progress: ((Progress) -> Void)? = nil) throws -> ImageNetShards.Index? {
        precondition(size >= 1 && imagesPerShard >= 1 && threads >= 1, "ImageNetPreparation: size, shard size and threads must be positive")
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let fingerprint = self.fingerprint
        let indexPath = (output as NSString).appendingPathComponent("index.json")
        if let existing = FileManager.default.contents(atPath: indexPath) {
            let index = try ImageNetShards.decodeIndex(existing, path: indexPath)
            guard index.fingerprint == fingerprint else { throw ImageNetError.otherPreparation(directory: output, problem: "its index.json was made from another tree or size") }
            return index
        }
        var state = try State.read(from: statePath, plane: 3 * size * size) ?? State(fingerprint: fingerprint, plane: 3 * size * size)
        guard state.fingerprint == fingerprint else { throw ImageNetError.otherPreparation(directory: output, problem: "its prepare-state was made from another tree or size") }
        // A state of the first version of this format has no limit; it takes this run's.
        if let earlier = state.maximumPixels, earlier != maximumPixels {
            throw ImageNetError.otherPreparation(directory: output, problem: "its prepare-state was made with a limit of \(earlier) pixels a picture and this run has \(maximumPixels); resume with the same limit, or delete prepare-state to start over")
        }
        state.maximumPixels = maximumPixels
        try check(state)

        let splits = [("train", layout.train), ("validation", layout.validation)]
        let total = layout.train.count + layout.validation.count
        var done = splits.reduce(0) { $0 + min($1.1.count, state.shardsDone($1.0) * imagesPerShard) }
        let started = Date()
        var doneThisRun = 0, shardsThisRun = 0
        for (name, files) in splits {
            let shardCount = (files.count + imagesPerShard - 1) / imagesPerShard
            while state.shardsDone(name) < shardCount {
                if let stop = stopAfterShards, shardsThisRun >= stop { return nil }
                shardsThisRun += 1
                let s = state.shardsDone(name)
                let batch = Array(files[(s * imagesPerShard)..<min(files.count, (s + 1) * imagesPerShard)])
                var outcomes = decode(batch)
                // The shard is built in one array, header first, and each decoded image is released as
                // it is copied in: the peak is about two shards' bytes, not three.
                let labels = zip(batch, outcomes).compactMap { file, outcome -> Int? in
                    if case .kept = outcome { return file.label } else { return nil }
                }
                var shard = ImageNetShards.header(count: labels.count, channels: 3, size: size, labels: labels)
                shard.reserveCapacity(shard.count + labels.count * 3 * size * size)
                for (i, file) in batch.enumerated() {
                    switch outcomes[i] {
                    case .kept(let planar, let moments, let note):
                        shard += planar
                        if name == "train" { state.add(planar, moments: moments) }
                        if let note { state.report.append(.init(file: file.path, kept: true, what: note)) }
                    case .skipped(let reason):
                        state.report.append(.init(file: file.path, kept: false, what: reason))
                    }
                    outcomes[i] = .skipped(reason: "")
                }
                let shardFile = String(format: "%@-%05d.shard", name, s)
                try writeAtomically(shard, to: (output as NSString).appendingPathComponent(shardFile))
                state.shards[name, default: []].append(.init(file: shardFile, images: labels.count))
                try state.write(to: statePath)
                done += batch.count
                doneThisRun += batch.count
                progress?(Progress(done: done, total: total, doneThisRun: doneThisRun, seconds: Date().timeIntervalSince(started),
                                   converted: state.report.filter(\.kept).count, skipped: state.report.filter { !$0.kept }.count))
            }
        }
        return try finish(state)
    }

    /// Decodes, converts and rescales a shard's files on `threads` threads.
    func decode(_ files: [ImageNetLayout.File]) -> [Outcome] {
        var outcomes = [Outcome](repeating: .skipped(reason: ""), count: files.count)
        outcomes.withUnsafeMutableBufferPointer { buffer in
            let out = SendablePointer(buffer.baseAddress!)
            let workers = max(1, min(threads, files.count))
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                for i in stride(from: w, to: files.count, by: workers) { out.base[i] = prepare(files[i]) }
            }
        }
        return outcomes
    }

    /// One file (on disk or in an archive): decoded to RGB, rescaled and centre-cropped, planar.
    func prepare(_ file: ImageNetLayout.File) -> Outcome {
        let path = file.path, bytes: [UInt8]
        do { bytes = try file.read() } catch { return .skipped(reason: file.member == nil ? "cannot be read" : "cannot be read (\(error))") }
        var notes: [String] = []
        let rgb: [UInt8], width: Int, height: Int
        if JPEG.isJPEG(bytes) {
            do {
                let decoded = try JPEG.decode(bytes, path: path, maximumPixels: maximumPixels)
                (rgb, width, height) = (decoded.rgb, decoded.width, decoded.height)
                if decoded.colourSpace != .rgb { notes.append("\(decoded.colourSpace == .grey ? "greyscale" : "CMYK") JPEG converted to RGB") }
                if let warning = decoded.warning { notes.append("damaged JPEG kept (\(warning))") }
            } catch {
                return .skipped(reason: "\(error)")
            }
        } else if let decodeOther {
            do {
                (rgb, width, height) = try decodeOther(bytes, path)
                notes.append("not a JPEG (\(Self.kind(of: bytes))); read as such")
            } catch {
                return .skipped(reason: "not a JPEG, and not readable otherwise (\(error))")
            }
        } else {
            return .skipped(reason: "not a JPEG (\(Self.kind(of: bytes)))")
        }
        let split = DatasetSplit(rgb: rgb, width: width, height: height).resizedAndCentreCropped(to: size)
        return .kept(planar: split.pixels, moments: State.moments(split.pixels), note: notes.isEmpty ? nil : notes.joined(separator: "; "))
    }

    /// A file's kind from its first bytes, for the report.
    static func kind(of bytes: [UInt8]) -> String {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "PNG" }
        if bytes.starts(with: Array("GIF8".utf8)) { return "GIF" }
        if bytes.isEmpty { return "empty file" }
        return "unknown format"
    }

    /// Writes the mean image, the report and (last, so that its presence means "complete") the index.
    func finish(_ state: State) throws -> ImageNetShards.Index {
        let images = Double(max(1, state.images))
        var mean: [UInt8] = []
        mean.reserveCapacity(4 * state.pixelSums.count)
        for s in state.pixelSums { withUnsafeBytes(of: Float(Double(s) / images).bitPattern.littleEndian) { mean += $0 } }
        try writeAtomically(mean, to: (output as NSString).appendingPathComponent("mean.f32"))
        var report = "# files of \(layout.root) converted or skipped by prepare-imagenet\n"
        for problem in layout.problems { report += "# \(problem)\n" }
        for entry in state.report { report += "\(entry.kept ? "converted" : "skipped")\t\(entry.file)\t\(entry.what)\n" }
        try writeAtomically(Array(report.utf8), to: (output as NSString).appendingPathComponent("report.txt"))
        let index = ImageNetShards.Index(size: size, classes: layout.classes, train: state.shards["train"] ?? [],
                                         validation: state.shards["validation"] ?? [], covariance: state.covariance,
                                         converted: state.report.filter(\.kept).count, skipped: state.report.filter { !$0.kept }.count,
                                         fingerprint: fingerprint)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(Array(try encoder.encode(index)), to: (output as NSString).appendingPathComponent("index.json"))
        try? FileManager.default.removeItem(atPath: statePath)
        return index
    }

    var statePath: String { (output as NSString).appendingPathComponent("prepare-state") }

    /// Holds every field of a resumed state to what a run over this tree could have written, before
    /// any is used: a state whose checksum and fingerprint are right can still have been made by
    /// hand. Its shards are this tree's (by name, count and images per shard) and are on disk at
    /// their exact size; its report names only files of those shards; its image and pixel counts
    /// are those of its training shards, and no sum exceeds what as many images of bytes can make
    /// (so the sums of the shards still to come cannot overflow).
    func check(_ state: State) throws {
        func bad(_ problem: String) -> ImageNetError {
            .badShards(path: statePath, problem: "\(problem); delete it to start the preparation over (the shards are written again)")
        }
        let plane = 3 * size * size
        let splits = ["train": layout.train, "validation": layout.validation]
        // The report's files, each struck off when a finished shard holds it (a set of the report's
        // few files, not of the million finished ones).
        var unaccounted = Set(state.report.map(\.file))
        for (name, shards) in state.shards.sorted(by: { $0.key < $1.key }) {
            guard let files = splits[name] else { throw bad("it lists shards of a split named '\(name)'") }
            let shardCount = (files.count + imagesPerShard - 1) / imagesPerShard
            guard shards.count <= shardCount else { throw bad("it lists \(shards.count) \(name) shards where this tree makes \(shardCount)") }
            for (s, shard) in shards.enumerated() {
                let batch = files[(s * imagesPerShard)..<min(files.count, (s + 1) * imagesPerShard)]
                let expected = String(format: "%@-%05d.shard", name, s)
                guard shard.file == expected else { throw bad("its \(name) shard \(s) is named '\(shard.file)', not \(expected)") }
                guard (0...batch.count).contains(shard.images) else {
                    throw bad("its \(expected) holds \(shard.images) images of a batch of \(batch.count) files")
                }
                let bytes = ImageNetShards.header(count: shard.images, channels: 3, size: size,
                                                  labels: [Int](repeating: 0, count: shard.images)).count + shard.images * plane
                let path = (output as NSString).appendingPathComponent(shard.file)
                let onDisk = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
                guard onDisk == bytes else {
                    throw bad("its \(expected) should be \(bytes) bytes on disk and is \(onDisk.map { "\($0) bytes" } ?? "missing")")
                }
                for file in batch { unaccounted.remove(file.path) }
            }
        }
        if let unknown = state.report.first(where: { unaccounted.contains($0.file) }) {
            throw bad("its report names \(unknown.file), which no finished shard holds")
        }
        let images = (state.shards["train"] ?? []).reduce(0) { $0 + $1.images }
        guard state.images == images, state.pixels == UInt64(images * size * size) else {
            throw bad("it counts \(state.images) images of \(state.pixels) pixels where its training shards hold \(images) images")
        }
        func most(_ value: UInt64, times count: UInt64) -> UInt64 {
            let (product, overflow) = value.multipliedReportingOverflow(by: count)
            return overflow ? .max : product
        }
        guard state.pixelSums.allSatisfy({ $0 <= most(255, times: UInt64(images)) }),
              state.channelSums.allSatisfy({ $0 <= most(255, times: state.pixels) }),
              state.productSums.allSatisfy({ $0 <= most(255 * 255, times: state.pixels) }) else {
            throw bad("its sums are larger than \(images) images of bytes can make")
        }
    }

    /// The tree's files and labels and the settings, hashed (FNV-1a, 64 bits).
    var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) { for b in text.utf8 { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 } }
        mix("size \(size) shard \(imagesPerShard) classes \(layout.classes.joined(separator: ","))")
        // An archive member's place and size too: an archive rewritten under the same names is other data.
        func place(_ f: ImageNetLayout.File) -> String { f.member.map { "\u{0}\($0.offset)+\($0.size)" } ?? "" }
        for f in layout.train { mix("t\(f.path)\u{0}\(f.label)\(place(f))") }
        for f in layout.validation { mix("v\(f.path)\u{0}\(f.label)\(place(f))") }
        return String(format: "%016llx", hash)
    }

    /// The running state of a pass: shards finished, the report so far, the exact sums.
    struct State {
        struct Entry: Codable { var file: String, kept: Bool, what: String }
        struct Header: Codable {
            var fingerprint: String, shards: [String: [ImageNetShards.Index.Shard]], report: [Entry], images: Int
            /// The pixel limit the files so far were read with (absent in states written before it was recorded).
            var maximumPixels: Int?
        }

        var fingerprint: String
        var maximumPixels: Int?
        var shards: [String: [ImageNetShards.Index.Shard]] = [:]
        var report: [Entry] = []
        var images = 0
        /// Σ over training images of each byte (C·size·size), then of each channel, then of the
        /// six products R·R, R·G, R·B, G·G, G·B, B·B over all pixels; and the pixel count.
        var pixelSums: [UInt64]
        var channelSums = [UInt64](repeating: 0, count: 3), productSums = [UInt64](repeating: 0, count: 6)
        var pixels: UInt64 = 0

        init(fingerprint: String, plane: Int) {
            self.fingerprint = fingerprint
            pixelSums = [UInt64](repeating: 0, count: plane)
        }

        func shardsDone(_ split: String) -> Int { shards[split]?.count ?? 0 }

        /// The sums of R, G, B and of the products R·R, R·G, R·B, G·G, G·B, B·B over a planar image's pixels.
        static func moments(_ planar: [UInt8]) -> [UInt64] {
            let plane = planar.count / 3
            var m = [UInt64](repeating: 0, count: 9)
            planar.withUnsafeBufferPointer { x in
                for i in 0..<plane {
                    let (r, g, b) = (UInt64(x[i]), UInt64(x[plane + i]), UInt64(x[2 * plane + i]))
                    m[0] += r; m[1] += g; m[2] += b
                    m[3] += r * r; m[4] += r * g; m[5] += r * b; m[6] += g * g; m[7] += g * b; m[8] += b * b
                }
            }
            return m
        }

        /// Adds a training image: its bytes to the pixel sums, its ``moments(_:)`` to the channel sums.
        mutating func add(_ planar: [UInt8], moments: [UInt64]) {
            images += 1
            planar.withUnsafeBufferPointer { x in
                pixelSums.withUnsafeMutableBufferPointer { sums in for i in 0..<x.count { sums[i] &+= UInt64(x[i]) } }
            }
            for k in 0..<3 { channelSums[k] += moments[k] }
            for k in 0..<6 { productSums[k] += moments[3 + k] }
            pixels += UInt64(planar.count / 3)
        }

        /// The covariance of pixel values in [0, 1].
        var covariance: [[Double]] {
            let n = Double(max(1, pixels))
            let mean = channelSums.map { Double($0) / n / 255 }
            let at = [[0, 1, 2], [1, 3, 4], [2, 4, 5]]
            return (0..<3).map { a in (0..<3).map { b in Double(productSums[at[a][b]]) / n / 65025 - mean[a] * mean[b] } }
        }

        /// "ALEXPRE2", the header's JSON length (UInt64), the JSON, the sums (UInt64 each), then the
        /// CRC-32 of everything before it (UInt32): a changed byte anywhere is refused, not used
        /// (the first format, "ALEXPREP", had no checksum; it is refused too, saying how to go on).
        func write(to path: String) throws {
            let json = try JSONEncoder().encode(Header(fingerprint: fingerprint, shards: shards, report: report, images: images,
                                                       maximumPixels: maximumPixels))
            var bytes = Array(Self.magic.utf8)
            withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes += $0 }
            bytes += json
            for v in pixelSums + channelSums + productSums + [pixels] { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
            withUnsafeBytes(of: Self.crc32(bytes[...]).littleEndian) { bytes += $0 }
            try writeAtomically(bytes, to: path)
        }

        static let magic = "ALEXPRE2"

        static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            bytes.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, UInt32($0.count))) }
        }

        static func read(from path: String, plane: Int) throws -> State? {
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            let bytes = [UInt8](data)
            func bad(_ problem: String) -> ImageNetError {
                .badShards(path: path, problem: "\(problem); delete it to start the preparation over (the shards are written again)")
            }
            guard bytes.count >= 8 else { throw bad("not a preparation state") }
            if Array(bytes[0..<8]) == Array("ALEXPREP".utf8) { throw bad("a preparation state of an older format, without a checksum") }
            guard Array(bytes[0..<8]) == Array(Self.magic.utf8), bytes.count >= 20 else { throw bad("not a preparation state") }
            let numbers = plane + 3 + 6 + 1
            let declared = bytes[8..<16].withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
            guard declared <= UInt64(bytes.count), bytes.count == 16 + Int(declared) + 8 * numbers + 4 else {
                throw bad("a damaged preparation state (its length fields do not match its \(bytes.count) bytes)")
            }
            let length = Int(declared), end = bytes.count - 4
            let stored = bytes[end...].withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
            guard stored == Self.crc32(bytes[..<end]) else { throw bad("a damaged preparation state (checksum mismatch)") }
            guard let header = try? JSONDecoder().decode(Header.self, from: Data(bytes[16..<(16 + length)])) else {
                throw bad("a damaged preparation state (its header does not decode)")
            }
            let values = bytes[(16 + length)..<end].withUnsafeBytes { raw in
                (0..<numbers).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)) }
            }
            var state = State(fingerprint: header.fingerprint, plane: plane)
            state.maximumPixels = header.maximumPixels
            state.shards = header.shards
            state.report = header.report
            state.images = header.images
            state.pixelSums = Array(values[0..<plane])
            state.channelSums = Array(values[plane..<(plane + 3)])
            state.productSums = Array(values[(plane + 3)..<(plane + 9)])
            state.pixels = values[plane + 9]
            return state
        }
    }
}
