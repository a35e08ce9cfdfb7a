// libFuzzer on any bytes as a checkpoint file. Built and run by Scripts/fuzz.sh.
import AlexNetTraining
import FuzzDriver

fuzz { data, size in
    _ = try? Checkpoint(decoding: bytes(data, size), path: "fuzz")
    return 0
}
