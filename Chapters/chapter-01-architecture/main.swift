// Chapter 1 — the architecture (Section 3.5, Figure 2 of the paper).
//
// Builds the paper's network, prints Figure 2 as a table (layer, output shape, parameters,
// multiply-adds), checks the 60,965,224 parameters, explains 227 versus 224 and the paper's
// neuron count, and times one forward pass and one training step at batch 128.
//
//     swift run -c release chapter-01-architecture [--quick] [--out DIR]
import AlexNet
import Foundation
import ToolSupport
import AlexNetTraining
import Plotting

runTool("chapter-01-architecture") {
    let a = Arguments(CommandLine.arguments.dropFirst(), command: "chapter-01-architecture",
                      summary: "Chapter 1: the paper's network as a table and a diagram, its parameter count, and its speed.")
    let options = ChapterOptions(a)
    let batch = a.integer("--batch", default: 128, help: "batch size of the timed forward pass and training step (the paper: 128)")
    try a.finish()
    try options.prepare()

    // The network of Figure 2.
    let model = try AlexNetModel<Float>(.paper)
    let rows = model.describe()
    print("AlexNet, as in Figure 2 of the paper (two towers as groups, 227×227×3 input):\n")
    print(rows.table())
    let parameters = model.parameterCount
    print("\nparameters: \(parameters) (the paper's network: 60,965,224) — \(parameters == 60_965_224 ? "match" : "MISMATCH")")

    // 227 versus 224: the output size of conv1 is ⌊(H − 11)/4⌋ + 1.
    for h in [224, 227] {
        let exact = Double(h - 11) / 4 + 1
        print(String(format: "input %d: (%d − 11)/4 + 1 = %.2f → %d×%d after conv1", h, h, exact,
                     Convolution<Float>.outputSize(inputSize: h, kernelSize: 11, stride: 4, padding: 0),
                     Convolution<Float>.outputSize(inputSize: h, kernelSize: 11, stride: 4, padding: 0)))
    }

    // Neurons: the sizes of the layers' outputs, against the paper's list.
    let learned = rows.filter { $0.parameters > 0 }
    let neurons = learned.map { $0.outputShape.reduce(1, *) }
    let paperNeurons = [253_440, 186_624, 64_896, 64_896, 43_264, 4096, 4096, 1000]
    print("\nneurons per learned layer (ours / the paper's Section 3.5 list):")
    for (row, (ours, paper)) in zip(learned, zip(neurons, paperNeurons)) {
        print("  \(row.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(ours) / \(paper)\(ours == paper ? "" : "   ← differs")")
    }
    print("  total \(neurons.reduce(0, +)) (the paper: \"650,000\")")

    // Time: one forward pass and one training step (forward, backward, SGD update).
    let timedBatch = options.quick ? min(batch, 4) : batch
    var g = RandomGenerator(seed: options.seed)
    let images = Tensor<Float>.normal(shape: [timedBatch, 3, 227, 227], standardDeviation: 50, generator: &g)
    let labels = (0..<timedBatch).map { $0 % 1000 }
    let sgd = SGD(parameters: model.parameters)
    let repeats = options.quick ? 1 : 3           // the median of three, after a warm-up pass
    model.phase = .inference
    // The initial-loss check: untrained, the softmax is nearly uniform, so the loss is ≈ ln 1000.
    let initialLoss = SoftmaxCrossEntropy<Float>().forward(model.forward(images), labels: labels)
    print(String(format: "\nloss of the untrained network: %.3f (ln 1000 = %.3f)", initialLoss, log(1000.0)))
    let forward = median((0..<repeats).map { _ in measureSeconds { _ = model.forward(images) } })
    model.phase = .training
    let objective = SoftmaxCrossEntropy<Float>()
    let step = median(try (0...repeats).map { _ in
        try measureSeconds {
            try trainStep(model, objective: objective, optimizer: sgd, images: images, labels: labels, learningRate: 0.01)
        }
    }.dropFirst())
    let multiplyAdds = rows.reduce(0) { $0 + $1.multiplyAdds }
    print(String(format: "\nbatch %d, %d threads, median of %d: forward %.2f s (%.1f images/s), training step %.2f s (%.1f images/s)",
                 timedBatch, options.threads, repeats, forward, Double(timedBatch) / forward, step, Double(timedBatch) / step))
    print(String(format: "%.3f billion multiply-adds per image forward", Double(multiplyAdds) / 1e9))

    // Figure and data.
    var table = CSVTable(header: ["layer", "output_shape", "parameters", "multiply_adds", "neurons"])
    for row in rows {
        table.append([row.name, row.outputShape.map(String.init).joined(separator: "x"), String(row.parameters),
                      String(row.multiplyAdds), String(row.outputShape.reduce(1, *))])
    }
    try table.write(to: options.path("chapter-01-architecture.csv"))
    var timing = CSVTable(header: ["quantity", "value"])
    timing.append(["parameters", String(parameters)])
    timing.append(["multiply_adds_per_image", String(multiplyAdds)])
    timing.append(["multiply_adds_per_image_billions", String(format: "%.4f", Double(multiplyAdds) / 1e9)])
    timing.append(["neurons", String(neurons.reduce(0, +))])
    timing.append(["batch", String(timedBatch)])
    timing.append(["threads", String(options.threads)])
    timing.append(["blas_kernel", BLASKernel.current])      // which OpenBLAS kernels ran the products
    timing.append(["forward_images_per_second", String(format: "%.2f", Double(timedBatch) / forward)])
    timing.append(["training_images_per_second", String(format: "%.2f", Double(timedBatch) / step)])
    // One epoch of the paper's 1.2 million training images at this rate.
    timing.append(["imagenet_epoch_hours", String(format: "%.1f", 1.2e6 * step / Double(timedBatch) / 3600)])
    timing.append(["imagenet_90_epochs_days", String(format: "%.0f", 90 * 1.2e6 * step / Double(timedBatch) / 86400)])
    timing.append(["initial_loss", String(format: "%.3f", initialLoss)])
    timing.append(["ln_1000", String(format: "%.3f", log(1000.0))])
    // Where the parameters and the arithmetic are: the fully connected layers against the convolutions.
    let fullyConnected = rows.filter { $0.name.hasPrefix("fc") }, convolutions = rows.filter { $0.name.hasPrefix("conv") }
    timing.append(["fully_connected_parameter_percent", String(format: "%.1f", 100 * Double(fullyConnected.reduce(0) { $0 + $1.parameters }) / Double(parameters))])
    timing.append(["convolution_multiply_add_percent", String(format: "%.1f", 100 * Double(convolutions.reduce(0) { $0 + $1.multiplyAdds }) / Double(multiplyAdds))])
    try timing.write(to: options.path("chapter-01-architecture-summary.csv"))
    try LayerDiagram.render(towerColumns(model), title: "AlexNet's two towers: one tower's output at every layer (227×227×3 input, 60,965,224 parameters)")
        .writePNG(to: options.path("chapter-01-architecture.png"))
    print("\nwrote \(options.path("chapter-01-architecture.png")), \(options.path("chapter-01-architecture.csv")), \(options.path("chapter-01-architecture-summary.csv"))")
}
