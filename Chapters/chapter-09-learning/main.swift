// Chapter 9 — the details of learning (Section 5 of the paper).
//
// 1. The start: the paper's N(0, 0.01²) with biases of 1, the same gains carried to this
//    narrower net with biases of 1 and of 0, and He's rule — the first steps one by one at the
//    paper's ε = 0.01 (loss, gradient norm per layer, dead ReLUs per layer), then how long each
//    takes to leave chance.
//    Then the paper's regime: its initialisations on raw mean-subtracted pixels, as the paper fed
//    them, each with its own rate sweep and five seeds.
// 2. Momentum 0.9 against 0.5 and 0, and weight decay 0.0005 against none: the training error
//    (the paper: weight decay lowers it), each arm at the rate its sweep chose on training error,
//    and weight decay against none at equal rates.
// 3. The schedule: ÷10 when the validation error stops improving, against a constant rate and
//    against fixed steps, the rates chosen on a validation split.
//
//     swift run -c release chapter-09-learning [--dataset fashion-mnist|cifar10] [--quick|--full]
import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
import Foundation
import ToolSupport

runTool("chapter-09-learning") {
    let a = Arguments(CommandLine.arguments.dropFirst(), command: "chapter-09-learning",
                      summary: "Chapter 9: initialisation and the start of training, momentum, weight decay, the learning-rate schedule.")
    let options = ChapterOptions(a)
    let heldOut = HeldOutArguments(a, steps: (normal: 250, full: 2_000), lowestRate: 0.04, seeds: (quick: 2, normal: 5, full: 7),
                                   trainImages: (quick: 2_000, normal: 5_000, full: nil), rateCount: 3)
    let firstSteps = a.integer("--first-steps", default: 100, help: "steps recorded one by one from each initialisation (--quick 20)", range: 1...100_000)
    let startSteps = a.optionalInteger("--start-steps", help: "the longest run of each initialisation waiting for its training error to leave chance (default 0: none; --full 3000)", range: 0...1_000_000)
    let scheduleSteps = a.optionalInteger("--schedule-steps", help: "steps of each schedule run (default 300; --quick 40; --full 1500)")
    let patience = a.integer("--patience", default: 2, help: "measurements (20 steps apart, or steps / --measurements) without a better validation error before the plateau rule divides the rate", range: 1...1_000)
    let scheduleChoice = a.string("--schedules", default: "plateau,constant,fixed", help: "which schedules to run: plateau, constant, fixed (comma-separated)")
    let regimeSteps = a.optionalInteger("--regime-steps", help: "steps of each run of the paper's initialisations on raw pixels (default 500; --quick 30; --full 1500)")
    let scheduleImages = a.integer("--schedule-images", default: 2_000, help: "training images of the schedule runs (more epochs, so that the validation error can level off)")
    let parts = Set(a.string("--parts", default: "start,regime,recipe,schedule", help: "which parts to run: start, regime, recipe, schedule (comma-separated)").split(separator: ",").map(String.init))
    try a.finish()
    try options.prepare()
    guard parts.isSubset(of: ["start", "regime", "recipe", "schedule"]), !parts.isEmpty else { throw UsageError("--parts: start, regime, recipe, schedule") }
    let started = Date()

    // Load: a subset of the training images less a validation split of 2,000; a probe of 1,000 of
    // them; the test split, measured at the end of each reported run.
    let data = try heldOut.data(options, validation: 2_000)
    let probe = options.probe(of: data.train, count: 1_000)
    let normalization = Normalization.standardizing(data.train)
    var recipe = try heldOut.comparison(options, trainingImages: data.train.count, quickLowest: 0.01, measurements: (normal: 5, full: 10))
    recipe.measuresTestCurve = false
    print("Learning on \(data.name): \(data.train.count) training images, validation \(data.validation!.count), test \(data.test.count)")

    // 1. The start of training from each initialisation, at the paper's rate.
    var start = StartOfTraining(rate: 0.01)
    if parts.contains("start") {
        print("The start, ε = 0.01, seeds \(recipe.reportedSeeds):")
        let horizon = startSteps ?? options.budget(quick: 0, normal: 0, full: 3_000)
        start = try StartOfTraining.measure(data, probe: probe, normalization: normalization, seeds: recipe.reportedSeeds,
                                            steps: options.quick ? min(firstSteps, 20) : firstSteps, horizon: horizon,
                                            every: max(1, horizon / 24), rate: 0.01) { print($0) }
    }

    // The paper's initialisations in the paper's regime: raw pixels less the mean image.
    var regime = recipe, regimeResults: [HeldOutComparison.ArmResult] = []
    if parts.contains("regime") {
        regime.steps = regimeSteps ?? options.budget(quick: 30, normal: 500, full: 1_500)
        regime.measureEvery = max(1, regime.steps / (heldOut.measurements ?? options.budget(quick: 3, normal: 20, full: 30)))
        regime.endWindow = HeldOutComparison.defaultEndWindow(steps: regime.steps)
        regime.sweep = RateSweep(lowest: options.quick ? 0.005 : 0.0025, count: options.quick ? 3 : 4, maximumExtensions: options.quick ? 1 : 4)
        print("The paper's initialisations on raw pixels less the mean image: \(regime.steps) steps of 128, each with its own sweep from ε = \(regime.sweep.grid[0])")
        regimeResults = try runRegimeArms(regime, data: data, probe: probe) { print($0) }
        // Not strict: a form that leaves chance at no rate has a flat sweep, whose edge means
        // nothing; the report gives every rate's training error and which runs left chance.
        try reportArms(regimeResults, strict: false)
    }

    // 2. Momentum and weight decay, by training error after `--steps` steps; then weight decay
    //    against none at equal rates.
    var recipeResults: [HeldOutComparison.ArmResult] = [], equalRates: [EqualRateDecay] = []
    if parts.contains("recipe") {
        print("Momentum and weight decay: \(recipe.steps) steps of 128 (\(String(format: "%.1f", Double(recipe.steps * 128) / Double(data.train.count))) epochs)")
        recipeResults = try runRecipeArms(recipe, data: data, probe: probe, normalization: normalization) { print($0) }
        try reportArms(recipeResults, strict: options.quick)
        equalRates = try runEqualRateDecay(recipe, recipeArms: recipeResults, data: data, probe: probe, normalization: normalization) { print($0) }
    }

    // 3. The schedule, on fewer training images for more epochs, measured every 20 steps.
    var scheduleResults: [HeldOutComparison.ArmResult] = [], scheduleData = data
    var schedule = recipe
    if parts.contains("schedule") {
        scheduleData.train = data.train.prefix(scheduleImages)
        schedule.steps = scheduleSteps ?? options.budget(quick: 40, normal: 300, full: 1_500)
        schedule.measureEvery = heldOut.measurements.map { max(1, schedule.steps / $0) } ?? (options.quick ? 10 : 20)
        print("The schedule: \(scheduleData.train.count) training images, \(schedule.steps) steps of 128, validation every \(schedule.measureEvery) steps")
        let chosen = Set(scheduleChoice.split(separator: ",").map(String.init))
        guard chosen.isSubset(of: ["plateau", "constant", "fixed"]), !chosen.isEmpty else { throw UsageError("--schedules: plateau, constant, fixed") }
        scheduleResults = try runScheduleArms(schedule, patience: patience, only: chosen, data: scheduleData, probe: options.probe(of: scheduleData.train, count: 1_000),
                                              normalization: normalization) { print($0) }
        try reportArms(scheduleResults, strict: options.quick)
    }

    // Report and plot.
    try LearningReport(data: data, scheduleData: scheduleData, start: start, regime: regime, regimeArms: regimeResults,
                       recipe: recipe, recipeArms: recipeResults, equalRates: equalRates, schedule: schedule, scheduleArms: scheduleResults, patience: patience, started: started).write(options)
}
