import Foundation
import Testing
@testable import AlexNet
@testable import AlexNetData
@testable import AlexNetTraining
import TestSupport

@Suite struct TenViewAveragingTests {
    @Test func averagingSoftmaxOverViews() {
        let a = Tensor<Double>(shape: [1, 2], scalars: [0, 0])                 // softmax (0.5, 0.5)
        let b = Tensor<Double>(shape: [1, 2], scalars: [Foundation.log(3), 0])   // softmax (0.75, 0.25)
        let p = averagedProbabilities([a, b])
        #expect(abs(p.scalars[0] - 0.625) < 1e-15 && abs(p.scalars[1] - 0.375) < 1e-15)
    }
}

@Suite struct ProgressDisplayTests {
    @Test func durations() {
        #expect(ProgressDisplay.duration(12.4) == "12s")
        #expect(ProgressDisplay.duration(247) == "4:07")
        #expect(ProgressDisplay.duration(3903) == "1:05:03")
        #expect(ProgressDisplay.duration(.infinity) == "?")
    }
}

@Suite struct CSVTests {
    @Test func quotingRoundTrip() throws {
        var table = CSVTable(header: ["name", "value"])
        table.append(["plain", "1"])
        table.append(["with, comma", "2.5"])
        table.append(["with \"quotes\"", "-3"])
        table.append(["two\nlines", ""])
        #expect(table.text == "name,value\nplain,1\n\"with, comma\",2.5\n\"with \"\"quotes\"\"\",-3\n\"two\nlines\",\n")
        let parsed = try CSVTable(parsing: table.text)
        #expect(parsed == table)
        #expect(try parsed.column("value").prefix(3).map { Double($0)! } == [1, 2.5, -3])
        #expect(throws: CSVError.self) { try parsed.numbers("value") }     // the empty cell
    }

    @Test func crlfAndNoFinalNewline() throws {
        let parsed = try CSVTable(parsing: "a,b\r\n1,2\r\n3,4")
        #expect(parsed.rows == [["1", "2"], ["3", "4"]])
    }

    @Test func malformedCSVIsRefusedWithItsLine() {
        #expect(throws: CSVError.self) { try CSVTable(parsing: "a,b\n1,2,3\n") }
        #expect(throws: CSVError.self) { try CSVTable(parsing: "a,b\n\"open,2\n") }
        #expect(throws: CSVError.self) { try CSVTable(parsing: "a,b\nx\"y,2\n") }
        #expect(throws: CSVError.self) { try CSVTable(parsing: "") }
        let error = try? CSVTable(parsing: "a,b\n1,2\n3\n")
        #expect(error == nil)
        do { _ = try CSVTable(parsing: "a,b\n1,2\n3\n") } catch let e as CSVError { #expect(e.line == 3) } catch {}
        #expect(throws: CSVError.self) { try CSVTable(header: ["a"]).numbers("missing") }
    }

    @Test func numbersAreWrittenShortest() {
        #expect(CSVTable.format(3) == "3")
        #expect(CSVTable.format(0.1) == "0.1")
        #expect(CSVTable.format(.nan) == "nan")
    }
}
