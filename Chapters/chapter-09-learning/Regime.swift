import AlexNet
import AlexNetData
import AlexNetExperiments

/// The paper's initialisation in the paper's regime (Section 5): the pixels as the paper fed
/// them — raw 0…255 values less the mean image, about 90 times the standardised pixels of the
/// rest of the chapter — into weights of N(0, 0.01²) (or the paper's per-layer gains) with hidden
/// biases of 1 or of 0. Each form gets a rate sweep of its own, scored on the training error on
/// seeds of its own, then the reported seeds: whether it leaves chance, and where it ends.
let regimeInitialisations: [Initialisation] = [.paperLiteral, .paperLiteralBiasZero, .paperGainsBiasOne, .paperGainsBiasZero]

func runRegimeArms(_ base: HeldOutComparison, data: Dataset, probe: DatasetSplit,
                   log: (String) -> Void) throws -> [HeldOutComparison.ArmResult] {
    let raw = Normalization.meanImage(of: data.train)
    return try regimeInitialisations.map { initialisation in
        var comparison = base
        comparison.selection = .trainingError
        let arm = Arm("\(initialisation.name), raw pixels", normalization: raw) { seed in
            try AlexNetModel<Float>(chapterNetwork(data, initialisation: initialisation, seed: seed))
        }
        return try comparison.run(arm, on: data, probe: probe, log: log)
    }
}

extension HeldOutComparison.ArmResult {
    /// The step at which each reported run's training-probe error first fell to
    /// ``StartOfTraining/startedBelow`` (∞: never, or diverged).
    var startSteps: [Double] {
        runs.map { $0.result.diverged ? .infinity : $0.result.curve.firstCrossing(below: StartOfTraining.startedBelow) ?? .infinity }
    }
}
