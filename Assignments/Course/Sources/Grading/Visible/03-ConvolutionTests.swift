import AlexNet
import Coursework

/// Assignment 3's visible tests: im2col by hand, PyTorch's numbers for a grouped, strided, padded
/// convolution, and a gradient check.
enum ConvolutionTests {
    static let tests: [GradedTest] = [
        GradedTest("im2col known values", points: 2) { judge in
            // One channel, 3×3 image 1…9, 2×2 kernel, stride 1: four windows of four pixels.
            let image = Tensor<Double>(shape: [1, 3, 3], scalars: (1...9).map(Double.init))
            judge.compare("columns", try GroupedConvolution.im2col(image, channels: 0..<1, kernelSize: 2, stride: 1, padding: 0),
                          Tensor(shape: [4, 4], scalars: [1, 2, 4, 5,  2, 3, 5, 6,  4, 5, 7, 8,  5, 6, 8, 9]))
            // Two channels (the second is 10 × the first), the second alone, padding 1, stride 2.
            let two = Tensor<Double>(shape: [2, 3, 3], scalars: (1...9).map(Double.init) + (1...9).map { 10 * Double($0) })
            judge.compare("columns of channel 1, padded", try GroupedConvolution.im2col(two, channels: 1..<2, kernelSize: 2, stride: 2, padding: 1),
                          Tensor(shape: [4, 4], scalars: [0, 0, 0, 50,  0, 0, 40, 60,  0, 20, 0, 80,  10, 30, 70, 90]))
        },
        GradedTest("convolution with two groups against PyTorch", points: 3) { judge in
            let golden = try Golden.load("convolution-groups", from: judge.context.goldenDirectory)
            let (x, w, b) = (try Golden.tensor("x", in: golden), try Golden.tensor("weight", in: golden), try Golden.tensor("bias", in: golden))
            judge.compare("y", try GroupedConvolution.forward(x, weight: w, bias: b, stride: 2, padding: 1, groups: 2),
                          try Golden.tensor("y", in: golden))
            let d = try GroupedConvolution.backward(try Golden.tensor("dy", in: golden), input: x, weight: w, stride: 2, padding: 1, groups: 2)
            judge.compare("dx", d.input, try Golden.tensor("dx", in: golden))
            judge.compare("dweight", d.weight, try Golden.tensor("dweight", in: golden))
            judge.compare("dbias", d.bias, try Golden.tensor("dbias", in: golden))
        },
        GradedTest("convolution gradient check", points: 1) { judge in
            var g = RandomGenerator(seed: 31)
            let (x, w, b) = (Draw.normal([2, 4, 5, 6], &g), Draw.normal([6, 2, 3, 3], &g), Draw.normal([6], &g))
            try judge.gradientCheck("convolution", input: x, parameters: [("weight", w), ("bias", b)],
                                    forward: { x, p in try GroupedConvolution.forward(x, weight: p[0], bias: p[1], stride: 2, padding: 1, groups: 2) },
                                    backward: { dy, x, p in
                                        let d = try GroupedConvolution.backward(dy, input: x, weight: p[0], stride: 2, padding: 1, groups: 2)
                                        return (d.input, [d.weight, d.bias])
                                    })
        },
    ]
}
