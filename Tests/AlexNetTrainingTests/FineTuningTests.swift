import Foundation
import Testing
import AlexNet
@testable import AlexNetTraining
import TestSupport

/// Fine-tuning (Section 6): a net pre-trained with another output width starts every layer but
/// the output layer from it; what does not fit is an error naming it.
@Suite struct FineTuningTests {
    static func sixConvolutions(classes: Int, seed: UInt64) -> AlexNetConfiguration {
        var c = tinyAlexNetConfiguration()
        c.convolutions.append(.init(kernels: 8, kernelSize: 3, padding: 1))
        (c.classes, c.seed) = (classes, seed)
        return c
    }

    @Test func everyLayerButTheOutputLayerIsTaken() throws {
        let pretrained = try AlexNetModel<Float>(Self.sixConvolutions(classes: 11, seed: 1))
        let fresh = try AlexNetModel<Float>(Self.sixConvolutions(classes: 3, seed: 2))
        let network = try AlexNetModel<Float>(Self.sixConvolutions(classes: 3, seed: 2))
        #expect(try StateDict.initialize(network, from: StateDict.tensors(of: pretrained), source: "pre") == "fc8")
        for (p, (q, r)) in zip(network.parameters, zip(pretrained.parameters, fresh.parameters)) {
            if p.name.hasPrefix("fc8.") {
                #expect(p.value == r.value && p.value.shape != q.value.shape, "\(p.name)")   // fresh, at 3 outputs, not 11
            } else {
                #expect(p.value == q.value, "\(p.name)")
                if p.name.hasSuffix(".weight") { #expect(p.value != r.value, "\(p.name)") }   // biases start at constants
            }
        }
    }

    @Test func whatDoesNotFitIsNamed() throws {
        let five = try AlexNetModel<Float>({ var c = tinyAlexNetConfiguration(); c.classes = 7; return c }())
        let six = try AlexNetModel<Float>(Self.sixConvolutions(classes: 3, seed: 2))
        let before = six.parameters.map(\.value)
        #expect(throws: SafetensorsError.doesNotFit("five.alexnet cannot initialise this network (every layer but fc8 is taken from it): it has no conv6.weight, conv6.bias")) {
            try StateDict.initialize(six, from: StateDict.tensors(of: five), source: "five.alexnet")
        }
        var wider = Self.sixConvolutions(classes: 3, seed: 2)
        wider.hiddenWidths = [7, 6]
        #expect(throws: SafetensorsError.doesNotFit("w cannot initialise this network (every layer but fc8 is taken from it): its fc6.weight is [7, 8] and this network's [6, 8]; its fc6.bias is [7] and this network's [6]; its fc7.weight is [6, 7] and this network's [6, 6]")) {
            try StateDict.initialize(six, from: StateDict.tensors(of: try AlexNetModel<Float>(wider)), source: "w")
        }
        #expect(six.parameters.map(\.value) == before)        // left as it was
    }
}
