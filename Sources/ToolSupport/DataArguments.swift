import AlexNetData

/// The data-set options shared by the chapters and the `alexnet` tool: `--dataset`,
/// `--data-dir`, and limits for quick runs.
package struct DataArguments {
    package var dataset: String
    package var directory: String?

    /// `imageNet`: also offer `--dataset imagenet`, read from a directory `alexnet prepare-imagenet` wrote.
    package init(_ arguments: Arguments, imageNet: Bool = false) {
        dataset = arguments.choice("--dataset", default: "fashion-mnist", choices: ["fashion-mnist", "cifar10"] + (imageNet ? ["imagenet"] : []),
                                   help: "data set")
        directory = arguments.optionalString("--data-dir", help: "directory holding the data set's files (Fashion-MNIST: \(FashionMNIST.defaultDirectory); CIFAR-10: required\(imageNet ? "; ImageNet: the prepared directory, required" : ""))", placeholder: "DIR")
    }

    package var isImageNet: Bool { dataset == "imagenet" }

    /// Loads the data set, or throws a ``DataError`` that says what to do.
    package func load() throws -> Dataset {
        switch dataset {
        case "cifar10":
            guard let directory else {
                throw UsageError("--dataset cifar10 needs --data-dir DIR, the directory of the binary version (data_batch_1.bin … test_batch.bin, batches.meta.txt)")
            }
            return try CIFAR10.load(directory: directory)
        case "imagenet":
            throw UsageError("--dataset imagenet is read from its shards (imageNetShards()), not into memory")
        default:
            return try FashionMNIST.load(directory: directory ?? FashionMNIST.defaultDirectory)
        }
    }

    /// Opens prepared ImageNet (`--dataset imagenet --data-dir DIR`).
    package func imageNetShards() throws -> ImageNetShards {
        guard let directory else {
            throw UsageError("--dataset imagenet needs --data-dir DIR, a directory written by 'alexnet prepare-imagenet'")
        }
        return try ImageNetShards(directory: directory)
    }
}
