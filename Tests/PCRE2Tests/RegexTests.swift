import PCRE2
import Testing

@Suite struct RegexTests {
    let scratch = MatchScratch()

    func firstMatch(_ pattern: String, _ subject: [UInt8]) throws -> Match? {
        let regex = try Regex(pattern)
        return try subject.withUnsafeBufferPointer { try regex.firstMatch(in: $0, scratch: scratch) }
    }

    @Test func matchesBytesAndReportsByteRanges() throws {
        let subject = Array("Il vous reste 64.96% à lire".utf8)
        let match = try #require(try firstMatch(#"(?<percent>\d+(?:\.\d+)?)%"#, subject))
        #expect(match.range == 14..<20)
        #expect(match.groups[1] == 14..<19)
    }

    @Test func namedGroupsMayRepeatAcrossAlternatives() throws {
        let regex = try Regex(#"(?:A (?<site>\w+)|B (?<site>\w+))"#)
        #expect(regex.namedGroups["site"] == [1, 2])
        let subject = Array("B zimo".utf8)
        let match = try #require(try subject.withUnsafeBufferPointer { try regex.firstMatch(in: $0, scratch: scratch) })
        #expect(regex.range(named: "site", in: match) == 2..<6)
    }

    @Test func isJITCompiledAndUnicodeAware() throws {
        let regex = try Regex(#"^\w+$"#)
        #expect(regex.isJITCompiled)
        #expect(try firstMatch(#"^\w+$"#, Array("réservée".utf8)) != nil)
        #expect(try firstMatch(#"(?i)^RÉSERVÉE$"#, Array("réservée".utf8)) != nil)
    }

    /// A start limit stops the search at that byte: a match starting there is found, one starting after it is not,
    /// and the next search with no limit finds it again (the scratch does not keep the limit).
    @Test func startLimitBoundsWhereAMatchStarts() throws {
        let regex = try Regex(#"read more"#)
        let subject = Array("Xx read more. Yy read more".utf8)
        func first(from start: Int, limit: Int?) throws -> Range<Int>? {
            try subject.withUnsafeBufferPointer { try regex.firstMatch(in: $0, from: start, startLimit: limit, scratch: scratch)?.range }
        }
        #expect(try first(from: 4, limit: 17) == 17..<26)
        #expect(try first(from: 4, limit: 16) == nil)
        #expect(try first(from: 4, limit: nil) == 17..<26)
        #expect(try first(from: 0, limit: 3) == 3..<12)
    }

    @Test func compileErrorReportsTheOffset() {
        #expect(throws: CompileError.self) { try Regex("abc(def") }
        do {
            _ = try Regex("ab[c")
            Issue.record("expected a compile error")
        } catch {
            #expect(error.offset == 4)
            #expect(error.message.contains("terminat"))
        }
    }

    @Test func invalidUTF8NeverMatchesButDoesNotStopTheSearch() throws {
        let subject: [UInt8] = [0x61, 0xFF, 0xFE, 0x62, 0x63]  // a, invalid, invalid, b, c
        let match = try #require(try firstMatch("bc", subject))
        #expect(match.range == 3..<5)
        #expect(try firstMatch(".{3}", subject) == nil)
    }

    @Test func catastrophicPatternHitsTheMatchLimit() throws {
        let regex = try Regex("^(a+)+$", jit: false)
        let subject = Array(String(repeating: "a", count: 40).utf8) + [0x21]
        #expect(throws: MatchError.self) {
            try subject.withUnsafeBufferPointer { try regex.firstMatch(in: $0, scratch: MatchScratch(limits: .init(match: 10_000))) }
        }
        let jitted = try Regex("^(a+)+$")
        #expect(throws: MatchError.matchLimit) {
            try subject.withUnsafeBufferPointer { try jitted.firstMatch(in: $0, scratch: MatchScratch(limits: .init(match: 10_000))) }
        }
    }

    @Test func emptySubject() throws {
        #expect(try firstMatch("^$", []) != nil)
        #expect(try firstMatch("a", []) == nil)
    }
}
