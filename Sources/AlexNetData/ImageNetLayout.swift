import Foundation

/// ImageNet as it is laid out on disk (Section 2 of the paper: ILSVRC's 1.2 million training
/// images of 1000 classes, and 50,000 validation images):
///
///     ROOT/train/n01440764/n01440764_10026.JPEG     one folder per class, named by its WordNet id
///     ROOT/val/n01440764/ILSVRC2012_val_00000293.JPEG   validation in class folders, or
///     ROOT/val/ILSVRC2012_val_00000001.JPEG         flat, with a file of labels
///
/// The classes are the training folders in sorted order (n01440764 is class 0, as in torchvision
/// and Caffe). A flat validation folder needs its labels from a file (``scan(root:validationLabels:synsets:)``),
/// in any of the forms the data is distributed with:
///
///     ILSVRC2012_val_00000001.JPEG n01751748     name and WordNet id (or "name,wnid …", Kaggle's CSV)
///     ILSVRC2012_val_00000001.JPEG 65            name and 0-based class (Caffe's val.txt)
///     490                                        one 1-based ILSVRC id per line, in file-name order
///                                                (the devkit's ground truth; needs `synsets`)
///
/// Files are listed by name; what they hold is decided later from their bytes, not their
/// extension (ILSVRC-2012's training set has a PNG named .JPEG).
public struct ImageNetLayout: Sendable, Equatable {
    public struct File: Sendable, Equatable, Codable {
        /// The file's path, or for a member of an archive "ARCHIVE:INNER.tar/NAME" (for the report).
        public var path: String
        public var label: Int
        /// Where the bytes lie when the file is inside an archive (``ArchiveMember``).
        public var member: ArchiveMember? = nil

        /// The file's bytes, from the disk or from its archive.
        public func read() throws -> [UInt8] {
            if let member { return try member.read() }
            guard let data = FileManager.default.contents(atPath: path) else { throw ImageNetError.unreadable(path: path, problem: "cannot be read") }
            return [UInt8](data)
        }
    }

    public var root: String
    /// WordNet ids, sorted: class i is `classes[i]`.
    public var classes: [String]
    public var train: [File]
    /// Empty when there is no validation folder.
    public var validation: [File]
    /// What was wrong with the data but did not stop the scan (a truncated inner tar), one line each.
    public var problems: [String] = []

    /// Reads the tree at `root`. `validationLabels` names the labels of a flat validation folder;
    /// `synsets` (one WordNet id per line, the first word of each, in ILSVRC id order) or the
    /// `devkit` (``ImageNetDevkit``, whose ground truth also labels the folder alone) turns bare
    /// ILSVRC ids into classes.
    public static func scan(root: String, validationLabels: String? = nil, synsets: String? = nil, devkit: String? = nil) throws -> ImageNetLayout {
        let trainDirectory = (root as NSString).appendingPathComponent("train")
        guard isDirectory(trainDirectory) else { throw ImageNetError.noTrainingFolder(root: root) }
        let classes = try entries(trainDirectory).filter { isDirectory(($0.path)) }.map(\.name)
        guard !classes.isEmpty else { throw ImageNetError.noClasses(directory: trainDirectory) }
        var train: [File] = []
        for (label, wnid) in classes.enumerated() {
            let folder = (trainDirectory as NSString).appendingPathComponent(wnid)
            train += try entries(folder).filter { !isDirectory($0.path) }.map { File(path: $0.path, label: label) }
        }
        guard !train.isEmpty else { throw ImageNetError.noClasses(directory: trainDirectory) }

        var validation: [File] = []
        let candidates = ["val", "validation"].map { (root as NSString).appendingPathComponent($0) }
        if let folder = candidates.first(where: isDirectory) {
            let items = try entries(folder)
            let folders = items.filter { isDirectory($0.path) }, files = items.filter { !isDirectory($0.path) }
            if !folders.isEmpty {
                let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
                for sub in folders {
                    guard let label = position[sub.name] else { throw ImageNetError.unknownValidationClass(folder: sub.path) }
                    validation += try entries(sub.path).filter { !isDirectory($0.path) }.map { File(path: $0.path, label: label) }
                }
            } else if !files.isEmpty {
                validation = try labelFlat(files: files, folder: folder, labelsFile: validationLabels, synsets: synsets,
                                           devkit: try devkit.map(ImageNetDevkit.read), classes: classes, train: train)
            }
        }
        return ImageNetLayout(root: root, classes: classes, train: train, validation: validation)
    }

    /// Labels a flat validation set: from a labels file (its bare ids through the devkit's map or
    /// a synsets list), or from the devkit's ground truth alone. A map from ids to classes is
    /// held to what the distribution guarantees before it is used (``checkMap``).
    static func labelFlat(files: [(name: String, path: String)], folder: String, labelsFile: String?, synsets: String?,
                          devkit: ImageNetDevkit?, classes: [String], train: [File]) throws -> [File] {
        var counts = [Int](repeating: 0, count: classes.count)
        for f in train { counts[f.label] += 1 }
        func map() throws -> (wnids: [String], source: String)? {
            if let devkit {
                try checkDevkit(devkit, classes: classes, trainingCounts: counts, validationNames: files.map(\.name))
                return (devkit.classes.map(\.wnid), devkit.path)
            }
            guard let synsets else { return nil }
            let list = try readSynsets(synsets)
            try checkSynsets(list, file: synsets, classes: classes)
            return (list, synsets)
        }
        if let labelsFile {
            return try labelFlat(files: files, labelsFile: labelsFile, classes: classes, synsets: map())
        }
        guard let devkit else { throw ImageNetError.flatValidationWithoutLabels(folder: folder) }
        guard let truth = devkit.groundTruth else {
            throw ImageNetError.devkit(path: devkit.path, problem: "holds no validation ground truth (data/ILSVRC\(devkit.year)_validation_ground_truth.txt)")
        }
        let (wnids, _) = try map()!
        guard truth.count == files.count else { throw ImageNetError.labelCount(file: devkit.path, labels: truth.count, files: files.count) }
        let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let labelled = zip(files, truth).map { File(path: $0.path, label: position[wnids[$1 - 1]]!) }
        try checkBalance(labelled, classes: classes, source: devkit.path)
        return labelled
    }

    /// The devkit's map held to the training set: for the same challenge year as the validation
    /// files' names, naming exactly the training classes, each with as many training images as
    /// meta.mat says it has. A map of another year or another data set fails one of these.
    static func checkDevkit(_ devkit: ImageNetDevkit, classes: [String], trainingCounts: [Int], validationNames: [String]) throws {
        func bad(_ problem: String) -> ImageNetError { .devkit(path: devkit.path, problem: problem) }
        if let name = validationNames.first(where: { $0.hasPrefix("ILSVRC") }), case let year = String(name.dropFirst(6).prefix(4)),
           year.allSatisfy(\.isNumber), year != devkit.year {
            throw bad("is ILSVRC\(devkit.year)'s devkit, and the validation images (\(name), …) are ILSVRC\(year)'s")
        }
        let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        if let missing = devkit.classes.first(where: { position[$0.wnid] == nil }) {
            throw bad("its class \(missing.id), \(missing.wnid), is not among the \(classes.count) training classes")
        }
        guard devkit.classes.count == classes.count else {
            let named = Set(devkit.classes.map(\.wnid))
            throw bad("names \(devkit.classes.count) classes and the training set has \(classes.count) (e.g. \(classes.first { !named.contains($0) } ?? "?") is not in the devkit)")
        }
        for synset in devkit.classes {
            if let expected = synset.trainingImages, expected > 0, trainingCounts[position[synset.wnid]!] != expected {
                throw bad("its meta.mat gives class \(synset.id), \(synset.wnid), \(expected) training images and the training set holds \(trainingCounts[position[synset.wnid]!]): the devkit is not this training set's, or the training set is incomplete")
            }
        }
    }

    /// A synsets list for bare ids: every training class once, and not in sorted order — the
    /// order of ImageNet's class folders, which is not ILSVRC's id order, so a sorted list
    /// (torchvision's, Caffe's synsets.txt, Kaggle's LOC_synset_mapping.txt) would mislabel.
    static func checkSynsets(_ list: [String], file: String, classes: [String]) throws {
        func bad(_ problem: String) -> ImageNetError { .badSynsets(file: file, problem: problem) }
        let known = Set(classes)
        if let unknown = list.first(where: { !known.contains($0) }) { throw bad("\(unknown) is not among the training classes") }
        guard Set(list).count == list.count else { throw bad("names a class twice") }
        guard list.count == classes.count else { throw bad("names \(list.count) classes and the training set has \(classes.count)") }
        if list.count > 1 && list == list.sorted() {
            throw bad("is in sorted order, the order of the class folders, not the ILSVRC id order the ground truth's ids count in (in ILSVRC-2012 id 1 is n02119789, not n01440764): it would label the validation images wrongly. Give the devkit instead (--devkit ILSVRC2012_devkit_t12.tar.gz), which holds the map")
        }
    }

    /// ILSVRC's validation sets hold the same number of images of every class (ILSVRC-2012: 50 of
    /// each of 1,000); labels from ids that break this come from a wrong map or ground truth.
    static func checkBalance(_ files: [File], classes: [String], source: String) throws {
        var counts = [Int](repeating: 0, count: classes.count)
        for f in files { counts[f.label] += 1 }
        if let low = counts.indices.min(by: { counts[$0] < counts[$1] }), let high = counts.indices.max(by: { counts[$0] < counts[$1] }), counts[low] != counts[high] {
            throw ImageNetError.devkit(path: source, problem: "gives \(classes[low]) \(counts[low]) validation images and \(classes[high]) \(counts[high]); ILSVRC's validation sets hold the same number of every class, so these labels are not the distribution's")
        }
    }

    /// The non-hidden entries of a directory, sorted by name.
    static func entries(_ directory: String) throws -> [(name: String, path: String)] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw ImageNetError.unreadable(path: directory, problem: error.localizedDescription)
        }
        return names.filter { !$0.hasPrefix(".") }.sorted().map { ($0, (directory as NSString).appendingPathComponent($0)) }
    }

    static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    static func readSynsets(_ path: String) throws -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ImageNetError.unreadable(path: path, problem: "cannot read it as text") }
        return text.split(whereSeparator: \.isNewline).compactMap { $0.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).first.map(String.init) }
    }

    /// Labels a flat folder's files from a labels file (the three forms above); `synsets` maps
    /// bare ids, already checked, and names where the map came from.
    static func labelFlat(files: [(name: String, path: String)], labelsFile: String, classes: [String],
                          synsets: (wnids: [String], source: String)?) throws -> [File] {
        guard let text = try? String(contentsOfFile: labelsFile, encoding: .utf8) else {
            throw ImageNetError.unreadable(path: labelsFile, problem: "cannot read it as text")
        }
        let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        func stem(_ name: String) -> String { (name as NSString).deletingPathExtension }
        let byStem = Dictionary(files.map { (stem($0.name), $0.path) }, uniquingKeysWith: { a, _ in a })
        var labels: [String: Int] = [:]          // file path → class
        var bareIds: [Int] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let tokens = line.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\r" }).map(String.init)
            if tokens.isEmpty || (number == 0 && tokens[0] == "ImageId") { continue }
            func bad(_ problem: String) -> ImageNetError { .badLabelsLine(file: labelsFile, line: number + 1, problem: problem) }
            if tokens.count == 1 {
                guard let id = Int(tokens[0]) else { throw bad("'\(tokens[0])' is neither a file name with a class nor an ILSVRC id") }
                bareIds.append(id)
                continue
            }
            guard let path = byStem[stem(tokens[0])] else { throw bad("no file \(tokens[0]) in the validation folder") }
            if let label = position[tokens[1]] {
                labels[path] = label
            } else if let index = Int(tokens[1]), index >= 0, index < classes.count {
                labels[path] = index
            } else {
                throw bad("'\(tokens[1])' is neither a training class nor a class number 0…\(classes.count - 1)")
            }
        }
        if !bareIds.isEmpty {
            guard labels.isEmpty else { throw ImageNetError.badLabelsLine(file: labelsFile, line: 0, problem: "mixes bare ids with named files") }
            guard let synsets else { throw ImageNetError.idsWithoutSynsets(file: labelsFile) }
            guard bareIds.count == files.count else { throw ImageNetError.labelCount(file: labelsFile, labels: bareIds.count, files: files.count) }
            let labelled = try zip(files, bareIds).enumerated().map { line, pair in
                guard pair.1 >= 1, pair.1 <= synsets.wnids.count, let label = position[synsets.wnids[pair.1 - 1]] else {
                    throw ImageNetError.badLabelsLine(file: labelsFile, line: line + 1, problem: "id \(pair.1) names no training class")
                }
                return File(path: pair.0.path, label: label)
            }
            try checkBalance(labelled, classes: classes, source: labelsFile)
            return labelled
        }
        let unlabelled = files.filter { labels[$0.path] == nil }
        guard unlabelled.isEmpty else { throw ImageNetError.unlabelled(file: labelsFile, examples: unlabelled.prefix(3).map(\.name), count: unlabelled.count) }
        return files.map { File(path: $0.path, label: labels[$0.path]!) }
    }
}

/// An ImageNet tree, prepared shards or their index that cannot be used, and why.
public enum ImageNetError: Error, CustomStringConvertible, Equatable {
    case noTrainingFolder(root: String)
    case noClasses(directory: String)
    case unreadable(path: String, problem: String)
    case unknownValidationClass(folder: String)
    case flatValidationWithoutLabels(folder: String)
    case badLabelsLine(file: String, line: Int, problem: String)
    case idsWithoutSynsets(file: String)
    case labelCount(file: String, labels: Int, files: Int)
    case unlabelled(file: String, examples: [String], count: Int)
    /// Prepared data that is damaged, incomplete or of another kind.
    case badShards(path: String, problem: String)
    /// The output directory holds a preparation of other data or other settings.
    case otherPreparation(directory: String, problem: String)
    /// A devkit that cannot be read, or whose labels do not fit the data.
    case devkit(path: String, problem: String)
    /// A synsets list that cannot map ILSVRC ids to classes.
    case badSynsets(file: String, problem: String)
    /// An archive that cannot be read.
    case archive(path: String, problem: String)

    public var description: String {
        switch self {
        case .noTrainingFolder(let root):
            return "\(root) has no train/ folder: ImageNet is expected as ROOT/train/WNID/*.JPEG (and ROOT/val/), or as the downloads in ROOT (ILSVRC2012_img_train.tar, ILSVRC2012_img_val.tar, ILSVRC2012_devkit_t12.tar.gz), or named with --train-archive"
        case .noClasses(let directory): return "\(directory) has no class folders with images in them"
        case .unreadable(let path, let problem): return "\(path): \(problem)"
        case .unknownValidationClass(let folder): return "\(folder): a validation class that is not among the training folders"
        case .flatValidationWithoutLabels(let folder):
            return "\(folder) holds images without class folders: name their labels with --validation-labels FILE (e.g. LOC_val_solution.csv, Caffe's val.txt, or the devkit's ground truth with --synsets)"
        case .badLabelsLine(let file, let line, let problem): return "\(file), line \(line): \(problem)"
        case .idsWithoutSynsets(let file):
            return "\(file) gives bare ILSVRC ids: also name the WordNet id of each (--synsets FILE, one per line in id order)"
        case .labelCount(let file, let labels, let files): return "\(file) has \(labels) labels for \(files) validation files"
        case .unlabelled(let file, let examples, let count):
            return "\(file) gives no label for \(count) validation files (e.g. \(examples.joined(separator: ", ")))"
        case .badShards(let path, let problem): return "\(path): \(problem)"
        case .devkit(let path, let problem): return "\(path): \(problem)"
        case .badSynsets(let file, let problem): return "\(file): \(problem)"
        case .archive(let path, let problem): return "\(path): \(problem)"
        case .otherPreparation(let directory, let problem):
            return "\(directory) holds another preparation (\(problem)): choose another output directory or delete it"
        }
    }
}
