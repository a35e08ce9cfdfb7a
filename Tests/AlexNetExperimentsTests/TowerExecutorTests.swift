import Testing
import AlexNet
import AlexNetExperiments
import AlexNetTraining
import TestSupport

/// The tower executor (Section 3.2) computes what the grouped single-worker network computes,
/// and exchanges what the shapes say it must.
@Suite struct TowerExecutorTests {
    /// Two models from one configuration (the same weights and dropout seeds); one run whole,
    /// one through the executor, for two forward-backward passes with dropout drawing masks.
    @Test(arguments: [1, 2])
    func theTowersComputeTheModelsOutputsAndGradients(threads: Int) throws {
        var c = tinyAlexNetConfiguration()
        c.classes = 5                                  // an odd count: the towers split fc8 3 + 2… 2 + 3
        let whole = try AlexNetModel<Float>(c)
        let split = try TowerExecutor(try AlexNetModel<Float>(c))
        let saved = Threading.threadCount
        Threading.setThreadCount(threads)
        defer { Threading.setThreadCount(saved) }
        for pass in 0..<2 {
            let images: Tensor<Float> = randomTensor([6, 3, 15, 15], seed: UInt64(10 + pass))
            let expected = whole.forward(images), got = split.forward(images)
            expectClose(got, expected, tolerance: 1e-5)
            let dLogits: Tensor<Float> = randomTensor([6, c.classes], seed: UInt64(20 + pass))
            whole.backward(dLogits)
            split.backward(dLogits)
            for (a, b) in zip(split.parameters, whole.parameters) {
                #expect(a.name == b.name)
                expectClose(a.gradient, b.gradient, tolerance: 1e-4, "\(a.name) pass \(pass)")
            }
        }
        #expect(whole.drop6!.generator == (split.network as! AlexNetModel<Float>).drop6!.generator)     // the same masks were drawn
        // Inference: dropout scales, in both.
        whole.phase = .inference
        split.phase = .inference
        let images: Tensor<Float> = randomTensor([4, 3, 15, 15], seed: 30)
        expectClose(split.forward(images), whole.forward(images), tolerance: 1e-5)
    }

    /// The parameters are the model's own objects: what the executor learns, the model has.
    @Test func theExecutorTrainsTheModelsParameters() throws {
        let model = try AlexNetModel<Float>(tinyAlexNetConfiguration())
        let split = try TowerExecutor(model)
        #expect(split.parameters.map { ObjectIdentifier($0) } == model.parameters.map { ObjectIdentifier($0) })
        let images: Tensor<Float> = randomTensor([4, 3, 15, 15], seed: 1)
        _ = split.forward(images)
        split.backward(randomTensor([4, 3], seed: 2))
        #expect(model.conv1.weight.gradient.rows(2..<4).scalars.contains { $0 != 0 })   // tower 2's kernels
        #expect(model.fc8.weight.gradient.scalars.contains { $0 != 0 })
    }

    /// Bytes received, forward and backward, equal the shapes' arithmetic: C₂·h₂² + C₅·h₅² +
    /// F₆ + F₇ + the second tower's classes per image, 61,172 scalars for the paper's net.
    @Test func theExchangeVolumeIsTheShapesArithmetic() throws {
        var c = tinyAlexNetConfiguration()
        c.classes = 5
        let split = try TowerExecutor(try AlexNetModel<Float>(c))
        let perImage = split.exchangedScalarsPerImage
        // tiny: conv2 8 maps of 3×3 (15 → 7 → 3), conv5 8 maps of 1×1 (3 → 1), 6 + 6 hidden, 3 of 5 classes
        #expect(perImage == 8 * 9 + 8 * 1 + 6 + 6 + 3)
        #expect(try TowerExecutor(try AlexNetModel<Float>(.paper)).exchangedScalarsPerImage == 256 * 169 + 256 * 36 + 4096 + 4096 + 500)
        for _ in 0..<3 {
            _ = split.forward(randomTensor([7, 3, 15, 15], seed: 1))
            split.backward(randomTensor([7, 5], seed: 2))
        }
        let s = split.statistics
        #expect(s.forwardImages == 21 && s.backwardImages == 21)
        #expect(s.forwardBytesPerImage == Double(perImage * 4))
        #expect(s.backwardBytesPerImage == Double(perImage * 4))
        #expect(s.busySeconds.allSatisfy { $0 > 0 } && s.waitingSeconds.allSatisfy { $0 >= 0 })
        split.resetStatistics()
        #expect(split.statistics.forwardImages == 0 && split.statistics.bytesReceivedForward == [0, 0])
    }

    /// With one thread the towers run one after the other: nobody waits, and the numbers are the same.
    @Test func oneThreadRunsTheTowersInTurnWithoutWaiting() throws {
        let split = try TowerExecutor(try AlexNetModel<Float>(tinyAlexNetConfiguration()))
        let saved = Threading.threadCount
        Threading.setThreadCount(1)
        defer { Threading.setThreadCount(saved) }
        _ = split.forward(randomTensor([4, 3, 15, 15], seed: 1))
        split.backward(randomTensor([4, 3], seed: 2))
        #expect(split.statistics.waitingSeconds == [0, 0])
        #expect(split.statistics.busySeconds.allSatisfy { $0 > 0 })
    }

    /// A worker's share of the threads holds on its own thread, inside the call only.
    @Test func aWorkerShareIsSeenOnlyInsideItsCall() {
        let outside = Threading.threadCount
        let inside = Threading.withWorkerShare(1) { Threading.threadCount }
        #expect(inside == 1 && Threading.threadCount == outside)
        let nested = Threading.withWorkerShare(3) { Threading.withWorkerShare(2) { Threading.threadCount } }
        #expect(nested == 2)
    }

    /// A tower of a convolution is a range of rows of the same parameter objects, reading its group.
    @Test func aConvolutionsTowerSharesItsParameters() throws {
        let model = try AlexNetModel<Float>(tinyAlexNetConfiguration())
        let conv2 = model.conv2.tower(1, of: 2), conv3 = model.conv3.tower(0, of: 2)
        #expect(conv2.weight === model.conv2.weight && conv2.outputRows == 4..<8 && conv2.inputChannels == 2 && conv2.outputChannels == 4)
        #expect(conv3.weight === model.conv3.weight && conv3.outputRows == 0..<4 && conv3.inputChannels == 8 && conv3.outputChannels == 4)
        #expect(model.conv2.towerInput(towers: 2) == .ownTower && model.conv3.towerInput(towers: 2) == .everyTower)
    }

    /// The weights the executor saves are the network's: the same file as the model's own.
    @Test func theExecutorSavesTheNetworksWeights() throws {
        let model = try AlexNetModel<Float>(tinyAlexNetConfiguration())
        let split = try TowerExecutor(model)
        #expect(try Safetensors(network: split).encoded() == (try Safetensors(network: model).encoded()))
    }

    /// A network whose layers do not split into the towers is refused by name: the one-tower net's
    /// LRN sums across every channel, and the four-layer net's locally connected layers have no
    /// tower views.
    @Test func aNetworkThatDoesNotSplitIsRefused() throws {
        var one = tinyAlexNetConfiguration()
        one.towers = 1
        #expect(throws: TowerExecutorError.doesNotSplit(layer: "norm1", towers: 2)) { try TowerExecutor(try AlexNetModel<Float>(one)) }
        let four = try FourLayerNet<Float>(.init(inputChannels: 3, inputSize: 24, classes: 3))
        #expect(throws: TowerExecutorError.doesNotSplit(layer: "local3", towers: 2)) { try TowerExecutor(four) }
        #expect(throws: TowerExecutorError.towers(1)) { try TowerExecutor(try AlexNetModel<Float>(tinyAlexNetConfiguration()), towers: 1) }
    }
}
