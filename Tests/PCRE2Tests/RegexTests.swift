import Dispatch
import PCRE2
import Synchronization
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
        // When several groups of the name took part, the first one counts.
        let both = try Regex(#"(?<s>a)?(?<s>b)"#)
        for (text, expected) in [("ab", 0..<1), ("b", 0..<1)] {
            let subject = Array(text.utf8)
            let match = try #require(try subject.withUnsafeBufferPointer { try both.firstMatch(in: $0, scratch: scratch) })
            #expect(both.range(named: "s", in: match) == expected, "\(text)")
            #expect(match.firstRange(among: [2, 1]) == (text == "ab" ? 1..<2 : 0..<1), "\(text)")
        }
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

    /// A deferred pattern compiles at its first use and then behaves as one compiled at once; its groups are known
    /// when asked for.
    @Test func aDeferredPatternCompilesAtItsFirstUse() throws {
        let subject = Array("L’article X est apparu en premier sur zimo news.".utf8)
        let pattern = #"apparu en premier sur (?<site>[^.]+)\.$"#
        let deferred = Regex(deferred: pattern)
        let match = try #require(try subject.withUnsafeBufferPointer { try deferred.firstMatch(in: $0, scratch: scratch) })
        let eager = try #require(try firstMatch(pattern, subject))
        #expect(match.groups == eager.groups)
        #expect(deferred.isJITCompiled)
        #expect(Regex(deferred: pattern).namedGroups == ["site": [1]])
        #expect(Regex(deferred: pattern).captureCount == 1)
    }

    /// Threads that meet a deferred pattern at once compile it once and all match with it.
    @Test func aDeferredPatternIsCompiledOnceUnderConcurrentFirstUse() throws {
        for _ in 0..<20 {
            let regex = Regex(deferred: #"(?i)réservée aux (?<who>abonnés)"#)
            let subject = Array("La suite est réservée aux abonnés.".utf8)
            let ranges = Mutex<[Range<Int>?]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                let scratch = MatchScratch()
                let range = try? subject.withUnsafeBufferPointer { try regex.firstMatch(in: $0, scratch: scratch)?.groups[1] }
                ranges.withLock { $0.append(range ?? nil) }
            }
            let abonnes = Array("La suite est réservée aux ".utf8).count
            #expect(ranges.withLock { $0 } == [Range<Int>?](repeating: abonnes..<(abonnes + Array("abonnés".utf8).count), count: 8))
        }
    }

    /// A deferred pattern that does not compile fails every match with PCRE2's message, and has no groups.
    @Test func aDeferredPatternThatDoesNotCompileFailsEachMatch() {
        let regex = Regex(deferred: "ab[c")
        let subject = Array("abc".utf8)
        for _ in 0..<2 {
            do {
                _ = try subject.withUnsafeBufferPointer { try regex.firstMatch(in: $0, scratch: scratch) }
                Issue.record("expected a failure")
            } catch {
                #expect("\(error)".contains("does not compile") && "\(error)".contains("terminat"), "\(error)")
            }
        }
        #expect(regex.captureCount == 0 && regex.namedGroups.isEmpty && !regex.isJITCompiled)
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

    /// A pattern runs the interpreter first: one match leaves it without JIT code, and it gets JIT code once its
    /// matches have taken a few times as long as compiling it, the same matches found before and after.
    @Test func aPatternIsJITCompiledOnceUsedEnough() throws {
        let regex = Regex(deferred: #"(?i)\bla suite est (?<who>réservée aux abonnés)"#)
        let before = Array("Il vous reste 64.96% de cet article à lire. ".utf8), notice = Array("La suite est réservée aux abonnés".utf8)
        let subject = before + notice + Array(".".utf8)
        let expected = before.count..<(before.count + notice.count)
        func match() throws -> Range<Int>? { try subject.withUnsafeBufferPointer { try regex.firstMatch(in: $0, scratch: scratch)?.range } }
        #expect(try match() == expected)
        #expect(regex.isCompiled && !regex.hasJITCode)
        var uses = 1
        while !regex.hasJITCode && uses < 1_000_000 {
            #expect(try match() == expected)
            uses += 1
        }
        #expect(regex.hasJITCode, "still interpreted after \(uses) matches")
        #expect(uses > 1 && regex.compileNanoseconds > 0)
        #expect(try match() == expected)
    }

    /// Threads that match with one pattern while it passes from the interpreter to JIT code (one of them JIT-compiling
    /// a copy while the others go on interpreting) all find the same match at every step.
    @Test func threadsMatchWhileAPatternIsJITCompiled() throws {
        for _ in 0..<5 {
            let regex = Regex(deferred: #"(?i)\b(?:read|lire) (?:more|la suite)\b"#)
            let subject = Array("Le conseil a voté. Lire la suite".utf8)
            let found = Mutex<Set<Range<Int>?>>([])
            DispatchQueue.concurrentPerform(iterations: 4) { _ in
                let scratch = MatchScratch()
                var seen = Set<Range<Int>?>()
                for _ in 0..<20_000 {
                    seen.insert(try? subject.withUnsafeBufferPointer { try regex.firstMatch(in: $0, scratch: scratch)?.range })
                }
                found.withLock { $0.formUnion(seen) }
            }
            #expect(regex.hasJITCode)
            let start = Array("Le conseil a voté. ".utf8).count
            #expect(found.withLock { $0 } == [start..<subject.count])
        }
    }

    /// Where one engine stops at a limit and the other does not, the match is the other's, whichever engine the
    /// pattern has reached: the interpreter runs out of backtracking depth on a long run of `(?:a|b)`, JIT code does not
    /// count depth. Without JIT the interpreter's error stands.
    @Test func aSearchOneEngineStopsAtALimitIsTheOtherEngines() throws {
        let subject = Array(String(repeating: "ab", count: 500).utf8)
        let shallow = MatchScratch(limits: .init(depth: 50))
        let lazy = Regex(deferred: #"^(?:a|b)*$"#)
        let first = try subject.withUnsafeBufferPointer { try lazy.firstMatch(in: $0, scratch: shallow)?.range }
        #expect(first == 0..<1_000)
        #expect(lazy.hasJITCode)
        let again = try subject.withUnsafeBufferPointer { try lazy.firstMatch(in: $0, scratch: shallow)?.range }
        #expect(again == 0..<1_000)
        let interpreted = try Regex(#"^(?:a|b)*$"#, jit: false)
        #expect(throws: MatchError.depthLimit) {
            try subject.withUnsafeBufferPointer { try interpreted.firstMatch(in: $0, scratch: shallow) }
        }
        #expect(!interpreted.isJITCompiled)
    }

    @Test func emptySubject() throws {
        #expect(try firstMatch("^$", []) != nil)
        #expect(try firstMatch("a", []) == nil)
    }
}
