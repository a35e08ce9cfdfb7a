import Foundation

/// ImageNet as it is downloaded, read with nothing extracted (Section 2 of the paper):
///
///     ILSVRC2012_img_train.tar        a tar of 1,000 tars, n01440764.tar …, each of one class's JPEGs
///     ILSVRC2012_img_val.tar          a flat tar of ILSVRC2012_val_00000001.JPEG … 00050000
///     ILSVRC2012_devkit_t12.tar.gz    the ground truth and meta.mat (``ImageNetDevkit``)
///
/// ImageNet Fall 2011 (`fall11_whole.tar`, 21,841 classes, no validation set) is a tar of
/// per-class tars too and reads the same way. A training tar whose members are `WNID/NAME` files
/// rather than inner tars is read as well.
///
/// The archives are listed once (``TarArchive``; seeks, not reads, over the data), and each
/// image becomes a ``ImageNetLayout/File`` whose ``ArchiveMember`` says where its bytes lie, so
/// the preparation reads it with one `pread`, on any thread, in any order. Classes are sorted by
/// WordNet id and files by name, as for the extracted tree: the same data gives the same layout
/// and the same shards whichever way it is stored.
extension ImageNetLayout {
    /// Reads the distribution's archives. `validationArchive` is optional (Fall 2011 has none);
    /// its labels come from the `devkit`'s ground truth, or from `validationLabels` (with the
    /// devkit or `synsets` for bare ids), as for a flat folder.
    public static func scan(trainArchive: String, validationArchive: String? = nil, devkit: String? = nil,
                            validationLabels: String? = nil, synsets: String? = nil) throws -> ImageNetLayout {
        var problems: [String] = []
        let outer = try list(trainArchive, problems: &problems)
        var byClass: [String: [(name: String, file: File)]] = [:]
        for entry in outer where entry.isFile {
            let name = (entry.name as NSString).lastPathComponent
            if name.hasSuffix(".tar") {
                // An inner tar: one class, named by its WordNet id.
                let wnid = String(name.dropLast(4)), inner = "\(trainArchive):\(name)"
                guard !entry.truncated else {
                    problems.append("\(inner): the archive ends inside it; its class is left out")
                    continue
                }
                let members: [TarArchive.Entry]
                do {
                    let listed = try TarArchive.list(path: trainArchive, base: entry.offset, length: entry.size)
                    members = listed.entries
                    if let problem = listed.problem { problems.append("\(inner): \(problem); the files listed before it are used") }
                } catch let failure as TarArchive.Failure {
                    problems.append("\(inner): \(failure.problem); its class is left out")
                    continue
                }
                for m in members where m.isFile && !(m.name as NSString).lastPathComponent.hasPrefix(".") {
                    byClass[wnid, default: []].append((m.name, File(path: "\(inner)/\(m.name)", label: 0, member: member(trainArchive, m))))
                }
            } else {
                // WNID/NAME stored directly.
                let parts = entry.name.split(separator: "/")
                guard parts.count >= 2, !name.hasPrefix(".") else { continue }
                let wnid = String(parts[parts.count - 2])
                byClass[wnid, default: []].append((entry.name, File(path: "\(trainArchive):\(entry.name)", label: 0, member: member(trainArchive, entry))))
            }
        }
        let classes = byClass.keys.sorted()
        guard !classes.isEmpty else { throw ImageNetError.archive(path: trainArchive, problem: "holds no class tars (WNID.tar) or class folders with files") }
        var train: [File] = []
        for (label, wnid) in classes.enumerated() {
            train += byClass[wnid]!.sorted { $0.name < $1.name }.map { var f = $0.file; f.label = label; return f }
        }

        var validation: [File] = []
        if let validationArchive {
            let entries = try list(validationArchive, problems: &problems).filter { $0.isFile && !($0.name as NSString).lastPathComponent.hasPrefix(".") }
            let sorted = entries.sorted { $0.name < $1.name }
            let members = Dictionary(sorted.map { ("\(validationArchive):\($0.name)", member(validationArchive, $0)) }, uniquingKeysWith: { a, _ in a })
            let files = sorted.map { (name: ($0.name as NSString).lastPathComponent, path: "\(validationArchive):\($0.name)") }
            guard !files.isEmpty else { throw ImageNetError.archive(path: validationArchive, problem: "holds no files") }
            validation = try labelFlat(files: files, folder: validationArchive, labelsFile: validationLabels, synsets: synsets,
                                       devkit: try devkit.map(ImageNetDevkit.read), classes: classes, train: train)
                .map { var f = $0; f.member = members[f.path]; return f }
        }
        var layout = ImageNetLayout(root: trainArchive, classes: classes, train: train, validation: validation)
        layout.problems = problems
        return layout
    }

    /// The downloads in `directory` under their distributed names — the training tar
    /// (ILSVRC2012_img_train.tar, else fall11_whole.tar), the validation tar, the devkit (archive or
    /// folder) — or nil when the folder holds an extracted tree (train/) or no training tar.
    public static func downloads(in directory: String) -> (train: String, validation: String?, devkit: String?)? {
        func file(_ name: String) -> String? {
            let path = (directory as NSString).appendingPathComponent(name)
            return FileManager.default.fileExists(atPath: path) ? path : nil
        }
        guard file("train") == nil, let train = file("ILSVRC2012_img_train.tar") ?? file("fall11_whole.tar") else { return nil }
        return (train, file("ILSVRC2012_img_val.tar"), file("ILSVRC2012_devkit_t12.tar.gz") ?? file("ILSVRC2012_devkit_t12"))
    }

    /// The data in `directory`, whichever way it is stored: the downloads (``downloads(in:)``), or
    /// the extracted tree (``scan(root:validationLabels:synsets:devkit:)``). A `devkit` given wins
    /// over the folder's.
    public static func scan(downloadsOrTree directory: String, validationLabels: String? = nil, synsets: String? = nil,
                            devkit: String? = nil) throws -> ImageNetLayout {
        guard let found = downloads(in: directory) else {
            return try scan(root: directory, validationLabels: validationLabels, synsets: synsets, devkit: devkit)
        }
        return try scan(trainArchive: found.train, validationArchive: found.validation, devkit: devkit ?? found.devkit,
                        validationLabels: validationLabels, synsets: synsets)
    }

    /// An archive's entries; a damaged one's problem is kept, one that is not a tar is an error.
    static func list(_ path: String, problems: inout [String]) throws -> [TarArchive.Entry] {
        do {
            let (entries, problem) = try TarArchive.list(path: path)
            if let problem { problems.append("\(path): \(problem); the files listed before it are used") }
            return entries
        } catch let failure as TarArchive.Failure {
            throw ImageNetError.archive(path: path, problem: failure.problem)
        }
    }

    static func member(_ archive: String, _ entry: TarArchive.Entry) -> ArchiveMember {
        ArchiveMember(archive: archive, offset: entry.offset, size: entry.size, truncated: entry.truncated)
    }
}
