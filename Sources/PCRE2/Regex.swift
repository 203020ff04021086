import CPCRE2
import Synchronization

/// A compiled PCRE2 pattern (8-bit code units), JIT-compiled when the platform allows and the pattern is used enough.
///
/// A ``init(deferred:options:jit:)`` pattern compiles at its first use, and PCRE2's interpreter runs a pattern's
/// matches until they have taken ``jitAfterCompileTimes`` times as long as compiling it: JIT compilation waits until
/// a pattern has proved worth it. A catalogue of hundreds of rules, most of which never meet a line of a given input
/// and many of which meet a few, starts without paying for them (JIT-compiling a rule costs as much as dozens of
/// interpreted matches of it on a news line).
///
/// Both engines give the same match; they differ only in how they count towards the limits that stop a runaway
/// search. So that a result never depends on which engine a pattern had reached, a search one engine stops at a limit
/// is run again by the other: JIT code first, and the interpreter where it fails (or is not there yet), and only
/// when both fail does the search fail (with the JIT's error where there is JIT code).
///
/// A `Regex` is immutable after compilation and can be shared between threads; each thread brings its
/// own ``MatchScratch`` to match with. Subjects are UTF-8 bytes; with ``Options/matchInvalidUTF`` invalid
/// sequences never match anything but do not stop the search.
public final class Regex: @unchecked Sendable {
    /// Compile options.
    public struct Options: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let utf = Options(rawValue: UInt32(PCRE2_UTF))
        public static let ucp = Options(rawValue: UInt32(PCRE2_UCP))
        public static let matchInvalidUTF = Options(rawValue: UInt32(PCRE2_MATCH_INVALID_UTF))
        public static let caseless = Options(rawValue: UInt32(PCRE2_CASELESS))
        public static let dupNames = Options(rawValue: UInt32(PCRE2_DUPNAMES))
        public static let multiline = Options(rawValue: UInt32(PCRE2_MULTILINE))
        /// Lets a match pass `startLimit` (PCRE2_USE_OFFSET_LIMIT).
        public static let useOffsetLimit = Options(rawValue: UInt32(PCRE2_USE_OFFSET_LIMIT))
        /// What boilerstrip uses: Unicode-aware, tolerant of invalid UTF-8, duplicate capture names allowed, start
        /// limits allowed.
        public static let standard: Options = [.utf, .ucp, .matchInvalidUTF, .dupNames, .useOffsetLimit]
    }

    /// The pattern as given.
    public let pattern: String
    /// Capture group numbers by name (several when the pattern uses a name more than once); compiles a deferred
    /// pattern.
    public var namedGroups: [String: [Int]] { compileOnce(); return names }
    /// The number of capture groups (not counting the whole match); compiles a deferred pattern.
    public var captureCount: Int { compileOnce(); return groupCount }
    /// Whether compiling the pattern was done (or tried, for one that does not compile), without compiling it: a
    /// deferred pattern compiles at its first use.
    public var isCompiled: Bool { state.load(ordering: .acquiring) != 0 }
    /// Whether the pattern has JIT code, without compiling anything.
    public var hasJITCode: Bool { state.load(ordering: .acquiring) == Regex.jitDone }
    /// Whether the pattern is JIT-compiled (JIT-compiling it now, and compiling it first, if that has not happened yet).
    public var isJITCompiled: Bool { compileJITOnce() }
    /// Nanoseconds spent compiling the pattern and JIT-compiling it, so far.
    public var compileNanoseconds: UInt64 { compileTime.load(ordering: .relaxed) }

    /// How much longer than compiling a pattern took its interpreted matches may take before it is JIT-compiled:
    /// JIT-compiling takes about three times as long as compiling (10.3 against 2.6 ms for the 146 patterns 20 MB of
    /// the corpus reach), so a pattern pays for its JIT code once the interpreter has cost what that code would have
    /// (the ski-rental rule: never more than twice the cheaper choice). On that input the interpreter took 15.8 ms
    /// for the 9,535 matches that JIT code ran in 4.7 ms, but most of that in a few rules; a rule that reaches PCRE2
    /// a dozen times never makes up for its JIT code.
    public static let jitAfterCompileTimes: UInt64 = 3

    /// The compile options.
    public let options: Options
    private let wantsJIT: Bool
    /// What compiling gave. Written once, under `lock`, before `state` leaves 0 (a releasing store); read once
    /// `state` is seen past 0 (an acquiring load) or under `lock`. `code` is never JIT-compiled: the interpreter
    /// matches with it while another thread may be JIT-compiling `jitCode`, its copy.
    private var code: OpaquePointer?
    private var jitCode: OpaquePointer?
    private var groupCount = 0
    private var names: [String: [Int]] = [:]
    private var failure: CompileError?
    /// 0 until compiled; `compiled` while the interpreter matches; then `jitDone` or `jitUnavailable` (`failed`:
    /// the pattern does not compile).
    private let state = Atomic<Int>(0)
    /// Nanoseconds the interpreter spent matching, counted until the pattern is JIT-compiled.
    private let interpreted = Atomic<UInt64>(0)
    private let compileTime = Atomic<UInt64>(0)
    private let lock = Mutex<Void>(())
    private static let compiled = 1, jitDone = 2, jitUnavailable = 3, failed = 4

    /// Compiles the pattern if that has not happened yet; says whether there is code to match with.
    @discardableResult
    func compileOnce() -> Bool {
        if state.load(ordering: .acquiring) == 0 { lock.withLock { _ in if state.load(ordering: .acquiring) == 0 { compileLocked() } } }
        return code != nil
    }

    /// JIT-compiles a copy of the pattern (compiling it first if it was deferred), once, and says whether JIT code is
    /// there to call. Other threads go on matching with the interpreter's copy meanwhile; those that want the JIT code
    /// wait for the first one.
    @discardableResult
    func compileJITOnce() -> Bool {
        let current = state.load(ordering: .acquiring)
        if current >= Regex.jitDone { return current == Regex.jitDone }
        return lock.withLock { _ in
            if state.load(ordering: .acquiring) == 0 { compileLocked() }
            let current = state.load(ordering: .acquiring)
            guard current == Regex.compiled, let code else { return current == Regex.jitDone }
            let started = ContinuousClock.now
            var copy: OpaquePointer? = nil
            if wantsJIT, let made = pcre2_code_copy_8(code) {
                if pcre2_jit_compile_8(made, UInt32(PCRE2_JIT_COMPLETE)) == 0 { copy = made } else { pcre2_code_free_8(made) }
            }
            jitCode = copy
            compileTime.add(Regex.nanoseconds(since: started), ordering: .relaxed)
            state.store(copy != nil ? Regex.jitDone : Regex.jitUnavailable, ordering: .releasing)
            return copy != nil
        }
    }

    static func nanoseconds(since start: ContinuousClock.Instant) -> UInt64 {
        let elapsed = (ContinuousClock.now - start).components
        return UInt64(max(0, elapsed.seconds)) &* 1_000_000_000 &+ UInt64(max(0, elapsed.attoseconds / 1_000_000_000))
    }

    /// Compiles `pattern` now.
    /// - Throws: ``CompileError`` with the byte offset in `pattern` where PCRE2 stopped.
    public convenience init(_ pattern: String, options: Options = .standard, jit: Bool = true) throws(CompileError) {
        self.init(deferred: pattern, options: options, jit: jit)
        if !compileOnce(), let failure { throw failure }
    }

    /// A pattern compiled at its first use (a match, or a question about its groups): for patterns known to
    /// compile, so that a catalogue of hundreds starts without compiling those an input never needs. If it does
    /// not compile after all, every match throws ``MatchError/failed(code:message:)`` with PCRE2's message.
    public init(deferred pattern: String, options: Options = .standard, jit: Bool = true) {
        self.pattern = pattern
        self.options = options
        wantsJIT = jit
    }

    /// Compiles the pattern and reads its groups; the caller holds `lock` and has seen `state` at 0.
    private func compileLocked() {
        let started = ContinuousClock.now
        defer { compileTime.add(Regex.nanoseconds(since: started), ordering: .relaxed) }
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let compiled: OpaquePointer? = pattern.utf8.withContiguousStorageIfAvailable { bytes in
            pcre2_compile_8(bytes.baseAddress, bytes.count, options.rawValue, &errorCode, &errorOffset, nil)
        } ?? {
            var copy = Array(pattern.utf8)
            return copy.withUnsafeMutableBufferPointer { bytes in
                pcre2_compile_8(bytes.baseAddress, bytes.count, options.rawValue, &errorCode, &errorOffset, nil)
            }
        }()
        guard let compiled else {
            failure = CompileError(offset: errorOffset, message: Regex.message(for: errorCode))
            state.store(Regex.failed, ordering: .releasing)
            return
        }
        var count: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        groupCount = Int(count)

        var nameCount: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafePointer<UInt8>? = nil
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMECOUNT), &nameCount)
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMETABLE), &table)
        var names: [String: [Int]] = [:]
        if let table, nameCount > 0 {
            for entry in 0..<Int(nameCount) {
                let base = table + entry * Int(entrySize)
                let group = Int(base[0]) << 8 | Int(base[1])
                var length = 0
                while length < Int(entrySize) - 2 && base[2 + length] != 0 { length += 1 }
                let name = String(decoding: UnsafeBufferPointer(start: base + 2, count: length), as: UTF8.self)
                names[name, default: []].append(group)
            }
        }
        self.names = names
        code = compiled
        state.store(Regex.compiled, ordering: .releasing)
    }

    deinit {
        if let code { pcre2_code_free_8(code) }
        if let jitCode { pcre2_code_free_8(jitCode) }
    }

    /// Finds the first match in `subject` at or after byte `start`.
    ///
    /// `^` and `$` refer to the bounds of `subject`; pass a slice to match one line. With `startLimit`, only
    /// matches that start at or before that byte are looked for (PCRE2's offset limit; the pattern must have been
    /// compiled with ``Options/useOffsetLimit``): the search stops there instead of trying every later start.
    /// - Returns: the match, or nil.
    /// - Throws: ``MatchError`` when a limit stopped the search or PCRE2 failed.
    public func firstMatch(
        in subject: UnsafeBufferPointer<UInt8>, from start: Int = 0, startLimit: Int? = nil, scratch: MatchScratch
    ) throws(MatchError) -> Match? {
        let rc = try search(subject, from: start, startLimit: startLimit, scratch: scratch)
        guard rc > 0 else { return nil }
        var ranges: [Range<Int>?] = []
        ranges.reserveCapacity(groupCount + 1)
        for group in 0...groupCount { ranges.append(scratch.range(ofGroup: group, among: Int(rc))) }
        return Match(groups: ranges)
    }

    /// The byte range of the first match at or after byte `start`, as ``firstMatch(in:from:startLimit:scratch:)``
    /// finds it, without building the list of its groups (an allocation a match): read a group's range with
    /// ``MatchScratch/lastMatch(group:)`` before the scratch's next match.
    public func firstMatchRange(
        in subject: UnsafeBufferPointer<UInt8>, from start: Int = 0, startLimit: Int? = nil, scratch: MatchScratch
    ) throws(MatchError) -> Range<Int>? {
        let rc = try search(subject, from: start, startLimit: startLimit, scratch: scratch)
        guard rc > 0 else { return nil }
        return scratch.range(ofGroup: 0, among: Int(rc))
    }

    /// Runs the match; returns PCRE2's count of the groups set (0: no match), which the scratch keeps for its groups.
    private func search(_ subject: UnsafeBufferPointer<UInt8>, from start: Int, startLimit: Int?, scratch: MatchScratch) throws(MatchError) -> Int32 {
        var current = state.load(ordering: .acquiring)
        if current < Regex.jitDone {
            if current == 0 { compileOnce(); current = state.load(ordering: .acquiring) }
            if current == Regex.compiled, wantsJIT,
               interpreted.load(ordering: .relaxed) >= compileTime.load(ordering: .relaxed) &* Regex.jitAfterCompileTimes {
                current = compileJITOnce() ? Regex.jitDone : Regex.jitUnavailable
            }
        }
        guard let code else {
            throw .failed(code: 0, message: "the pattern does not compile: \(failure?.description ?? "")")
        }
        scratch.reserve(groups: groupCount)
        scratch.setStartLimit(startLimit)
        // An empty buffer may have a nil base address; PCRE2 wants a valid pointer.
        let base = subject.baseAddress ?? MatchScratch.emptySubject
        // JIT code is called directly: pcre2_match would check the options and the pattern before passing on to it.
        func jit(_ jitCode: OpaquePointer) -> Int32 {
            pcre2_jit_match_8(jitCode, base, subject.count, start, 0, scratch.matchData, scratch.context)
        }
        func interpret() -> Int32 { pcre2_match_8(code, base, subject.count, start, 0, scratch.matchData, scratch.context) }
        var rc: Int32
        if current == Regex.jitDone, let jitCode {
            rc = jit(jitCode)
            if Regex.stoppedAtLimit(rc) {
                let interpreted = interpret()
                if !Regex.stoppedAtLimit(interpreted) { rc = interpreted }
            }
        } else {
            let started = ContinuousClock.now
            rc = interpret()
            if wantsJIT { interpreted.add(Regex.nanoseconds(since: started), ordering: .relaxed) }
            // The JIT code's answer where the interpreter gave none, as if the pattern had been JIT-compiled already.
            if Regex.stoppedAtLimit(rc), wantsJIT, compileJITOnce(), let jitCode { rc = jit(jitCode) }
        }
        scratch.lastCount = 0
        if rc == PCRE2_ERROR_NOMATCH { return 0 }
        if rc < 0 {
            switch rc {
            case PCRE2_ERROR_MATCHLIMIT: throw .matchLimit
            case PCRE2_ERROR_DEPTHLIMIT: throw .depthLimit
            case PCRE2_ERROR_HEAPLIMIT: throw .heapLimit
            case PCRE2_ERROR_JIT_STACKLIMIT: throw .jitStackLimit
            default: throw .failed(code: Int(rc), message: Regex.message(for: rc))
            }
        }
        scratch.lastCount = Int(rc)
        return rc
    }

    /// Whether a search stopped at a limit (of matching calls, depth, heap or JIT stack) rather than finishing.
    private static func stoppedAtLimit(_ rc: Int32) -> Bool {
        rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT
    }

    /// Whether the pattern matches anywhere in `subject`.
    public func matches(_ subject: UnsafeBufferPointer<UInt8>, scratch: MatchScratch) throws(MatchError) -> Bool {
        try firstMatch(in: subject, scratch: scratch) != nil
    }

    /// The byte range of the named group in `match`: the first of its numbers that took part.
    public func range(named name: String, in match: Match) -> Range<Int>? {
        namedGroups[name].flatMap(match.firstRange(among:))
    }

    static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer { pcre2_get_error_message_8(code, $0.baseAddress, 256) }
        return length > 0 ? String(decoding: buffer[0..<Int(length)], as: UTF8.self) : "PCRE2 error \(code)"
    }
}

/// PCRE2_UNSET (~(size_t)0) as Swift sees a PCRE2_SIZE.
let PCRE2Unset = ~0

/// A successful match: byte ranges of the whole match (group 0) and of each capture group.
public struct Match: Sendable, Equatable {
    public let groups: [Range<Int>?]
    /// The whole match.
    public var range: Range<Int> { groups[0]! }

    /// The range of the first of `numbers` whose group took part: what a name given to several groups captured.
    public func firstRange(among numbers: [Int]) -> Range<Int>? { firstTakingPart(among: numbers) { groups[$0] } }
}

/// The range of the first of `numbers` whose group took part (`range` gives a group's, nil when it took none): what a
/// name given to several groups captured (``Match/firstRange(among:)``, ``MatchScratch/lastMatch(firstOf:)``).
@inline(__always)
func firstTakingPart(among numbers: [Int], _ range: (Int) -> Range<Int>?) -> Range<Int>? {
    for group in numbers { if let found = range(group) { return found } }
    return nil
}

/// Why a pattern did not compile, with the byte offset in the pattern where PCRE2 stopped.
public struct CompileError: Error, Equatable, CustomStringConvertible {
    public let offset: Int
    public let message: String
    public var description: String { "\(message) at offset \(offset)" }
}

/// Why a match attempt failed (as opposed to finding no match).
public enum MatchError: Error, Equatable, CustomStringConvertible {
    case matchLimit, depthLimit, heapLimit, jitStackLimit
    case failed(code: Int, message: String)

    public var description: String {
        switch self {
        case .matchLimit: "match limit exceeded (catastrophic backtracking?)"
        case .depthLimit: "depth limit exceeded"
        case .heapLimit: "heap limit exceeded"
        case .jitStackLimit: "JIT stack limit exceeded"
        case let .failed(code, message): "PCRE2 error \(code): \(message)"
        }
    }
}
