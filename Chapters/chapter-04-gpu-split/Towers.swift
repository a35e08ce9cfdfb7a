import AlexNet
import AlexNetData
import AlexNetExperiments

/// The chapter's network for `data`: the small AlexNet (Figure 2's pattern at a third of the
/// paper's widths, fc6 and fc7 512 wide), with He's initialisation and the paper's biases of 1.
/// With one tower it is the paper's one-GPU comparison net (Section 3.2 and its footnote): half
/// the kernels in conv1–conv4, conv5 and the fully connected layers unchanged.
func chapterNetwork(_ data: Dataset, towers: Int, seed: UInt64) -> AlexNetConfiguration {
    var c = AlexNetConfiguration.small(inputChannels: data.train.channels, inputSize: data.train.height, classes: data.classes)
    (c.weightInitialization, c.seed) = (.he, seed)
    if towers == 1 {
        c.towers = 1
        for i in 0..<4 { c.convolutions[i].kernels /= 2 }
    }
    return c
}

/// The two arms of the comparison; the two-tower arm trains on the tower-parallel executor,
/// which computes the grouped network's function (the tests hold it to that).
func towerArms(_ data: Dataset, normalization: Normalization) -> (two: Arm, one: Arm) {
    let two = Arm("two towers", normalization: normalization) { seed in
        try TowerExecutor(try AlexNetModel<Float>(chapterNetwork(data, towers: 2, seed: seed)))
    }
    let one = Arm("one tower", normalization: normalization) { seed in
        try AlexNetModel<Float>(chapterNetwork(data, towers: 1, seed: seed))
    }
    return (two, one)
}
