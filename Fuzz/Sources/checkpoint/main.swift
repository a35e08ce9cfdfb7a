// libFuzzer on any bytes as a checkpoint file, and the network `alexnet evaluate` and `predict`
// build from one (bounded by the numbers the file holds) with its weights restored. Built and run
// by Scripts/fuzz.sh.
import AlexNetTraining
import FuzzDriver

fuzz { data, size in
    if let checkpoint = try? Checkpoint(decoding: bytes(data, size), path: "fuzz") {
        let stored = checkpoint.parameters.reduce(0) { $0 + $1.value.count }
        if let network = try? checkpoint.specification.build(Float.self, maximumParameters: stored) {
            _ = try? checkpoint.restore(into: network)
        }
    }
    return 0
}
