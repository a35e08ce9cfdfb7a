import AlexNet
import AlexNetData
import AlexNetExperiments

/// Momentum and weight decay (Section 5): the paper's μ = 0.9 and λ = 0.0005 against μ = 0.5,
/// μ = 0 and λ = 0, each at the rate its own sweep chooses on the *training* error — the claims
/// are about training: momentum speeds it, and weight decay, the paper says, lowers the
/// training error, "not merely a regularizer". He's initialisation, with which training starts
/// at once (the start is measured separately).
let recipeArms: [(name: String, momentum: Double, weightDecay: Double)] = [
    ("momentum 0.9, decay 0.0005", 0.9, 0.0005),
    ("momentum 0.5", 0.5, 0.0005),
    ("momentum 0", 0, 0.0005),
    ("no weight decay", 0.9, 0),
]

func runRecipeArms(_ base: HeldOutComparison, data: Dataset, probe: DatasetSplit, normalization: Normalization,
                   log: (String) -> Void) throws -> [HeldOutComparison.ArmResult] {
    try recipeArms.map { recipe in
        var comparison = base
        (comparison.momentum, comparison.weightDecay, comparison.selection) = (recipe.momentum, recipe.weightDecay, .trainingError)
        // A steady gradient moves the weights ε/(1 − μ) a step: the grid starts where the
        // paper's momentum's grid would, in those terms (× 5 for μ = 0.5, × 10 for μ = 0).
        comparison.sweep.grid = base.sweep.grid.map { ($0 * (1 - recipe.momentum) / (1 - 0.9) * 1e6).rounded() / 1e6 }
        let arm = Arm(recipe.name, normalization: normalization) { seed in
            try AlexNetModel<Float>(chapterNetwork(data, initialisation: .he, seed: seed))
        }
        return try comparison.run(arm, on: data, probe: probe, log: log)
    }
}

/// Weight decay against none at equal rates: both arms at each of the two rates their own sweeps
/// chose (a run an arm already has at that rate is its own; the other is trained at it with the
/// same reported seeds). At its own best each arm is in the main comparison; here the rate is
/// the same on both sides, so what differs is only λ.
struct EqualRateDecay {
    var rate: Double
    var decay: HeldOutComparison.ArmResult, none: HeldOutComparison.ArmResult
}

func runEqualRateDecay(_ base: HeldOutComparison, recipeArms arms: [HeldOutComparison.ArmResult], data: Dataset, probe: DatasetSplit,
                       normalization: Normalization, log: (String) -> Void) throws -> [EqualRateDecay] {
    guard let decay = arms.first(where: { $0.name == recipeArms[0].name }),
          let none = arms.first(where: { $0.name == recipeArms[3].name }) else { return [] }
    func train(_ recipe: (name: String, momentum: Double, weightDecay: Double), at rate: Double) throws -> HeldOutComparison.ArmResult {
        var comparison = base
        (comparison.momentum, comparison.weightDecay) = (recipe.momentum, recipe.weightDecay)
        let arm = Arm("\(recipe.name) at ε = \(rate)", normalization: normalization) { seed in
            try AlexNetModel<Float>(chapterNetwork(data, initialisation: .he, seed: seed))
        }
        return try comparison.run(arm, on: data, probe: probe, rate: rate, log: log)
    }
    return try Set([decay.rate, none.rate]).sorted().map { rate in
        EqualRateDecay(rate: rate, decay: decay.rate == rate ? decay : try train(recipeArms[0], at: rate),
                       none: none.rate == rate ? none : try train(recipeArms[3], at: rate))
    }
}
