import Testing
@testable import AlexNetTraining

/// The JSON reader of untrusted headers: RFC 8259's grammar, strictly; order kept; repeated keys,
/// deep nesting and bad text refused with the place.
@Suite struct JSONValueTests {
    @Test func valuesOfEveryKind() throws {
        let v = try JSONValue.parse(Array(#" {"b": [1, -2.5e3, true, false, null], "a": "x\"\\\/\n\u00e9\ud83d\ude00"} "#.utf8))
        #expect(v == .object([("b", .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null])),
                              ("a", .string("x\"\\/\né😀"))]))
        #expect(JSONValue.number("4294967296").wholeNumber == 4_294_967_296)
        for notWhole in ["-1", "1.0", "1e3", "007", "9999999999999999999"] { #expect(JSONValue.number(notWhole).wholeNumber == nil, "\(notWhole)") }
    }

    @Test func badTextIsRefusedWithItsPlace() {
        let cases: [(String, String)] = [
            (#"{"a":1,"a":2}"#, "appears twice"), (#"{"a":1"#, "unexpected end"), (#"{"a":01}"#, "leading zero"),
            (#"[1,]"#, "not a JSON value"), (#"{} x"#, "text after"), (#""\ud800""#, "unpaired surrogate"),
            (#""\x""#, "unknown escape"), ("\"a\u{01}\"", "control character"), (#"[1.]"#, "after its point"),
            (#"tru"#, "expected true"), (String(repeating: "[", count: 100), "nested more than"),
        ]
        for (text, fragment) in cases {
            #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Array(text.utf8)) }
            do { _ = try JSONValue.parse(Array(text.utf8)) } catch {
                #expect((error as! JSONValue.ParseError).problem.contains(fragment), "\(text): \(error)")
            }
        }
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse([0x22, 0xFF, 0x22]) }     // not UTF-8
    }
}
