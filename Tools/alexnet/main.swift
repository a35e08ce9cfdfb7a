// alexnet: the command-line tool for training, evaluating and using the networks of the book.
//
//     alexnet prepare-imagenet --imagenet-dir ROOT --out DIR   (shards, mean image, PCA; resumable)
//     alexnet train     --checkpoint-dir DIR [--resume] [data, model and learning options]
//                       (--dataset imagenet --data-dir DIR: prepared ImageNet)
//     alexnet evaluate  --checkpoint FILE [--checkpoint FILE …] [--views centre|ten]
//     alexnet predict   --checkpoint FILE IMAGE   (or --weights FILE --model torchvision; JPEG or PNG)
//     alexnet inspect   --checkpoint FILE
//     alexnet export-weights --checkpoint FILE --out WEIGHTS.safetensors
//     alexnet import-weights --checkpoint FILE --weights WEIGHTS.safetensors --out NEW
//     alexnet --version  (and the BLAS kernel that runs, with the CPU's features)
//
// Every subcommand takes --help. Usage errors exit with status 2, other failures with 1.
import AlexNet
import Foundation
import ToolSupport
import AlexNetTraining

let subcommands = ["prepare-imagenet", "train", "evaluate", "predict", "inspect", "export-weights", "import-weights"]
let all = Array(CommandLine.arguments.dropFirst())

runTool("alexnet") {
    guard let name = all.first, subcommands.contains(name) else {
        if all.first == "--version" {
            print("alexnet (AlexNet in Swift)")
            for line in BLASKernelSelection.report { print(line) }
            return
        }
        if all.first == "--help" || all.first == "-h" || all.isEmpty {
            print("""
            alexnet: train, evaluate and use the paper's networks.

            usage: alexnet SUBCOMMAND [options]

            subcommands:
              prepare-imagenet  ImageNet's JPEGs as shards to train from (Section 2), resumable
              train      train a network with the paper's SGD, with checkpoints and a CSV log
              evaluate   top-1 and top-5 error of one checkpoint or an ensemble (centre or ten views)
              predict    the top-5 classes of a JPEG or PNG picture
              inspect    what a checkpoint holds, and a checksum of its weights
              export-weights  a checkpoint's weights as safetensors, under PyTorch's names
              import-weights  a checkpoint whose weights come from a safetensors file

            Run 'alexnet SUBCOMMAND --help' for the options of each, and 'alexnet --version' for
            the BLAS kernel that runs the matrix products.
            """)
            if all.isEmpty { exit(2) }
            return
        }
        throw UsageError("unknown subcommand '\(all[0])' (one of \(subcommands.joined(separator: ", ")))")
    }
    let arguments = all.dropFirst()
    switch name {
    case "prepare-imagenet": try prepareImageNet(arguments)
    case "train": try train(arguments)
    case "evaluate": try evaluate(arguments)
    case "predict": try predict(arguments)
    case "export-weights": try exportWeights(arguments)
    case "import-weights": try importWeights(arguments)
    default: try inspect(arguments)
    }
}
