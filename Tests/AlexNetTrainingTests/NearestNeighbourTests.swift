import Testing
@testable import AlexNet
@testable import AlexNetTraining
import TestSupport

@Suite struct NearestNeighbourTests {
    /// Points on a line, with a tie: the answers can be read off by eye.
    @Test func knownNeighboursOnALine() {
        let references = Tensor<Float>(shape: [5, 1], scalars: [0, 1, 3, 7, -1])
        let queries = Tensor<Float>(shape: [2, 1], scalars: [2.75, 0])
        for found in [NearestNeighbours.search(queries: queries, references: references, k: 3),
                      NearestNeighbours.naive(queries: queries, references: references, k: 3)] {
            #expect(found[0].map(\.index) == [2, 1, 0])
            #expect(zip(found[0].map(\.distance), [0.25, 1.75, 2.75] as [Float]).allSatisfy { abs($0 - $1) < 1e-5 })
            #expect(found[1].map(\.index) == [0, 1, 4])        // 1 and −1 tie at distance 1: the smaller index first
        }
    }

    /// The fast path (a matrix product per block of references, several blocks and a ragged last
    /// one) finds the naive twin's neighbours, at its distances.
    @Test func theBlockedSearchIsTheNaiveOne() {
        let queries: Tensor<Float> = randomTensor([7, 3, 11], seed: 1)
        let references: Tensor<Float> = randomTensor([300, 3, 11], seed: 2)
        let fast = NearestNeighbours.search(queries: queries, references: references, k: 5, blockSize: 64)
        let slow = NearestNeighbours.naive(queries: queries, references: references, k: 5)
        #expect(fast.map { $0.map(\.index) } == slow.map { $0.map(\.index) })
        for (f, s) in zip(fast.joined(), slow.joined()) { #expect(abs(f.distance - s.distance) < 1e-4 * max(1, s.distance)) }
    }

    /// A query that is one of the references finds itself at distance 0 (the expansion's rounding
    /// clamped), and k beyond the references returns them all.
    @Test func aQueryFindsItselfAndKIsCapped() {
        let references: Tensor<Float> = randomTensor([20, 64], seed: 3, standardDeviation: 100)
        let query = Tensor<Float>(shape: [1, 64], scalars: Array(references.scalars[13 * 64..<14 * 64]))
        let found = NearestNeighbours.search(queries: query, references: references, k: 50)
        #expect(found[0].count == 20 && found[0][0].index == 13 && found[0][0].distance < 1e-2)
        #expect(found[0].map(\.distance) == found[0].map(\.distance).sorted())
    }
}
