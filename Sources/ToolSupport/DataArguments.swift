import AlexNetData

/// The data-set options shared by the chapters and the `alexnet` tool: `--dataset`,
/// `--data-dir`, and limits for quick runs.
package struct DataArguments {
    package var dataset: String
    package var directory: String?

    package init(_ arguments: Arguments) {
        dataset = arguments.choice("--dataset", default: "fashion-mnist", choices: ["fashion-mnist", "cifar10"],
                                   help: "data set")
        directory = arguments.optionalString("--data-dir", help: "directory holding the data set's files (Fashion-MNIST: \(FashionMNIST.defaultDirectory); CIFAR-10: required)", placeholder: "DIR")
    }

    /// Loads the data set, or throws a ``DataError`` that says what to do.
    package func load() throws -> Dataset {
        switch dataset {
        case "cifar10":
            guard let directory else {
                throw UsageError("--dataset cifar10 needs --data-dir DIR, the directory of the binary version (data_batch_1.bin … test_batch.bin, batches.meta.txt)")
            }
            return try CIFAR10.load(directory: directory)
        default:
            return try FashionMNIST.load(directory: directory ?? FashionMNIST.defaultDirectory)
        }
    }
}
