import Foundation

/// ILSVRC's development kit (`ILSVRC2012_devkit_t12.tar.gz`, read as it is downloaded or from its
/// extracted folder): the one source that says which class each validation image is. Its
/// ground truth (`data/ILSVRC2012_validation_ground_truth.txt`) gives every validation image, in
/// file-name order, an ILSVRC id from 1 to 1000; what each id stands for is only in
/// `data/meta.mat` (``MATFile``), whose `synsets` struct array maps `ILSVRC2012_ID` to `WNID` —
/// in an order that is *not* the sorted order of the WordNet ids (id 1 is n02119789, kit fox;
/// sorted, n01440764, tench, comes first). A sorted list taken for that map labels nearly every
/// validation image wrongly and nothing fails, which is why the map is read from the devkit itself
/// and checked against the training set (``ImageNetLayout``).
public struct ImageNetDevkit: Sendable, Equatable {
    /// One class: its ILSVRC id, WordNet id and, when meta.mat gives it, its number of training images.
    public struct Synset: Sendable, Equatable {
        public var id: Int, wnid: String, trainingImages: Int?
    }

    public var path: String
    /// The challenge year the devkit is for ("2012"), from meta.mat's `ILSVRC2012_ID` field.
    public var year: String
    /// The classes (the leaves of the hierarchy), by id: `classes[i].id == i + 1`.
    public var classes: [Synset]
    /// ILSVRC ids of the validation images in file-name order; nil when the devkit holds none.
    public var groundTruth: [Int]?

    /// Reads the devkit at `path`: its archive (any compression libarchive reads) or its folder.
    public static func read(_ path: String) throws -> ImageNetDevkit {
        let suffixes = ["meta.mat", "_validation_ground_truth.txt"]
        var files: [String: [UInt8]] = [:]
        if ImageNetLayout.isDirectory(path) {
            guard let names = FileManager.default.enumerator(atPath: path)?.allObjects as? [String] else {
                throw ImageNetError.unreadable(path: path, problem: "cannot list the folder")
            }
            for name in names where suffixes.contains(where: name.hasSuffix) {
                if let data = FileManager.default.contents(atPath: (path as NSString).appendingPathComponent(name)) { files[name] = [UInt8](data) }
            }
        } else {
            do { files = try TarArchive.contents(of: path, namesEndingIn: suffixes) } catch let failure as TarArchive.Failure {
                throw ImageNetError.devkit(path: path, problem: failure.problem)
            }
        }
        guard let meta = files.first(where: { $0.key.hasSuffix("meta.mat") }) else {
            throw ImageNetError.devkit(path: path, problem: "holds no meta.mat, where the devkit maps ILSVRC ids to WordNet ids")
        }
        let truth = files.first { $0.key.hasSuffix("_validation_ground_truth.txt") }
        return try parse(meta: meta.value, groundTruth: truth.map { ((($0.key as NSString).lastPathComponent), $0.value) }, path: path)
    }

    /// The devkit from its meta.mat's bytes and its ground truth file's name and bytes.
    public static func parse(meta: [UInt8], groundTruth: (name: String, bytes: [UInt8])?, path: String) throws -> ImageNetDevkit {
        func bad(_ problem: String) -> ImageNetError { .devkit(path: path, problem: problem) }
        let variables: [String: MATFile.Value]
        do { variables = try MATFile.read(meta, path: "meta.mat") } catch let failure as MATFile.Failure {
            throw bad("its \(failure.description)")
        }
        guard case .structure(_, let fields, let elements)? = variables["synsets"] else {
            throw bad("its meta.mat has no struct array 'synsets'")
        }
        guard let idField = fields.first(where: { $0.hasPrefix("ILSVRC") && $0.hasSuffix("_ID") }), fields.contains("WNID") else {
            throw bad("its meta.mat's synsets have no ILSVRCyyyy_ID and WNID fields (fields: \(fields.joined(separator: ", ")))")
        }
        let year = String(idField.dropFirst("ILSVRC".count).dropLast("_ID".count))
        var byID: [Int: Synset] = [:]
        for (i, element) in elements.enumerated() {
            // The leaves of the hierarchy are the classes; inner nodes have children.
            if let children = element["num_children"]?.number, children != 0 { continue }
            guard let number = element[idField]?.number, let id = Int(exactly: number), let wnid = element["WNID"]?.string, !wnid.isEmpty else {
                throw bad("its meta.mat's synset \(i + 1) has no whole \(idField) or no WNID")
            }
            guard byID[id] == nil else { throw bad("its meta.mat gives \(idField) \(id) to two synsets") }
            let images = element["num_train_images"]?.number.flatMap { Int(exactly: $0) }
            byID[id] = Synset(id: id, wnid: wnid, trainingImages: images)
        }
        let classes = (1...max(1, byID.count)).compactMap { byID[$0] }
        guard !classes.isEmpty, classes.count == byID.count else {
            throw bad("its meta.mat's class ids are not 1…\(byID.count) (e.g. \(byID.keys.sorted().prefix(3).map(String.init).joined(separator: ", ")))")
        }
        guard Set(classes.map(\.wnid)).count == classes.count else { throw bad("its meta.mat names a WordNet id twice") }
        var ids: [Int]?
        if let (name, bytes) = groundTruth {
            let truthYear = name.hasPrefix("ILSVRC") ? String(name.dropFirst("ILSVRC".count).prefix(4)) : year
            guard truthYear == year else { throw bad("its \(name) is ILSVRC\(truthYear)'s and its meta.mat ILSVRC\(year)'s") }
            ids = []
            for (number, line) in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let token = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if token.isEmpty { continue }
                guard let id = Int(token), (1...classes.count).contains(id) else {
                    throw bad("its \(name), line \(number + 1): '\(token)' is not a class id 1…\(classes.count)")
                }
                ids!.append(id)
            }
        }
        return ImageNetDevkit(path: path, year: year, classes: classes, groundTruth: ids)
    }
}
