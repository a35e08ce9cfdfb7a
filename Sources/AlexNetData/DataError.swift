import AlexNet
/// A data set that cannot be read, with a message a student can act on: which file, what is
/// wrong with it, and what to do.
public struct DataError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var description: String { message }

    public init(_ message: String) { self.message = message }

    /// The data set's directory or one of its files is missing.
    static func missing(dataset: String, path: String, expected: [String], package: String?) -> DataError {
        var text = "\(dataset) not found: looked for \(expected.joined(separator: ", ")) in \(path)."
        if let package {
            text += " Install it with `apt-get install \(package)`, or point --data-dir at a directory holding the files."
        } else {
            text += " Point --data-dir at a directory holding the files."
        }
        return DataError(text)
    }

    static func malformed(_ path: String, _ what: String) -> DataError {
        DataError("\(path): \(what)")
    }
}
