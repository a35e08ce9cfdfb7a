import AlexNet

/// A data set that cannot be read, with a message a student can act on: which file, what is
/// wrong with it, and what to do.
public enum DataError: Error, CustomStringConvertible, Equatable {
    /// The data set's directory or one of its files is missing; `package` is the Debian package
    /// that installs it, if there is one.
    case missing(dataset: String, path: String, expected: [String], package: String?)
    /// A file is there but cannot be read or is not what it should be.
    case malformed(path: String, problem: String)

    public var description: String {
        switch self {
        case .missing(let dataset, let path, let expected, let package):
            let found = "\(dataset) not found: looked for \(expected.joined(separator: ", ")) in \(path)."
            guard let package else { return found + " Point --data-dir at a directory holding the files." }
            return found + " Install it with `apt-get install \(package)`, or point --data-dir at a directory holding the files."
        case .malformed(let path, let problem):
            return "\(path): \(problem)"
        }
    }

    /// The message (the same as ``description``).
    public var message: String { description }
}
