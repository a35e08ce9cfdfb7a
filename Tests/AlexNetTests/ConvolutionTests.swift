import Testing
@testable import AlexNet
@testable import AlexNetChecks
import TestSupport

@Suite struct ConvolutionTests {
    /// Channels `range` of an (N, C, H, W) tensor (a tower's slice).
    func channels<S>(_ x: Tensor<S>, _ range: Range<Int>) -> Tensor<S> {
        let (N, C, HW) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        var scalars: [S] = []
        for n in 0..<N { scalars += x.scalars[((n * C + range.lowerBound) * HW)..<((n * C + range.upperBound) * HW)] }
        return Tensor(shape: [N, range.count, x.shape[2], x.shape[3]], scalars: scalars)
    }

    @Test func outputSizeArithmetic() {
        // The paper's conv1: 11×11, stride 4, no padding. 227 gives 55 exactly; from 224, (224 − 11)/4
        // = 53.25 is rounded down.
        #expect(Convolution<Float>.outputSize(inputSize: 227, kernelSize: 11, stride: 4, padding: 0) == 55)
        #expect(Convolution<Float>.outputSize(inputSize: 224, kernelSize: 11, stride: 4, padding: 0) == 54)
        #expect(Convolution<Float>.outputSize(inputSize: 27, kernelSize: 5, stride: 1, padding: 2) == 27)
        #expect(Convolution<Float>.outputSize(inputSize: 13, kernelSize: 3, stride: 1, padding: 1) == 13)
    }

    @Test func knownValues() {
        // One 2×2 kernel of ones over a 3×3 ramp, stride 1, no padding: sums of 2×2 windows.
        var g = RandomGenerator(seed: 0)
        let conv = Convolution<Double>(inputChannels: 1, outputChannels: 1, kernelSize: 2, generator: &g)
        conv.weight.value = Tensor(shape: [1, 1, 2, 2], repeating: 1)
        conv.bias.value = Tensor(shape: [1], scalars: [0.5])
        let x = Tensor<Double>(shape: [1, 1, 3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let y = conv.forward(x)
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.scalars == [12.5, 16.5, 24.5, 28.5])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var N, C, M, H, W, K, S, P, G, T: Int
        var testDescription: String { "N\(N) C\(C)→M\(M) \(H)×\(W) K\(K) S\(S) P\(P) G\(G) T\(T)" }
    }

    static let cases: [Case] = [
        Case(N: 5, C: 3, M: 4, H: 7, W: 7, K: 3, S: 1, P: 1, G: 1, T: 1),
        Case(N: 3, C: 4, M: 6, H: 9, W: 8, K: 3, S: 2, P: 1, G: 2, T: 2),     // grouped, stride > 1, padding
        Case(N: 4, C: 3, M: 4, H: 11, W: 11, K: 5, S: 3, P: 0, G: 1, T: 2),   // conv1-like: one group, two towers
        Case(N: 2, C: 4, M: 4, H: 5, W: 6, K: 3, S: 1, P: 2, G: 1, T: 2),     // conv3-like: both towers read
        Case(N: 1, C: 6, M: 3, H: 4, W: 4, K: 4, S: 1, P: 0, G: 3, T: 3),
        Case(N: 2, C: 2, M: 2, H: 3, W: 3, K: 3, S: 2, P: 2, G: 2, T: 2),     // padding wider than stride
        Case(N: 2, C: 3, M: 4, H: 23, W: 23, K: 11, S: 4, P: 0, G: 1, T: 2),  // conv1's kernel and stride: phases of 4
        Case(N: 2, C: 4, M: 4, H: 21, W: 22, K: 5, S: 4, P: 1, G: 2, T: 2),   // a padded width (24) the stride divides, a height it does not
        Case(N: 1, C: 2, M: 3, H: 9, W: 9, K: 3, S: 3, P: 1, G: 1, T: 1),     // a padded width (11) with a short last phase
    ]

    /// A layer for case `c`, set up by `configure`, against the seven-loop definition: forward,
    /// and backward (input, weight and bias gradients), to 1e-12 in Double. With T > 1 towers,
    /// also the layer's tower views, each on its tower's input (every channel with one group, its
    /// group's with one group per tower): their outputs are the direct output's rows, their
    /// gradients land in the rows of the one weight, and their input gradients, summed (one
    /// group) or side by side (a group each), are the direct input gradient.
    func expectMatchesDirectConvolution(_ c: Case, seed: UInt64, _ configure: (Convolution<Double>) -> Void) {
        var g = RandomGenerator(seed: seed)
        let conv = Convolution<Double>(inputChannels: c.C, outputChannels: c.M, kernelSize: c.K, stride: c.S,
                                       padding: c.P, groups: c.G, weightStandardDeviation: 1,
                                       biasValue: 0.25, generator: &g)
        configure(conv)
        let x: Tensor<Double> = randomTensor([c.N, c.C, c.H, c.W], seed: seed + 1)
        let (w, b) = (conv.weight.value, conv.bias.value)
        let y = conv.forward(x)
        let yDirect = DirectConvolution.forward(x, weight: w, bias: b, stride: c.S, padding: c.P, groups: c.G)
        expectClose(y, yDirect, tolerance: 1e-12)

        let dy: Tensor<Double> = randomTensor(y.shape, seed: seed + 2)
        let dx = conv.backward(dy)
        let direct = DirectConvolution.backward(dy, input: x, weight: w, stride: c.S, padding: c.P, groups: c.G)
        expectClose(dx, direct.dx, tolerance: 1e-12)
        expectClose(conv.weight.gradient, direct.dWeight, tolerance: 1e-12)
        expectClose(conv.bias.gradient, direct.dBias, tolerance: 1e-12)
        guard c.T > 1 else { return }

        conv.weight.zeroGradient()
        conv.bias.zeroGradient()
        var dxTowers: [Tensor<Double>] = []
        for t in 0..<c.T {
            let view = conv.tower(t, of: c.T)
            configure(view)
            #expect(view.weight === conv.weight && view.outputRows == towerShare(of: c.M, tower: t, towers: c.T))
            let input = c.G == 1 ? x : channels(x, towerShare(of: c.C, tower: t, towers: c.T))
            expectClose(view.forward(input), channels(yDirect, view.outputRows), tolerance: 1e-12, "tower \(t)")
            dxTowers.append(view.backward(channels(dy, view.outputRows)))
        }
        expectClose(conv.weight.gradient, direct.dWeight, tolerance: 1e-12, "the towers' rows")
        expectClose(conv.bias.gradient, direct.dBias, tolerance: 1e-12, "the towers' rows")
        if c.G == 1 {
            var sum = dxTowers[0]
            for part in dxTowers.dropFirst() { sum.add(part) }
            expectClose(sum, direct.dx, tolerance: 1e-12, "the towers' partial input gradients, summed")
        } else {
            for (t, part) in dxTowers.enumerated() {
                expectClose(part, channels(direct.dx, towerShare(of: c.C, tower: t, towers: c.T)), tolerance: 1e-12, "tower \(t)'s dx")
            }
        }
    }

    /// im2col + GEMM, both with chunks of one image (written straight into y) and with chunks
    /// of several (rearranged).
    @Test(arguments: cases, [50, 1 << 19])
    func im2colMatchesDirectConvolution(_ c: Case, columnBufferLimit: Int) {
        expectMatchesDirectConvolution(c, seed: 5) { conv in
            conv.algorithm = .im2col
            conv.columnBufferLimit = columnBufferLimit      // 50: chunks of one image
        }
    }

    static let winogradCases: [Case] = [
        Case(N: 3, C: 4, M: 5, H: 7, W: 7, K: 3, S: 1, P: 1, G: 1, T: 1),     // odd output: partial tiles
        Case(N: 2, C: 6, M: 4, H: 8, W: 9, K: 3, S: 1, P: 0, G: 2, T: 2),     // no padding, groups
        Case(N: 4, C: 4, M: 6, H: 11, W: 11, K: 5, S: 1, P: 2, G: 2, T: 2),   // conv2-like: 5×5, own tower
        Case(N: 2, C: 4, M: 4, H: 5, W: 6, K: 3, S: 1, P: 2, G: 1, T: 2),     // conv3-like: both towers read
        Case(N: 1, C: 3, M: 2, H: 5, W: 5, K: 5, S: 1, P: 0, G: 1, T: 1),     // a single output pixel
        Case(N: 5, C: 2, M: 3, H: 6, W: 4, K: 5, S: 1, P: 1, G: 1, T: 1),
    ]

    /// Winograd's F(2×2, K×K), with chunks of one image and of the whole batch (in Double the
    /// transforms are exact but for rounding).
    @Test(arguments: winogradCases, [1, 1 << 18])
    func winogradMatchesDirectConvolution(_ c: Case, tileBufferLimit: Int) {
        expectMatchesDirectConvolution(c, seed: 25) { conv in
            conv.algorithm = .winograd2x2
            conv.winogradTileBufferLimit = tileBufferLimit
        }
    }

    /// One transform step (``applyRows``), whose channels go 64, 32 and 16 at a time and then
    /// one by one, against a plain loop over each channel's terms in order: equal to the last
    /// bit, for every channel count from 0 to 140 (each block size and each remainder), writing
    /// and accumulating. F(4×4, 3×3)'s Bᵀ supplies the terms (up to five an output).
    @Test func transformStepMatchesThePlainLoopExactly() {
        let BT = WinogradTransform(kernelSize: 3, outputTile: 4).BT, n = 6
        let rows = SparseRows<Float>(BT, rows: n, columns: n)
        let inStride = 150, outStride = 147
        let input: Tensor<Float> = randomTensor([n * inStride], seed: 81)
        let start: Tensor<Float> = randomTensor([n * outStride], seed: 82)
        for count in 0...140 {
            for accumulate in [false, true] {
                var fast = start.scalars, plain = start.scalars
                input.scalars.withUnsafeBufferPointer { x in
                    fast.withUnsafeMutableBufferPointer { y in
                        applyRows(rows, outputs: n, x.baseAddress!, inStride: inStride, y.baseAddress!, outStride: outStride,
                                  count: count, accumulate: accumulate)
                    }
                }
                for o in 0..<n {
                    for c in 0..<count {
                        var sum: Float = accumulate ? plain[o * outStride + c] : 0
                        for i in 0..<n where BT[o * n + i] != 0 { sum += Float(BT[o * n + i]) * input.scalars[i * inStride + c] }
                        plain[o * outStride + c] = sum
                    }
                }
                #expect(fast == plain, "count \(count), accumulate \(accumulate)")
            }
        }
    }

    /// The moves between channel-last pixels and channel-first planes that pack Winograd's input
    /// and write its output, 16 × 16 at a time through registers, against the plain loops, to the
    /// last bit and leaving every other scalar alone: pixel counts and channel counts below, at and
    /// past a block (the last block then overlaps the one before it), fewer than 16 channels
    /// beside whole pixel blocks, pixels laid out in rows with gaps between them (13 of every 16,
    /// as a row of 4×4 tiles over a 13-wide map), with and without a per-channel offset (a
    /// negative zero stays negative without one).
    @Test(arguments: [(1, 1), (15, 16), (16, 16), (17, 33), (40, 3), (52, 384), (169, 42)])
    func channelTransposesMatchThePlainLoopsExactly(count: Int, channels: Int) {
        let pixel = { (i: Int) in ((i / 13) * 16 + i % 13) * (channels + 2) }
        let (lastPixel, planeStride) = (pixel(count - 1) + channels, count + 3)
        var pixels = (randomTensor([lastPixel], seed: 86) as Tensor<Float>).scalars
        pixels[0] = -0.0
        var planesIn = (randomTensor([channels * planeStride], seed: 87) as Tensor<Float>).scalars
        planesIn[0] = -0.0
        let offsets = (randomTensor([channels], seed: 88) as Tensor<Float>).scalars
        func differing(_ a: [Float], _ b: [Float]) -> Int { zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count }
        for offset in [false, true] {
            var fast = planesIn, plain = planesIn
            pixels.withUnsafeBufferPointer { x in
                offsets.withUnsafeBufferPointer { b in
                    fast.withUnsafeMutableBufferPointer { y in
                        channelsToPlanes(count: count, channels: channels, x.baseAddress!, pixel: pixel, into: y.baseAddress!,
                                         planeStride: planeStride, adding: offset ? b.baseAddress! : nil)
                    }
                }
            }
            for i in 0..<count {
                for c in 0..<channels {
                    plain[c * planeStride + i] = offset ? pixels[pixel(i) + c] + offsets[c] : pixels[pixel(i) + c]
                }
            }
            #expect(differing(fast, plain) == 0, "to planes, offset \(offset)")
        }
        var fast = pixels, plain = pixels
        planesIn.withUnsafeBufferPointer { y in
            fast.withUnsafeMutableBufferPointer { x in
                planesToChannels(count: count, channels: channels, y.baseAddress!, planeStride: planeStride,
                                 into: x.baseAddress!, pixel: pixel)
            }
        }
        for i in 0..<count {
            for c in 0..<channels { plain[pixel(i) + c] = planesIn[c * planeStride + i] }
        }
        #expect(differing(fast, plain) == 0, "to channels")
    }

    /// F(4×4, 3×3): outputs that fill no tile, one tile and part of a second, in both directions.
    static let largeTileCases: [Case] = winogradCases.filter { $0.K == 3 } + [
        Case(N: 2, C: 3, M: 4, H: 13, W: 13, K: 3, S: 1, P: 1, G: 1, T: 1),   // conv3-like: 13 = 3·4 + 1
        Case(N: 1, C: 4, M: 2, H: 4, W: 3, K: 3, S: 1, P: 1, G: 2, T: 2),     // one partial tile
        Case(N: 3, C: 2, M: 2, H: 10, W: 6, K: 3, S: 1, P: 0, G: 1, T: 1),    // 8×4 outputs: whole tiles
        Case(N: 18, C: 4, M: 4, H: 13, W: 13, K: 3, S: 1, P: 1, G: 2, T: 2),  // 16 tiles an image: chunks of 8 images and a rest
    ]

    /// F(5×5, 3×3): outputs that fill no tile, whole tiles, partial last tiles, groups, towers, a
    /// folded kernel (whose chunks keep to the bound alone), and chunks of the 128-tile floor and a rest.
    static let fiveTileCases: [Case] = winogradCases.filter { $0.K == 3 } + [
        Case(N: 2, C: 3, M: 4, H: 13, W: 13, K: 3, S: 1, P: 1, G: 1, T: 1),   // conv3-like: 13 = 2·5 + 3
        Case(N: 1, C: 4, M: 2, H: 4, W: 3, K: 3, S: 1, P: 1, G: 2, T: 2),     // one partial tile
        Case(N: 3, C: 2, M: 2, H: 12, W: 7, K: 3, S: 1, P: 0, G: 1, T: 1),    // 10×5 outputs: whole tiles
        Case(N: 5, C: 2, M: 3, H: 47, W: 47, K: 11, S: 4, P: 0, G: 1, T: 2),  // conv1's fold, forced: 10×10 outputs,
                                                                              // chunks of one image or of a worker's all
        Case(N: 18, C: 4, M: 4, H: 13, W: 13, K: 3, S: 1, P: 1, G: 2, T: 2),  // 9 tiles an image: chunks of 15 images and a rest
    ]

    /// Each large 3×3 tile (its output side m) on its cases. With the bound at 1, chunks are as
    /// small as ``WinogradConvolution/minimumChunkTiles`` lets them be: the whole of a small case,
    /// 8 images (F(4×4)) or 15 (F(5×5)) of the 18-image one.
    @Test(arguments: largeTileCases.map { (layer: $0, m: 4) } + fiveTileCases.map { (layer: $0, m: 5) }, [1, 1 << 18])
    func largeTileWinogradMatchesDirectConvolution(_ tiled: (layer: Case, m: Int), tileBufferLimit: Int) {
        expectMatchesDirectConvolution(tiled.layer, seed: 26) { conv in
            conv.algorithm = tiled.m == 4 ? .winograd4x4 : .winograd5x5
            conv.winogradTileBufferLimit = tileBufferLimit
        }
    }

    /// F(3×3, 5×5): outputs that fill no tile, whole tiles, a partial last tile, groups, towers,
    /// and a 9×9 kernel at stride 2 folded to 5×5.
    static let fiveByFiveLargeTileCases: [Case] = winogradCases.filter { $0.K == 5 } + [
        Case(N: 2, C: 4, M: 6, H: 9, W: 9, K: 5, S: 1, P: 2, G: 2, T: 2),     // conv2-like: 9 = 3·3, whole tiles
        Case(N: 2, C: 3, M: 2, H: 10, W: 8, K: 5, S: 1, P: 2, G: 1, T: 1),    // 10 and 8: partial last tiles
        Case(N: 2, C: 2, M: 3, H: 15, W: 14, K: 9, S: 2, P: 1, G: 1, T: 2),   // folded: 9×9 at stride 2 → 5×5
    ]

    @Test(arguments: fiveByFiveLargeTileCases, [1, 1 << 18])
    func fiveByFiveLargeTileWinogradMatchesDirectConvolution(_ c: Case, tileBufferLimit: Int) {
        expectMatchesDirectConvolution(c, seed: 29) { conv in
            conv.algorithm = .winograd3x3
            conv.winogradTileBufferLimit = tileBufferLimit
        }
    }

    /// F(3×3, 5×5) in Float, at the stated bound, on a map where `.winograd` takes it (the paper's
    /// conv2 widths per group, 48 → 64 of two groups, 24×24 outputs, after a ReLU): every output
    /// within a tenth of the rounding bound of its direct sum and within 5e-5 of the largest output
    /// (measured: 1.7% of the bound and 3.4e-6 of the largest, about F(2×2, 5×5)'s 1.5% and 3.6e-6).
    @Test func fiveByFiveLargeTilesInFloatStayInsideTheStatedBound() {
        var g = RandomGenerator(seed: 65)
        let conv = Convolution<Float>(inputChannels: 96, outputChannels: 64, kernelSize: 5, padding: 2, groups: 2,
                                      weightStandardDeviation: 0.03, biasValue: 0.5, generator: &g)
        #expect(conv.algorithm == .winograd)
        let raw: Tensor<Float> = randomTensor([1, 96, 24, 24], seed: 66)
        let x = Tensor(shape: raw.shape, scalars: raw.scalars.map { max(0, $0) })
        func error() -> (ofBound: Double, ofLargest: Double) {
            RoundingBound.convolution(conv.forward(x), input: x, weight: conv.weight.value, bias: conv.bias.value,
                                      stride: 1, padding: 2, groups: 2)
        }
        let large = error()
        #expect(large.ofBound < 0.1 && large.ofLargest < 5e-5, "error \(large.ofBound) of the rounding bound, \(large.ofLargest) of the largest output")
    }

    @Test func gradientCheckFiveByFiveLargeTiles() {
        var g = RandomGenerator(seed: 45)
        let conv = Convolution<Double>(inputChannels: 4, outputChannels: 4, kernelSize: 5, padding: 2,
                                       groups: 2, weightStandardDeviation: 0.5, biasValue: 0.1, generator: &g)
        conv.algorithm = .winograd3x3
        expectGradientsCorrect(conv, input: randomTensor([2, 4, 7, 6], seed: 46))
    }

    /// Strided layers through ``StrideFold``: the kernel folded to K' = ⌈K/S⌉ over the input's S²
    /// phases, then Winograd at stride 1. Outputs that fill no tile and part of a second, padding,
    /// groups and towers, taps rounded up to S·K' (zero weights), and pixels no output reads.
    static let foldedCases: [Case] = [
        Case(N: 2, C: 3, M: 4, H: 23, W: 23, K: 11, S: 4, P: 0, G: 1, T: 2),  // conv1: 11×11 at 4 → 3×3 over 48
        Case(N: 2, C: 3, M: 4, H: 27, W: 26, K: 11, S: 4, P: 2, G: 1, T: 1),  // torchvision's conv1: padding 2
        Case(N: 3, C: 4, M: 6, H: 9, W: 10, K: 5, S: 2, P: 2, G: 2, T: 2),    // 5×5 at 2 → 3×3, grouped
        Case(N: 2, C: 2, M: 3, H: 22, W: 24, K: 9, S: 4, P: 0, G: 1, T: 1),   // rows and columns no output reads
        Case(N: 2, C: 2, M: 2, H: 12, W: 12, K: 3, S: 1, P: 1, G: 1, T: 1),   // stride 1: no fold, the same path
    ]

    @Test(arguments: foldedCases, [1, 1 << 18])
    func foldedWinogradMatchesDirectConvolution(_ c: Case, tileBufferLimit: Int) {
        for algorithm in [Convolution<Double>.Algorithm.winograd2x2, .winograd4x4] {
            expectMatchesDirectConvolution(c, seed: 27) { conv in
                conv.algorithm = algorithm
                conv.winogradTileBufferLimit = tileBufferLimit
                }
        }
    }

    /// A kernel that folds to 5×5 (9×9 at stride 2) takes F(2×2, 5×5).
    @Test func foldingToFiveByFiveMatchesDirectConvolution() {
        expectMatchesDirectConvolution(Case(N: 2, C: 2, M: 3, H: 15, W: 14, K: 9, S: 2, P: 1, G: 1, T: 2), seed: 28) { conv in
            #expect(conv.winogradKernelSize == 5)
            conv.algorithm = .winograd2x2
        }
    }

    /// The folded weights hold every tap once and zeros where S·K' passes K; the unfolded
    /// gradient is their adjoint: ⟨fold(w), v⟩ = ⟨w, unfold(v)⟩ for any v.
    @Test func foldIsItsAdjointsTranspose() {
        let source = ConvolutionGeometry(C: 2, Cg: 2, H: 23, W: 23, K: 11, S: 4, P: 0, Ho: 4, Wo: 4)
        let fold = StrideFold(source)
        #expect(fold.folded.Cg == 32 && fold.folded.K == 3 && fold.folded.S == 1 && fold.folded.P == 0)
        let (M, n, nf) = (3, 2 * 11 * 11, 32 * 9)
        let w: Tensor<Double> = randomTensor([M, n], seed: 81), v: Tensor<Double> = randomTensor([M, nf], seed: 82)
        var folded = [Double](repeating: .nan, count: M * nf), unfolded = [Double](repeating: 0, count: M * n)
        fold.foldWeights(w.scalars, outputs: M, into: &folded)
        fold.addUnfoldedGradient(v.scalars, outputs: M, into: &unfolded)
        #expect(folded.filter { $0 == 0 }.count == M * (nf - n))          // 12² − 11² zero taps a channel
        #expect(Set(folded.filter { $0 != 0 }) == Set(w.scalars))
        let left = zip(folded, v.scalars).map(*).reduce(0, +), right = zip(w.scalars, unfolded).map(*).reduce(0, +)
        #expect(abs(left - right) < 1e-12 * Double(n))
    }

    /// conv1 of the paper in Float, as training runs it (48 phase channels, on maps where `.winograd`
    /// takes the large tiles: F(4×4, 3×3) on 16×16 outputs, F(5×5, 3×3) on 25×25, as on the paper's
    /// 55×55): every output within a fifth of the rounding bound of its 363-term direct sum and
    /// within 1e-5 of the largest output — the bound stated for a folded layer (``WinogradTransform``).
    @Test(arguments: [(71, 4), (107, 5)])
    func foldedFirstLayerInFloatStaysInsideTheStatedBound(_ input: (size: Int, tile: Int)) {
        var g = RandomGenerator(seed: 63)
        let conv = Convolution<Float>(inputChannels: 3, outputChannels: 96, kernelSize: 11, stride: 4,
                                      biasValue: 0, generator: &g)
        #expect(conv.algorithm == .winograd && conv.winogradKernelSize == 3)
        let outputs = Convolution<Float>.outputSize(inputSize: input.size, kernelSize: 11, stride: 4, padding: 0)
        #expect(Convolution<Float>.largeTile(kernelSize: 3, outputHeight: outputs, outputWidth: outputs) == input.tile)
        let x: Tensor<Float> = randomTensor([1, 3, input.size, input.size], seed: 64)
        let error = RoundingBound.convolution(conv.forward(x), input: x, weight: conv.weight.value, bias: conv.bias.value,
                                              stride: 4, padding: 0, groups: 1)
        #expect(error.ofBound < 0.2 && error.ofLargest < 1e-5, "error \(error.ofBound) of the rounding bound, \(error.ofLargest) of the largest output")
    }

    /// In Float the transforms round differently from a direct sum: the four-layer net's conv2
    /// (5×5, 64 channels, the worst case of the two kernel sizes) against the direct sum in Double.
    @Test func winogradInFloatIsCloseToTheDirectSum() {
        var g1 = RandomGenerator(seed: 31), g2 = RandomGenerator(seed: 31)
        let float = Convolution<Float>(inputChannels: 64, outputChannels: 64, kernelSize: 5, padding: 2,
                                       weightStandardDeviation: 0.05, generator: &g1)
        let double = Convolution<Double>(inputChannels: 64, outputChannels: 64, kernelSize: 5, padding: 2,
                                         weightStandardDeviation: 0.05, generator: &g2)
        #expect(float.algorithm == .winograd && double.algorithm == .winograd)
        double.algorithm = .im2col
        let x: Tensor<Double> = randomTensor([2, 64, 11, 11], seed: 32)
        let y = float.forward(Tensor(shape: x.shape, scalars: x.scalars.map(Float.init)))
        let reference = double.forward(x)
        let scale = reference.scalars.map(abs).max()!
        let worst = zip(y.scalars, reference.scalars).map { abs(Double($0) - $1) }.max()!
        #expect(worst / scale < 1e-5, "relative error \(worst / scale)")
    }

    /// Float, as training runs it, against the direct sum in Double of the same values: every output
    /// within the rounding bound of its (C/G)·K·K products, (C/G·K·K + 2)·u·(Σ|w|·|x| + |bias|)
    /// (``RoundingBound``). im2col and F(2×2) stay far inside it (measured: under 1% of it), F(4×4)
    /// a few per cent; a wrong index would be off by about 10⁵ times the bound.
    @Test(arguments: [Convolution<Float>.Algorithm.im2col, .winograd2x2, .winograd4x4])
    func floatIsWithinTheRoundingBoundOfItsSums(algorithm: Convolution<Float>.Algorithm) {
        var g = RandomGenerator(seed: 51)
        let conv = Convolution<Float>(inputChannels: 32, outputChannels: 8, kernelSize: 3, padding: 1, groups: 2,
                                      weightStandardDeviation: 0.2, biasValue: 0.5, generator: &g)
        conv.algorithm = algorithm
        let x: Tensor<Float> = randomTensor([3, 32, 9, 9], seed: 52)
        let error = RoundingBound.convolution(conv.forward(x), input: x, weight: conv.weight.value, bias: conv.bias.value,
                                              stride: 1, padding: 1, groups: 2)
        #expect(error.ofBound < 1, "\(algorithm): error \(error.ofBound) of the bound")
    }

    /// The large 3×3 tiles in Float, at the stated bound: every output within a tenth of the
    /// rounding bound of its direct sum, and within 5e-5 of the largest output, on maps where
    /// `.winograd` takes them at the paper's conv3 widths, 256 → 384: F(5×5) on its own 13×13
    /// outputs, whose last tiles are partial, F(4×4) on 16×16. (On layers of 16 to 64 channels
    /// both tiles can pass a tenth of the rounding bound, F(4×4) up to 0.24 and F(5×5) up to 0.38
    /// at 16 channels, while staying within 4e-6 of the largest output: see ``WinogradTransform``.)
    @Test(arguments: [13, 16])
    func largeTilesInFloatStayInsideTheStatedBound(size: Int) {
        var g = RandomGenerator(seed: 61)
        let conv = Convolution<Float>(inputChannels: 256, outputChannels: 384, kernelSize: 3, padding: 1,
                                      weightStandardDeviation: 0.03, biasValue: 0.5, generator: &g)
        #expect(conv.algorithm == .winograd)
        let raw: Tensor<Float> = randomTensor([1, 256, size, size], seed: 62)
        let x = Tensor(shape: raw.shape, scalars: raw.scalars.map { max(0, $0) })          // after a ReLU
        func error() -> (ofBound: Double, ofLargest: Double) {
            RoundingBound.convolution(conv.forward(x), input: x, weight: conv.weight.value, bias: conv.bias.value,
                                      stride: 1, padding: 1, groups: 1)
        }
        let large = error()
        #expect(large.ofBound < 0.1 && large.ofLargest < 5e-5, "error \(large.ofBound) of the rounding bound, \(large.ofLargest) of the largest output")
        // The same layer with F(2×2) tiles: the large tiles' error is the larger, as the constants say.
        conv.algorithm = .winograd2x2
        #expect(error().ofLargest < large.ofLargest)
    }

    /// `.winograd` takes F(5×5, 3×3) or F(4×4, 3×3) (the one with fewer products, F(5×5) on a
    /// tie, F(4×4) for a folded kernel) on maps of 12 or more each way, F(3×3, 5×5) on maps of 24
    /// or more, F(2×2) below: the results tell the tiles apart (they round differently), and match
    /// the forced choice.
    @Test func winogradTakesTheTileThatPays() {
        #expect(Convolution<Float>.largeTilesPay(kernelSize: 3, outputHeight: 16, outputWidth: 27))
        #expect(Convolution<Float>.largeTilesPay(kernelSize: 3, outputHeight: 13, outputWidth: 13))
        #expect(Convolution<Float>.largeTilesPay(kernelSize: 3, outputHeight: 12, outputWidth: 12))
        #expect(!Convolution<Float>.largeTilesPay(kernelSize: 3, outputHeight: 27, outputWidth: 11))
        #expect(!Convolution<Float>.largeTilesPay(kernelSize: 3, outputHeight: 9, outputWidth: 9))
        #expect(Convolution<Float>.largeTilesPay(kernelSize: 5, outputHeight: 27, outputWidth: 27))
        #expect(!Convolution<Float>.largeTilesPay(kernelSize: 5, outputHeight: 23, outputWidth: 27))
        // F(5×5, 3×3) where it takes no more products than F(4×4, 3×3), folded (conv1's 55×55) or not.
        for (size, tile) in [(13, 5), (27, 5), (55, 5), (15, 5), (12, 4), (16, 4)] {
            #expect(Convolution<Float>.largeTile(kernelSize: 3, outputHeight: size, outputWidth: size) == tile, "\(size)")
        }
        #expect(Convolution<Float>.largeTile(kernelSize: 5, outputHeight: 27, outputWidth: 27) == 3)
        for (K, size, tile) in [(3, 13, Convolution<Float>.Algorithm.winograd5x5), (3, 16, .winograd4x4), (3, 11, .winograd2x2),
                                (5, 24, .winograd3x3), (5, 23, .winograd2x2)] {
            var g1 = RandomGenerator(seed: 71), g2 = RandomGenerator(seed: 71)
            let automatic = Convolution<Float>(inputChannels: 16, outputChannels: 8, kernelSize: K, padding: K / 2, generator: &g1)
            let forced = Convolution<Float>(inputChannels: 16, outputChannels: 8, kernelSize: K, padding: K / 2, generator: &g2)
            forced.algorithm = tile
            let x: Tensor<Float> = randomTensor([2, 16, size, size], seed: 72)
            #expect(automatic.forward(x) == forced.forward(x))
            let dy: Tensor<Float> = randomTensor([2, 8, size, size], seed: 73)
            #expect(automatic.backward(dy) == forced.backward(dy))
            #expect(automatic.weight.gradient == forced.weight.gradient)
        }
    }

    /// A chunk holds as many images as the tile-buffer bound allows, and for F(4×4, 3×3) and
    /// F(5×5, 3×3) at least 128 tiles while the worker has the images: on the paper's conv3
    /// (256 → 384, 13×13, 16 tiles an image, one image under the bound) eight images with F(4×4),
    /// fifteen with F(5×5) (9 tiles an image), fewer only when the worker has fewer; F(2×2) on the
    /// same layer and F(4×4) on a 55×55 map (196 tiles) keep one. F(5×5) on 55×55 (121 tiles) takes
    /// two at stride 1, but one on conv1's fold, which the floor leaves alone.
    @Test func largeTileChunksHoldEnoughTilesForTheirProducts() {
        let conv3 = ConvolutionGeometry(C: 256, Cg: 256, H: 13, W: 13, K: 3, S: 1, P: 1, Ho: 13, Wo: 13)
        let large = WinogradConvolution<Float>(kernelSize: 3, outputTile: 4)
        #expect(large.chunkSize(large.tiling(conv3, outputs: 384, groups: 1), images: 64) == 8)
        #expect(large.chunkSize(large.tiling(conv3, outputs: 384, groups: 1), images: 5) == 5)
        let small = WinogradConvolution<Float>(kernelSize: 3, outputTile: 2)
        #expect(small.chunkSize(small.tiling(conv3, outputs: 384, groups: 1), images: 64) == 1)
        let five = WinogradConvolution<Float>(kernelSize: 3, outputTile: 5)          // 9 tiles an image
        #expect(five.chunkSize(five.tiling(conv3, outputs: 384, groups: 1), images: 64) == 15)
        let wide = ConvolutionGeometry(C: 48, Cg: 48, H: 55, W: 55, K: 3, S: 1, P: 1, Ho: 55, Wo: 55)
        #expect(large.chunkSize(large.tiling(wide, outputs: 96, groups: 1), images: 64) == 1)
        #expect(five.chunkSize(five.tiling(wide, outputs: 96, groups: 1), images: 64) == 2)
        let conv1 = ConvolutionGeometry(C: 3, Cg: 3, H: 227, W: 227, K: 11, S: 4, P: 0, Ho: 55, Wo: 55)
        #expect(five.chunkSize(five.tiling(conv1, outputs: 96, groups: 1), images: 64) == 1)
        // Where the bound alone allows more (few channels), it still decides.
        let narrow = ConvolutionGeometry(C: 16, Cg: 16, H: 13, W: 13, K: 3, S: 1, P: 1, Ho: 13, Wo: 13)
        #expect(large.chunkSize(large.tiling(narrow, outputs: 16, groups: 1), images: 64) == (1 << 18) / (36 * 16 * 16))
    }

    @Test func winogradIsChosenWhereItApplies() {
        var g = RandomGenerator(seed: 1)
        let make = { (C: Int, K: Int, S: Int, G: Int) in
            Convolution<Float>(inputChannels: C, outputChannels: 2 * G, kernelSize: K, stride: S, padding: 1, groups: G, generator: &g).algorithm
        }
        #expect(make(64, 5, 1, 1) == .winograd)
        #expect(make(64, 3, 1, 2) == .winograd)
        #expect(make(32, 3, 1, 4) == .im2col)        // 8 channels per group: transforms would not pay
        #expect(make(64, 3, 2, 1) == .im2col)        // stride 2: folds to 2×2
        #expect(make(64, 7, 1, 1) == .im2col)
        #expect(make(3, 5, 1, 1) == .im2col)         // a first layer at stride 1
        #expect(make(3, 11, 4, 1) == .winograd)      // conv1: 3×3 over 48 phase channels
        #expect(make(3, 5, 2, 1) == .im2col)         // 12 phase channels: too few
        #expect(make(8, 5, 2, 1) == .winograd)       // 32 phase channels
        #expect(make(16, 7, 2, 1) == .im2col)        // folds to 4×4
    }

    @Test func chunkingDoesNotChangeTheResult() {
        var g1 = RandomGenerator(seed: 9), g2 = RandomGenerator(seed: 9)
        let whole = Convolution<Float>(inputChannels: 4, outputChannels: 4, kernelSize: 3, padding: 1, groups: 2,
                                       weightStandardDeviation: 1, generator: &g1)
        let chunked = Convolution<Float>(inputChannels: 4, outputChannels: 4, kernelSize: 3, padding: 1, groups: 2,
                                         weightStandardDeviation: 1, generator: &g2)
        chunked.columnBufferLimit = 2 * 18 * 36      // two images per chunk out of five
        let x: Tensor<Float> = randomTensor([5, 4, 6, 6], seed: 3)
        #expect(whole.forward(x) == chunked.forward(x))
    }

    @Test func gradientCheckGroupedStrideAndPadding() {
        var g = RandomGenerator(seed: 11)
        let conv = Convolution<Double>(inputChannels: 4, outputChannels: 6, kernelSize: 3, stride: 2, padding: 1,
                                       groups: 2, weightStandardDeviation: 0.5, biasValue: 0.1, generator: &g)
        expectGradientsCorrect(conv, input: randomTensor([2, 4, 7, 7], seed: 12))
    }

    /// The folded path's gradients, numerically: conv1's 11×11 at stride 4 with padding 1, F(4×4).
    @Test func gradientCheckFoldedWinograd() {
        var g = RandomGenerator(seed: 43)
        let conv = Convolution<Double>(inputChannels: 2, outputChannels: 3, kernelSize: 11, stride: 4, padding: 1,
                                       weightStandardDeviation: 0.2, biasValue: 0.1, generator: &g)
        conv.algorithm = .winograd4x4
        expectGradientsCorrect(conv, input: randomTensor([2, 2, 17, 18], seed: 44))
    }

    @Test(arguments: [(3, Convolution<Double>.Algorithm.winograd2x2), (5, .winograd2x2), (3, .winograd4x4), (3, .winograd5x5)])
    func gradientCheckWinograd(kernelSize: Int, algorithm: Convolution<Double>.Algorithm) {
        var g = RandomGenerator(seed: 41)
        let conv = Convolution<Double>(inputChannels: 4, outputChannels: 4, kernelSize: kernelSize, padding: 1,
                                       groups: 2, weightStandardDeviation: 0.5, biasValue: 0.1, generator: &g)
        conv.algorithm = algorithm
        expectGradientsCorrect(conv, input: randomTensor([2, 4, 7, 6], seed: 42))
    }

    @Test func gradientCheckATowerSeeingBoth() {
        var g = RandomGenerator(seed: 13)
        let conv = Convolution<Double>(inputChannels: 3, outputChannels: 4, kernelSize: 5, stride: 3,
                                       groups: 1, weightStandardDeviation: 0.5, generator: &g)
        let reports = expectGradientsCorrect(conv.tower(1, of: 2), input: randomTensor([2, 3, 11, 11], seed: 14))
        #expect(reports.count == 3)                       // the input, the whole weight and the whole bias
        #expect(conv.weight.gradient.rows(0..<2).scalars.allSatisfy { $0 == 0 })   // tower 1's rows untouched
    }

    @Test func parametersOnlyBackwardGivesTheSameParameterGradients() {
        var g1 = RandomGenerator(seed: 15), g2 = RandomGenerator(seed: 15)
        let a = Convolution<Double>(inputChannels: 3, outputChannels: 4, kernelSize: 3, stride: 2, generator: &g1)
        let b = Convolution<Double>(inputChannels: 3, outputChannels: 4, kernelSize: 3, stride: 2, generator: &g2)
        let x: Tensor<Double> = randomTensor([2, 3, 9, 9], seed: 16)
        let dy: Tensor<Double> = randomTensor(a.forward(x).shape, seed: 17)
        _ = b.forward(x)
        _ = a.backward(dy)
        b.backwardParametersOnly(dy)
        for (p, q) in zip(a.parameters, b.parameters) { #expect(p.gradient == q.gradient) }
    }
}
