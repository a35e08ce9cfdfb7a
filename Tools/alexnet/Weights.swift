import AlexNet
import Foundation
import ToolSupport
import AlexNetTraining

/// `alexnet export-weights`: a checkpoint's weights as a safetensors file under PyTorch's
/// state-dict names (``StateDict``), with what `predict` needs besides (the mean image, the
/// model's specification and class names).
func exportWeights(_ raw: ArraySlice<String>) throws {
    let a = Arguments(raw, command: "alexnet export-weights", summary: "Write a checkpoint's weights as safetensors, under PyTorch's state-dict names (conv1.weight … fc8.bias; the two towers joined as one grouped convolution). The momentum and the training state stay in the checkpoint.")
    let path = a.optionalString("--checkpoint", help: "the checkpoint file", placeholder: "FILE")
    let out = a.optionalString("--out", help: "the safetensors file to write", placeholder: "FILE")
    try a.finish()
    guard let path, let out else { throw UsageError("--checkpoint FILE and --out FILE are required", command: a.command) }
    let checkpoint = try Checkpoint.read(from: path)
    let network = try loadNetwork(checkpoint)
    let weights = try Safetensors(checkpoint: checkpoint, network: network)
    try weights.write(to: out)
    print("wrote \(out): \(weights.tensors.count - 1) weight tensors (\(network.parameterCount) parameters) and the mean image")
}

/// `alexnet import-weights`: a new checkpoint whose weights come from a safetensors file (for
/// example exported, changed in PyTorch and saved again); the model, normalisation and class
/// names come from the checkpoint given, the momentum starts at zero.
func importWeights(_ raw: ArraySlice<String>) throws {
    let a = Arguments(raw, command: "alexnet import-weights", summary: "Make a checkpoint from a safetensors file of weights under PyTorch's state-dict names; the model, normalisation and class names come from --checkpoint, the momentum is reset.")
    let path = a.optionalString("--checkpoint", help: "the checkpoint that defines the model", placeholder: "FILE")
    let weightsPath = a.optionalString("--weights", help: "the safetensors file", placeholder: "FILE")
    let out = a.optionalString("--out", help: "the checkpoint to write", placeholder: "FILE")
    try a.finish()
    guard let path, let weightsPath, let out else {
        throw UsageError("--checkpoint FILE, --weights FILE and --out FILE are required", command: a.command)
    }
    let checkpoint = try Checkpoint.read(from: path)
    let network = try loadNetwork(checkpoint)
    try Safetensors.read(from: weightsPath).load(into: network)
    var state = checkpoint.state
    state.epoch = 0
    state.batchIndex = 0
    var metadata = checkpoint.metadata
    metadata["weights"] = weightsPath
    try Checkpoint(network: network, optimizer: SGD(parameters: network.parameters), specification: checkpoint.specification,
                   normalization: checkpoint.normalization, state: state, metadata: metadata).write(to: out)
    print("wrote \(out) with the weights of \(weightsPath)")
}
