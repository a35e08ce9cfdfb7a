import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining

/// The learning-rate schedule (Section 5): divide by 10 when the validation error stops
/// improving, three times at most, against a constant rate and against divisions at fixed
/// points (about half, three quarters and nine tenths of the run). Each arm's starting rate by its own
/// sweep on the validation split; the schedule acts on the same validation measurements.
func schedules(measurements: Int, patience: Int) -> [(key: String, name: String, schedule: LearningRateSchedule.Kind)] {
    [("plateau", "divide on plateau", .plateau(patience: patience, maximumReductions: 3)),
     ("constant", "constant", .constant),
     ("fixed", "divide at fixed steps", .steps(atEpochs: [measurements / 2, measurements * 3 / 4, measurements * 9 / 10]))]
}

func runScheduleArms(_ base: HeldOutComparison, patience: Int, only: Set<String>, data: Dataset, probe: DatasetSplit, normalization: Normalization,
                     log: (String) -> Void) throws -> [HeldOutComparison.ArmResult] {
    let measurements = base.steps / base.measureEvery
    return try schedules(measurements: measurements, patience: patience).filter { only.contains($0.key) }.map { arm in
        var comparison = base
        comparison.schedule = arm.schedule
        let built = Arm(arm.name, normalization: normalization) { seed in
            try AlexNetModel<Float>(chapterNetwork(data, initialisation: .he, seed: seed))
        }
        return try comparison.run(built, on: data, probe: probe, log: log)
    }
}
