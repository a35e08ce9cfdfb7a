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
        public var path: String
        public var label: Int
    }

    public var root: String
    /// WordNet ids, sorted: class i is `classes[i]`.
    public var classes: [String]
    public var train: [File]
    /// Empty when there is no validation folder.
    public var validation: [File]

    /// Reads the tree at `root`. `validationLabels` names the labels of a flat validation folder;
    /// `synsets` (one WordNet id per line, the first word of each, in ILSVRC id order) turns
    /// bare ILSVRC ids into classes.
    public static func scan(root: String, validationLabels: String? = nil, synsets: String? = nil) throws -> ImageNetLayout {
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
                guard let validationLabels else { throw ImageNetError.flatValidationWithoutLabels(folder: folder) }
                let ids = try synsets.map { try readSynsets($0) }
                validation = try labelFlat(files: files, labelsFile: validationLabels, classes: classes, synsets: ids)
            }
        }
        return ImageNetLayout(root: root, classes: classes, train: train, validation: validation)
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

    /// Labels a flat folder's files from a labels file (the three forms above).
    static func labelFlat(files: [(name: String, path: String)], labelsFile: String, classes: [String],
                          synsets: [String]?) throws -> [File] {
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
            return try zip(files, bareIds).enumerated().map { line, pair in
                guard pair.1 >= 1, pair.1 <= synsets.count, let label = position[synsets[pair.1 - 1]] else {
                    throw ImageNetError.badLabelsLine(file: labelsFile, line: line + 1, problem: "id \(pair.1) names no training class")
                }
                return File(path: pair.0.path, label: label)
            }
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

    public var description: String {
        switch self {
        case .noTrainingFolder(let root):
            return "\(root) has no train/ folder: ImageNet is expected as ROOT/train/WNID/*.JPEG (and ROOT/val/)"
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
        case .otherPreparation(let directory, let problem):
            return "\(directory) holds another preparation (\(problem)): choose another output directory or delete it"
        }
    }
}
