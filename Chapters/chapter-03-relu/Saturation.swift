import AlexNet

/// The mechanism Section 3.1 points at: a tanh unit whose input x has |x| > 2 passes back at most
/// tanh′(2) = 1 − tanh²(2) ≈ 0.07 of its gradient, so a net whose units sit there learns slowly.
/// ReLU's gradient is 1 for every positive input, however large.
///
/// `saturatedFractions` runs `images` through the network's stages and returns, for each layer
/// followed by an activation, the fraction of its outputs (the activation's inputs) with
/// |x| > `limit`, keyed by that layer's name.
func saturatedFractions(of network: any Network<Float>, images: Tensor<Float>, limit: Float = 2) -> [(layer: String, fraction: Double)] {
    let saved = network.phase
    network.phase = .inference
    defer { network.phase = saved }
    var x = images
    var previous = "input"
    var fractions: [(layer: String, fraction: Double)] = []
    for (name, layer) in network.stages {
        if layer is Activation<Float> {
            let saturated = x.scalars.reduce(0) { $0 + (abs($1) > limit ? 1 : 0) }
            fractions.append((previous, Double(saturated) / Double(max(1, x.count))))
        }
        x = layer.forward(x)
        previous = name
    }
    return fractions
}
