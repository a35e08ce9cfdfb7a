/// The interval the book puts on every comparison of two arms of seeds: the distribution-free
/// confidence interval for a shift between two independent samples, from the exact distribution
/// of the Mann–Whitney statistic (Lehmann, *Nonparametrics*, 1975, §2.6; the interval around the
/// Hodges–Lehmann estimate).
///
/// With m runs in arm a and n in arm b, form the m·n differences bᵢ − aⱼ and sort them:
/// D₍₁₎ ≤ … ≤ D₍ₘₙ₎. If b is a shifted by Δ (any distribution, the same shape in both arms), then
/// [D₍ₖ₎, D₍ₘₙ₊₁₋ₖ₎] contains Δ with probability exactly 1 − 2·P(U ≤ k − 1), U the Mann–Whitney
/// count under no difference — a count of orderings, computed exactly below. k is the largest
/// whose coverage is still at least the confidence asked for; the coverage reached is kept
/// (``achievedConfidence``), since with few runs the steps between k are coarse:
///
/// | runs per arm | 90% interval | coverage reached |
/// |---|---|---|
/// | 2 and 2 | none: (−∞, ∞) | — (1/6 of orderings put all of b above a) |
/// | 3 and 3 | the range of all 9 differences | 0.900 |
/// | 5 and 5 | the 5th to the 21st of 25 | 0.905 |
///
/// So with three seeds an arm, "outside the noise" means the arms do not overlap, which happens by
/// chance one time in ten; the book therefore calls a difference outside the noise only with at
/// least five seeds in each arm (``outsideTheNoise``), and says "too few seeds to tell" below that
/// even when the interval misses zero. The point estimate is the Hodges–Lehmann shift, the median
/// of the m·n differences. Ties between runs make the coverage approximate (conservative).
/// A test checks the coverage by simulation.
public struct ShiftInterval: Sendable, Equatable {
    /// The Hodges–Lehmann estimate of b − a.
    public var shift: Double
    public var low: Double, high: Double
    /// The confidence asked for, and the coverage the exact interval reaches (≥ it, or 0 when no
    /// finite interval reaches it).
    public var confidence: Double, achievedConfidence: Double
    public var runsA: Int, runsB: Int

    /// The fewest runs per arm for which the book calls a difference outside the noise.
    public static let seedsForAVerdict = 5
    public static let method = "exact distribution-free interval for a shift (Mann–Whitney, around the Hodges–Lehmann estimate)"

    /// The interval for b − a. An infinite value (a run that never reached a threshold) is larger
    /// than every finite one; ∞ − ∞ counts as no difference.
    public init(_ a: [Double], _ b: [Double], confidence: Double = 0.9) {
        precondition(!a.isEmpty && !b.isEmpty, "ShiftInterval: an empty arm")
        precondition(confidence > 0 && confidence < 1, "ShiftInterval: confidence \(confidence)")
        precondition(!(a + b).contains(where: \.isNaN), "ShiftInterval: a NaN among the runs")
        let (m, n) = (a.count, b.count)
        let differences = b.flatMap { y in a.map { x in let d = y - x; return d.isNaN ? 0 : d } }.sorted()
        shift = Spread(differences).median
        let cumulative = Self.mannWhitneyCumulative(m, n)
        let tail = (1 - confidence) / 2
        // The largest k with P(U ≤ k − 1) ≤ tail; k = 0 when even the widest finite interval falls short.
        var k = 0
        while k < m * n / 2 + 1, cumulative[k] <= tail + 1e-12 { k += 1 }
        if k == 0 {
            (low, high, achievedConfidence) = (-.infinity, .infinity, 0)
        } else {
            (low, high) = (differences[k - 1], differences[m * n - k])
            achievedConfidence = 1 - 2 * cumulative[k - 1]
        }
        self.confidence = confidence
        (runsA, runsB) = (m, n)
    }

    /// Whether the interval contains 0.
    public var containsZero: Bool { low <= 0 && 0 <= high }

    /// A difference the book may call real: the interval misses 0 and each arm has at least
    /// ``seedsForAVerdict`` runs.
    public var outsideTheNoise: Bool { !containsZero && min(runsA, runsB) >= Self.seedsForAVerdict }

    /// "outside the noise", "inside the noise", or, when the interval misses 0 with fewer than
    /// five runs in an arm, "too few seeds to tell (3 and 3)".
    public var verdict: String {
        if containsZero { return "inside the noise" }
        return outsideTheNoise ? "outside the noise" : "too few seeds to tell (\(runsA) and \(runsB))"
    }

    /// P(U ≤ u) for u = 0 … m·n, U the Mann–Whitney count of pairs (aⱼ, bᵢ) with bᵢ < aⱼ when the
    /// m + n values are exchangeable: the number of orderings of m a's and n b's with u such pairs,
    /// over C(m + n, m). Counted by the recursion on the largest value (an a, adding the n b's
    /// below it, or a b, adding none): N(m, n, u) = N(m − 1, n, u − n) + N(m, n − 1, u).
    public static func mannWhitneyCumulative(_ m: Int, _ n: Int) -> [Double] {
        // counts[i][j][u] built up over i ≤ m, j ≤ n, in Doubles (exact below 2⁵³: C(60, 30) fits).
        var previous = [[Double]](repeating: [1], count: n + 1)       // i = 0: one ordering, u = 0
        for i in 1...max(1, m) where m > 0 {
            var current = [[Double]](repeating: [], count: n + 1)
            current[0] = [1]                                           // j = 0: u = 0
            for j in 1...max(1, n) where n > 0 {
                var counts = [Double](repeating: 0, count: i * j + 1)
                for (u, c) in previous[j].enumerated() where u + j < counts.count { counts[u + j] += c }   // largest is an a
                for (u, c) in current[j - 1].enumerated() { counts[u] += c }                                // largest is a b
                current[j] = counts
            }
            previous = current
        }
        let counts = previous[n]
        let total = counts.reduce(0, +)
        var running = 0.0
        return counts.map { running += $0; return running / total }
    }
}
