import Foundation
import Testing
import AlexNet
@testable import AlexNetTraining
import TestSupport

/// Safetensors files: every model round-trips bit for bit under PyTorch's names; hand-made files
/// of each dtype decode to known values; every malformed file is a clear error.
@Suite struct SafetensorsTests {
    static func models() throws -> [(String, any Network<Float>, any Network<Float>)] {
        var two = tinyAlexNetConfiguration()
        var other = two
        other.seed = 9
        var one = two
        one.towers = 1
        var oneOther = one
        oneOther.seed = 9
        let four = FourLayerNet<Float>.Configuration(inputChannels: 3, inputSize: 15, classes: 3)
        var fourOther = four
        fourOther.seed = 9
        two.weightInitialization = .gaussian(standardDeviation: 0.3)
        return [
            ("two towers", try AlexNetModel<Float>(two), try AlexNetModel<Float>(other)),
            ("one tower", try AlexNetModel<Float>(one), try AlexNetModel<Float>(oneOther)),
            ("torchvision-shaped", try AlexNetModel<Float>(Self.torchvisionShaped(seed: 1)), try AlexNetModel<Float>(Self.torchvisionShaped(seed: 2))),
            ("four-layer", try FourLayerNet<Float>(four), try FourLayerNet<Float>(fourOther)),
            ("linear", LinearClassifier<Float>(inputShape: [3, 15, 15], classes: 3, weightInitialization: .lecun, seed: 1),
             LinearClassifier<Float>(inputShape: [3, 15, 15], classes: 3, weightInitialization: .lecun, seed: 2)),
        ]
    }

    /// torchvision's layout, narrow, on 15×15×3 (pool5 1×1, averaged up to 6×6).
    static func torchvisionShaped(seed: UInt64) -> AlexNetConfiguration {
        var c = AlexNetConfiguration.torchvision
        for i in 0..<5 { c.convolutions[i].kernels = 4 }
        (c.convolutions[0].kernelSize, c.convolutions[0].stride) = (3, 1)
        (c.hiddenWidths, c.classes, c.inputSize, c.seed) = ([6, 6], 3, 15, seed)
        return c
    }

    /// Network → file → another network: the same bits, the same outputs.
    @Test func everyModelRoundTripsBitForBit() throws {
        let images: Tensor<Float> = randomTensor([2, 3, 15, 15], seed: 4)
        for (name, source, target) in try Self.models() {
            let bytes = try Safetensors(network: source, metadata: ["model": name]).encoded()
            let file = try Safetensors(decoding: bytes)
            #expect(file.metadata == ["model": name])
            #expect(zip(source.parameters, target.parameters).contains { $0.value != $1.value }, "\(name): the two nets start apart")
            try file.load(into: target)
            #expect(zip(source.parameters, target.parameters).allSatisfy { $0.value == $1.value }, "\(name)")
            source.phase = .inference
            target.phase = .inference
            #expect(source.forward(images) == target.forward(images), "\(name)")
            #expect(try Safetensors(network: target, metadata: ["model": name]).encoded() == bytes, "\(name): re-encoding differs")
        }
    }

    /// PyTorch's names, and the convolution's one weight as a grouped `Conv2d`'s (out, in/groups, k, k),
    /// tower 1's kernels first — the layout `GoldenTests.groupedConvolution` checks against PyTorch.
    @Test func namesAndLayoutsArePyTorchs() throws {
        let net = try AlexNetModel<Float>(tinyAlexNetConfiguration())
        let tensors = StateDict.tensors(of: net)
        #expect(tensors.map(\.name) == ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "conv3.weight", "conv3.bias",
                                        "conv4.weight", "conv4.bias", "conv5.weight", "conv5.bias", "fc6.weight", "fc6.bias",
                                        "fc7.weight", "fc7.bias", "fc8.weight", "fc8.bias"])
        let conv2 = tensors[2].value
        #expect(conv2.shape == [8, 2, 5, 5])                       // 8 kernels, groups 2 of the 4 maps
        #expect(conv2 == net.conv2.weight.value && tensors[3].value == net.conv2.bias.value)
        #expect(tensors[10].value.shape == [6, 8])                  // Linear: (out, in)
    }

    /// Loading is all or nothing: missing, unexpected and misshapen tensors are listed, and the
    /// network keeps its weights.
    @Test func weightsThatDoNotFitAreRefusedWholesale() throws {
        let net = try AlexNetModel<Float>(tinyAlexNetConfiguration())
        let before = net.parameters.map(\.value)
        var tensors = StateDict.tensors(of: net)
        tensors.removeAll { $0.name == "fc8.bias" }
        tensors.append(("fc9.weight", Tensor(shape: [1], repeating: 0)))
        tensors[0].value = Tensor(shape: [4, 3, 5, 6], repeating: 1)
        tensors[1].value = Tensor(shape: [4], repeating: 7)
        do {
            try StateDict.load(tensors, into: net)
            Issue.record("loaded weights that do not fit")
        } catch let error as SafetensorsError {
            let text = error.description
            #expect(text.contains("missing fc8.bias") && text.contains("unexpected fc9.weight") && text.contains("conv1.weight is [4, 3, 5, 6]"), "\(text)")
        }
        #expect(net.parameters.map(\.value) == before)
    }

    /// A file as PyTorch's `safetensors` writes it can hold F32, F64, F16 and BF16: each is read
    /// as Float; the header may be padded and the metadata is optional.
    @Test func eachDtypeDecodesToItsValues() throws {
        var data: [UInt8] = []
        func le<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { data += $0 } }
        le(Float(-2.5).bitPattern); le(Float(0.125).bitPattern)      // a: F32 [2]
        le(Double(1.5).bitPattern)                                     // b: F64 [1]
        le(UInt16(0x3C00)); le(UInt16(0xC000))                         // c: F16 [2] = 1, −2
        le(UInt16(0x3F80)); le(UInt16(0x4040))                         // d: BF16 [1, 2] = 1, 3
        let header = #"{"d":{"dtype":"BF16","shape":[1,2],"data_offsets":[20,24]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""b":{"dtype":"F64","shape":[1],"data_offsets":[8,16]},"c":{"dtype":"F16","shape":[2],"data_offsets":[16,20]}}   "#
        let file = try Safetensors(decoding: Self.file(header, data))
        #expect(file.tensors.map(\.name) == ["a", "b", "c", "d"])      // in the data's order
        #expect(file["a"]!.scalars == [-2.5, 0.125] && file["b"]!.scalars == [1.5])
        #expect(file["c"]!.scalars == [1, -2] && file["d"]!.scalars == [1, 3] && file["d"]!.shape == [1, 2])
        #expect(file.metadata.isEmpty)
    }

    /// A file written by Hugging Face's `safetensors` package itself (Scripts/make-golden-fixtures.py).
    @Test func aFileWrittenByTheReferenceImplementation() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/pytorch", withExtension: "safetensors"))
        let file = try Safetensors.read(from: url.path)
        let grid = (0..<12).map { Float($0) / 8 - 0.5 }
        #expect(file.metadata == ["format": "pt", "writer": "make-golden-fixtures.py"])
        for name in ["features.0.weight", "half", "brain"] {
            #expect(file[name]?.shape == [3, 4] && file[name]?.scalars == grid, "\(name)")
        }
        #expect(file["double"]?.scalars == [0, Float(0.1), Float(0.2)])
        // Re-encoded by us (F32, our order and offsets), it decodes to the same tensors.
        let ours = try Safetensors(decoding: Safetensors(tensors: file.tensors, metadata: file.metadata).encoded())
        #expect(ours == file)
    }

    /// Every way a file can be wrong is an error that names the problem; none is a crash.
    @Test func malformedFilesAreClearErrors() throws {
        let good = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let eight = [UInt8](repeating: 0, count: 8)
        func expectError(_ bytes: [UInt8], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                _ = try Safetensors(decoding: bytes, path: "f")
                Issue.record("accepted a bad file (\(fragment))", sourceLocation: sourceLocation)
            } catch {
                #expect("\(error)".contains(fragment), "\(error)", sourceLocation: sourceLocation)
            }
        }
        #expect(throws: Never.self) { try Safetensors(decoding: Self.file(good, eight)) }
        expectError([1, 0, 0], "fewer than the 8")
        expectError(Self.file(good, eight).dropLast(12).map { $0 }, "truncated")
        var huge = Self.file(good, eight)
        huge[5] = 1                                                    // a length of 2⁴⁰ + …
        expectError(huge, "at most")
        expectError(Self.file(" " + good, eight), "does not start with '{'")
        expectError(Self.file("{\"w\":", eight), "not JSON")
        expectError(Self.file("[1]", eight), "does not start with '{'")
        expectError(Self.file(#"{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, eight), "dtype I64")
        expectError(Self.file(#"{"w":{"shape":[2],"data_offsets":[0,8]}}"#, eight), "no dtype")
        expectError(Self.file(#"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, eight), "whole numbers")
        expectError(Self.file(#"{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#, eight), "whole numbers")
        expectError(Self.file(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}}"#, eight), "data_offsets")
        expectError(Self.file(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, eight), "needs 12")
        expectError(Self.file(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}"#, eight), "outside")
        expectError(Self.file(#"{"w":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}}"#, eight), "more elements")
        expectError(Self.file(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"v":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, eight), "overlap")
        expectError(Self.file(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, eight), "belong to no tensor")
        expectError(Self.file(good, eight + [0, 0, 0, 0]), "account for 8 bytes")
        expectError(Self.file(#"{"__metadata__":{"n":3},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, eight), "not a string")
        expectError(Self.file(#"{"w":[1,2]}"#, eight), "not an object")
        #expect(throws: SafetensorsError.self) { try Safetensors.read(from: "/nonexistent/weights.safetensors") }
    }

    /// Writing refuses names it could not read back; a written file is padded to 8 bytes.
    @Test func writingChecksNamesAndPadsTheHeader() throws {
        let t = Tensor<Float>(shape: [1], repeating: 1)
        #expect(throws: SafetensorsError.self) { try Safetensors(tensors: [("a", t), ("a", t)]).encoded() }
        #expect(throws: SafetensorsError.self) { try Safetensors(tensors: [("__metadata__", t)]).encoded() }
        let bytes = try Safetensors(tensors: [("quote\"and\\slash\nnewline", t)], metadata: ["k": "é"]).encoded()
        #expect((bytes.count - 8 - 4) % 8 == 0)
        let back = try Safetensors(decoding: bytes)
        #expect(back.tensors[0].name == "quote\"and\\slash\nnewline" && back.metadata == ["k": "é"])
        let directory = try temporaryDirectory()
        try back.write(to: directory + "/w.safetensors")
        #expect(try Safetensors.read(from: directory + "/w.safetensors") == back)
    }

    static func file(_ header: String, _ data: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes += $0 }
        return bytes + Array(header.utf8) + data
    }
}
