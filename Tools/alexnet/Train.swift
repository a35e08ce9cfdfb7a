import AlexNet
import Foundation
import ToolSupport
import AlexNetData
import AlexNetTraining
import AlexNetDistributed

/// `alexnet train`: trains with the paper's SGD, checkpointing into --checkpoint-dir. Launched by
/// `mpirun -np N`, the N processes train one network together (data parallelism, `MPIGroup`):
/// each takes its part of every batch of --batch images, the gradients are summed each step,
/// rank 0 writes the checkpoint and the log; a failure on any rank ends them all.
func train(_ raw: ArraySlice<String>) throws {
    guard let group = MPIGroup.start() else { return try train(raw, group: nil) }
    do {
        try train(raw, group: group)
    } catch {
        group.abort("alexnet train: \(error)", code: error is UsageError ? 2 : 1)
    }
    group.finish()
}

func train(_ raw: ArraySlice<String>, group: MPIGroup?) throws {
    var command = try TrainCommand(parsing: raw)                  // parse: the options, checked against each other
    guard let trainer = try command.trainer(group: group) else { return }   // check: data, network, recipe, resume
    try command.run(trainer, group: group)                        // run: train, then report
}

/// `alexnet train`'s options, read once; then the trainer they describe, and the run.
struct TrainCommand {
    let command = "alexnet train"
    let data: DataArguments
    var model: ModelArguments
    let epochsOption: Int?, batch: Int, rate: Double, schedule: String, patience: Int
    let momentum: Double, decay: Double, decayBiases: Bool
    let cropOption: Int?, flipsFlag: Bool, lightingFlag: Bool, plain: Bool, tenViews: Bool
    let validationOption: Int?, limitTrain: Int?, limitTest: Int?
    let threads: Int, workers: Int
    let directory: String, resume: Bool, every: Int?, stopAfter: Int?, log: String?
    /// A checkpoint or safetensors file whose weights start every layer but the output layer.
    let initFrom: String?
    /// Settled by ``trainer(group:)``: the recipe, the epochs, the augmentation and the crop.
    private(set) var paperOnImageNet = false, epochs = 0, flips = false, lighting = false, size = 0

    /// Reads the options; throws ``UsageError`` for what is wrong before any data is read.
    init(parsing raw: ArraySlice<String>) throws {
        let a = Arguments(raw, command: command, summary: "Train a network with the paper's SGD (Section 5), checkpointing as it goes.")
        data = DataArguments(a, imageNet: true)
        model = ModelArguments(a)
        epochsOption = a.optionalInteger("--epochs", help: "epochs to train in all (a resumed run counts the earlier ones; default 10, and the paper's 90 for --model paper on ImageNet)")
        batch = a.integer("--batch", default: 128, help: "images per batch (the paper: 128)")
        rate = a.double("--learning-rate", default: 0.01, help: "initial learning rate ε (the paper: 0.01)", range: 0...100)
        schedule = a.string("--schedule", default: "plateau", help: "constant, plateau (÷10 when the validation error stalls, 3 times at most) or steps:E1,E2,… (÷10 at those epochs)")
        patience = a.integer("--patience", default: 2, help: "plateau: epochs without improvement of the validation error before dividing by 10")
        momentum = a.double("--momentum", default: 0.9, help: "momentum μ", range: 0...0.9999)
        decay = a.double("--weight-decay", default: 0.0005, help: "weight decay λ", range: 0...1)
        decayBiases = a.flag("--decay-biases", help: "apply weight decay to biases too")
        cropOption = a.optionalInteger("--crop", help: "train on random crops of this size, test on centre crops (e.g. 24 of 28; --model paper on ImageNet: 227 of 256)")
        flipsFlag = a.flag("--flips", help: "random horizontal reflections (Section 4.1; on by default for --model paper on ImageNet)")
        lightingFlag = a.flag("--pca-lighting", help: "the paper's PCA colour augmentation (Section 4.1; on by default for --model paper on ImageNet)")
        plain = a.flag("--no-augmentation", help: "no reflections or PCA lighting, even for --model paper on ImageNet (random crops stay)")
        tenViews = a.flag("--ten-views", help: "evaluate on the ten views (corners, centre, mirrors) rather than the centre")
        validationOption = a.optionalInteger("--validation", help: "hold this many training images out as the validation split the plateau rule watches (default: a tenth, at most 5,000; 0: none)", range: 0...Int.max)
        limitTrain = a.optionalInteger("--limit-train", help: "use only the first N training images")
        limitTest = a.optionalInteger("--limit-test", help: "use only the first N test images")
        threads = a.integer("--threads", default: defaultThreads, help: "threads for OpenBLAS and the library (under mpirun: the cores shared among this machine's ranks)")
        workers = a.integer("--loader-threads", default: 1, help: "threads that assemble each batch in the background", range: 1...256)
        let directoryOption = a.optionalString("--checkpoint-dir", help: "keep checkpoint.alexnet here (required)", placeholder: "DIR")
        resume = a.flag("--resume", help: "continue the checkpoint in --checkpoint-dir")
        initFrom = a.optionalString("--init-from", help: "fine-tune: start every layer but the output layer from this checkpoint or safetensors file (the output layer starts fresh at this data's number of classes; Section 6's nets pre-trained on Fall 2011)", placeholder: "FILE")
        every = a.optionalInteger("--checkpoint-every", help: "also checkpoint every N steps (besides each epoch's end)")
        stopAfter = a.optionalInteger("--stop-after-steps", help: "stop this run after N steps, checkpointed (--resume continues it)", range: 1...Int.max)
        log = a.optionalString("--log", help: "per-epoch CSV log (default: DIR/log.csv)", placeholder: "FILE")
        try a.finish()
        guard let directory = directoryOption else { throw UsageError("--checkpoint-dir DIR is required: training never runs without a place to save it", command: command) }
        self.directory = directory
        if validationOption == 0 && schedule == "plateau" {
            throw UsageError("--schedule plateau watches a validation split; --validation 0 leaves none (the test set is never used to train). Choose --schedule constant or steps:…", command: command)
        }
        guard !(plain && (flipsFlag || lightingFlag)) else {
            throw UsageError("--no-augmentation excludes --flips and --pca-lighting", command: command)
        }
    }

    var path: String { Trainer.checkpointPath(in: directory) }

    /// The trainer the options describe — the data, the network, the recipe, resumed from the
    /// checkpoint when asked — or nil when the checkpoint has trained every epoch already.
    mutating func trainer(group: MPIGroup?) throws -> Trainer? {
        // --model paper on ImageNet is the paper's whole recipe unless told otherwise (Sections 4.1, 5).
        paperOnImageNet = data.isImageNet && model.model == "paper"
        model.usesPaperRecipe(byDefault: paperOnImageNet)
        epochs = epochsOption ?? (paperOnImageNet ? 90 : 10)
        (flips, lighting) = (!plain && (flipsFlag || paperOnImageNet), !plain && (lightingFlag || paperOnImageNet))
        Threading.setThreadCount(threads)
        // The checkpoint to resume is read before the data: a damaged or hostile one is refused at once.
        let saved = try savedCheckpoint()
        let source = try trainingSource(data, model: model, validation: validationOption, limitTrain: limitTrain, limitTest: limitTest, command: command)
        let full = min(source.data.train.height, source.data.train.width)
        let crop = cropOption ?? (model.model == "paper" && full > 227 ? 227 : nil)
        size = crop ?? full
        guard size <= full else {
            throw UsageError("--crop \(size) is larger than the \(full)×\(full) images", command: command)
        }
        let specification = try model.specification(channels: source.data.train.channels, size: size, classes: source.data.classes)
        var options = try trainingOptions(group: group)
        options.augmentation = Augmentation(cropSize: crop, flips: flips, lighting: lighting ? source.lighting() : nil)

        let trainer = try Trainer(specification: specification, data: source.data, options: options, normalization: source.normalization)
        trainer.metadata = ["dataset": source.data.name, "classes": source.classNames.joined(separator: "\n"),
                            "crop": String(size), "views": options.evaluationViews.rawValue, "threads": String(threads),
                            "ranks": String(group?.size ?? 1)]
        if (group?.rank ?? 0) == 0 {
            let stale = removeStalePartialFiles(in: directory)
            if !stale.isEmpty { trainer.progress.log("removed \(stale.count) temporary file\(stale.count == 1 ? "" : "s") a killed write left in \(directory)") }
        }
        if let saved {
            try resume(trainer, from: saved, group: group)
            if let initFrom { trainer.progress.log("note: resuming; the checkpoint's weights go on, --init-from \(initFrom) is not read again") }
        } else if let initFrom {
            let output = try StateDict.initialize(trainer.network, from: try weights(initFrom), source: initFrom)
            trainer.metadata["initialised from"] = initFrom
            trainer.progress.log("initialised every layer but \(output) from \(initFrom); \(output) starts fresh with \(source.data.classes) outputs")
        }
        if trainer.state.epoch >= epochs {
            trainer.progress.log("the checkpoint has already trained \(trainer.state.epoch) epochs; nothing to do (raise --epochs to go on)")
            return nil
        }
        if let group { separateDropoutStreams(trainer.network, rank: group.rank) }
        return trainer
    }

    /// The learning options: SGD's, the schedule, the loader, checkpoints and the log.
    private func trainingOptions(group: MPIGroup?) throws -> TrainingOptions {
        var options = TrainingOptions(epochs: epochs)
        options.batchSize = batch
        options.momentum = momentum
        options.weightDecay = decay
        options.decaysBiases = decayBiases
        options.loaderWorkers = workers
        options.evaluationViews = tenViews ? .ten : .centre
        options.seed = model.seed
        options.checkpointDirectory = (group?.rank ?? 0) == 0 ? directory : nil      // rank 0 writes, every rank reads
        options.group = group
        options.showsProgress = (group?.rank ?? 0) == 0
        options.checkpointEverySteps = every
        options.stopAfterSteps = stopAfter
        options.logPath = (group?.rank ?? 0) == 0 ? log ?? (directory as NSString).appendingPathComponent("log.csv") : nil
        switch schedule {
        case "constant": options.schedule = .constant(rate)
        case "plateau": options.schedule = .plateau(rate, patience: patience)
        case let s where s.hasPrefix("steps:"):
            let epochs = s.dropFirst(6).split(separator: ",").map { Int($0) }
            guard !epochs.isEmpty, epochs.allSatisfy({ $0 != nil && $0! > 0 }) else {
                throw UsageError("--schedule steps:E1,E2,… needs positive epoch numbers, got '\(s)'", command: command)
            }
            options.schedule = .steps(rate, atEpochs: epochs.map { $0! - 1 })
        default:
            throw UsageError("--schedule must be constant, plateau or steps:E1,E2,…, got '\(schedule)'", command: command)
        }
        return options
    }

    /// Continues `checkpoint` after checking that it was made with the same data and as many processes.
    /// The checkpoint in --checkpoint-dir with --resume; nil without it, where none may exist yet.
    private func savedCheckpoint() throws -> Checkpoint? {
        let exists = FileManager.default.fileExists(atPath: path)
        if resume {
            guard exists else { throw UsageError("--resume: there is no checkpoint at \(path)", command: command) }
            return try Checkpoint.read(from: path)
        }
        if exists {
            throw UsageError("a checkpoint already exists at \(path); pass --resume to continue it, or choose another --checkpoint-dir", command: command)
        }
        return nil
    }

    /// The named weights of a checkpoint or of a safetensors file, told apart by their first bytes.
    private func weights(_ path: String) throws -> [(name: String, value: Tensor<Float>)] {
        let head = FileHandle(forReadingAtPath: path).map { handle in defer { try? handle.close() }; return [UInt8](handle.readData(ofLength: 8)) }
        guard let head else { throw UsageError("--init-from: cannot read \(path)", command: command) }
        if head == Checkpoint.magic { return try Checkpoint.read(from: path).parameters }
        return try Safetensors.read(from: path).tensors.filter { !$0.name.hasPrefix(StateDict.ownPrefix) }
    }

    private func resume(_ trainer: Trainer, from checkpoint: Checkpoint, group: MPIGroup?) throws {
        guard checkpoint.normalization == trainer.normalization else {
            throw CheckpointError.doesNotFit("\(path) was made with other data, --validation or --pixels; resume with the same data options")
        }
        let ranks = checkpoint.metadata["ranks"] ?? "1"
        guard ranks == String(group?.size ?? 1) else {
            throw CheckpointError.doesNotFit("\(path) was trained by \(ranks) process\(ranks == "1" ? "" : "es") and this run has \(group?.size ?? 1): resume it with the same number (mpirun -np \(ranks)), so that every batch is split as before")
        }
        try trainer.resume(from: checkpoint)
        if let saved = checkpoint.metadata["threads"], saved != String(threads) {
            trainer.progress.log("note: the checkpoint was trained with --threads \(saved), this run uses \(threads): training goes on, but not bit-identically to an uninterrupted run")
        }
        trainer.progress.log("resumed \(path) at epoch \(checkpoint.state.epoch + 1), batch \(checkpoint.state.batchIndex + 1) (step \(checkpoint.state.step))")
    }

    /// Trains, then reports: the sums' cost under mpirun, where a stopped run stands, the last test error.
    func run(_ trainer: Trainer, group: MPIGroup?) throws {
        if let group {
            trainer.progress.log("\(group.size) processes train together (mpirun): \(batch / group.size)–\((batch + group.size - 1) / group.size) images of each batch of \(batch) each, \(threads) thread\(threads == 1 ? "" : "s") each")
        }
        if paperOnImageNet {
            trainer.progress.log("the paper's recipe: \(model.initialization == .paper ? "N(0, 0.01²) weights" : "He's weights"), \(model.standardizesPixels ? "standardised" : "raw") pixels minus the mean image, \(size)×\(size) crops\(flips ? ", reflections" : "")\(lighting ? ", PCA lighting" : ""), batch \(batch), momentum \(momentum), weight decay \(decay), ε = \(rate) ÷ 10 on a plateau of \(patience) epochs (3 times at most), \(epochs) epochs")
        }
        trainer.progress.log("training \(trainer.data.name) (\(trainer.data.train.count) images) for \(epochs) epochs; \(trainer.network.parameterCount) parameters; checkpoints in \(directory)")
        let (stepsBefore, secondsBefore) = (trainer.state.step, trainer.state.elapsedSeconds)
        let records = try trainer.run()
        if let group, group.rank == 0 {
            let steps = max(1, trainer.state.step - stepsBefore)
            print(String(format: "rank 0 of %d: summed %.1f MB per step (gradients and statistics), %.1f s of this run's %.1f s of training spent in the sums",
                         group.size, Double(group.bytesSummed) / Double(steps) / 1e6, group.secondsSumming, trainer.state.elapsedSeconds - secondsBefore))
        }
        guard (group?.rank ?? 0) == 0 else { return }
        if let stopAfter, trainer.state.epoch < epochs {
            print("stopped after \(stopAfter) steps at step \(trainer.state.step) (epoch \(trainer.state.epoch + 1), batch \(trainer.state.batchIndex)); checkpoint \(path)")
            return
        }
        if let last = records.last {
            print(String(format: "epoch %d: test top-1 error %.2f%%, top-5 %.2f%%", last.epoch, 100 * last.testTop1, 100 * last.testTop5))
        }
    }
}

/// What `alexnet train` reads: a data set in memory, or prepared ImageNet from its shards.
struct TrainingSource {
    var data: TrainingData
    var normalization: Normalization
    var classNames: [String]
    /// The PCA of the training pixels, computed only if asked for.
    var lighting: () -> PCALighting
}

func trainingSource(_ data: DataArguments, model: ModelArguments, validation: Int?, limitTrain: Int?, limitTest: Int?,
                    command: String) throws -> TrainingSource {
    if data.isImageNet {
        let shards = try data.imageNetShards()
        let heldOut = validation ?? min(10_000, shards.train.count / 10)
        return TrainingSource(data: try TrainingData(imageNet: shards, heldOut: heldOut, seed: model.seed, limitTrain: limitTrain, limitTest: limitTest),
                              normalization: model.standardizesPixels ? shards.standardizing : shards.normalization,
                              classNames: shards.index.classes, lighting: { shards.lighting })
    }
    var dataset = try data.load()
    let heldOut = validation ?? min(5_000, dataset.train.count / 10)
    if heldOut > 0 {
        guard heldOut < dataset.train.count else { throw UsageError("--validation \(heldOut) leaves no training images", command: command) }
        dataset = dataset.holdingOutValidation(heldOut, seed: model.seed)
    }
    dataset = dataset.limited(train: limitTrain ?? dataset.train.count, test: limitTest ?? dataset.test.count)
    let train = dataset.train
    return TrainingSource(data: TrainingData(dataset), normalization: model.standardizesPixels ? .standardizing(train) : .meanImage(of: train),
                          classNames: dataset.classNames, lighting: { .fit(train) })
}

/// Under mpirun: the cores of this machine shared among the ranks on it.
var defaultThreads: Int {
    let local = Int(ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"] ?? "1") ?? 1
    return max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, local))
}

/// Gives rank r > 0 dropout masks of its own: its part of the batch must not reuse rank 0's draws.
/// Derived from the (restored) generators and the rank, so a run is reproducible; with dropout and
/// more than one rank the masks are other draws than a single process makes, from the same
/// distribution, and a resumed run restarts ranks > 0 from rank 0's saved generators.
func separateDropoutStreams(_ network: any Network<Float>, rank: Int) {
    guard rank > 0 else { return }
    for d in network.dropoutLayers {
        var g = d.generator
        d.generator = RandomGenerator(seed: g.next() ^ (UInt64(rank) &* 0xD1B5_4A32_D192_ED03))
    }
}
