import Testing
@testable import AlexNet
@testable import AlexNetChecks
import TestSupport

/// The suite chapter 2 prints must hold what it claims: every layer under the tolerance in
/// Double, and Float far worse (which is why checks run in Double).
@Suite struct LayerGradientSuiteTests {
    @Test func everyLayerPassesInDouble() {
        let cases = GradientCheck.layerCases(Double.self)
        #expect(cases.count == 14)
        for c in cases {
            let error = c.worstRelativeError()
            #expect(error < gradientTolerance, "\(c.name): \(error)")
        }
    }

    @Test func floatIsOnlyAccurateToAboutOnePartInAThousand() {
        let errors = GradientCheck.layerCases(Float.self).map { $0.worstRelativeError() }
        #expect(errors.allSatisfy { $0 < 0.1 })
        #expect(errors.max()! > 1e-5)
    }
}
