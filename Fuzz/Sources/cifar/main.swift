// libFuzzer on any bytes as a CIFAR-10 binary batch. Built and run by Scripts/fuzz.sh.
import AlexNetData
import FuzzDriver

fuzz { data, size in
    _ = try? CIFAR10.batch(file(data, size, named: "data_batch.bin"))
    return 0
}
