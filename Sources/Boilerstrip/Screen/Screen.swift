import SIMDKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Picks, in one pass over a document's bytes, the (line, rule) pairs that can match.
///
/// A ``LiteralFilter`` finds every occurrence of the rules' literals (case folded, see `fold`); an occurrence that
/// fits its boundaries and spelling marks its group as met on its line, and a rule is a candidate for a line when
/// every one of its literal groups (see ``Rule/screenLiterals``) occurs there. Groups with a one-byte literal
/// ("(", "/") or a two-byte literal free in front ("©") stay out of the filter, where they would let almost every
/// line through: they are looked for in the line once the rule's filtered groups were met, and a rule with nothing
/// else is screened by `memchr` alone. So are later groups of short words behind a selective first group
/// (``checkedOnLine(_:after:)``). A rule without literals is a candidate for every non-blank line.
///
/// Invariant: the screen may let through pairs that do not match, never hide one that does. The test suite
/// checks it on every rule example and its variants, and the filter against a naive search.
public final class Screen: Sendable {
    /// Finds the literals of the rules' groups.
    let filter: LiteralFilter
    /// The outputs of filter pattern `p` are `outputs[outputStart[p]..<outputStart[p + 1]]`.
    private let outputStart: [Int32]
    /// Each output: rule << 3 | group in the low 32 bits, the literal's length from bit 32. Its boundaries and exact
    /// spelling are the filter's pattern's own (``LiteralFilter/Pattern``): it reports only occurrences that keep them.
    private let outputs: [UInt64]
    /// For each rule, the bit mask of its filtered groups: met when a line holds all of them.
    private let groupMasks: [UInt8]
    /// Per rule, the groups looked for in a line once its filtered groups (or byte screen) were met: rule `r`'s are
    /// `otherGroups[otherStart[r]..<otherStart[r + 1]]`, each read through a reference it does not count (a copy of
    /// a group, at every line a rule met, counted its four arrays' references); `otherShared` keeps them alive.
    private let otherStart: [Int32]
    private let otherGroups: [Unmanaged<Shared<LiteralGroup>>]
    private let otherShared: [Shared<LiteralGroup>]
    /// Rules screened by `memchr` for a group's literals instead of the filter (none fills a window).
    private let byteScreened: [ByteScreened]
    /// What keeps the groups of `byteScreened` alive: the loop over them reads each through a reference it does not
    /// count (a copy of a group retained its two arrays, shared by every job: 19 counts a document, from both cores).
    private let byteScreenedGroups: [Shared<LiteralGroup>]
    /// Rules that the screen cannot pre-filter.
    public let unscreened: [Int32]
    /// Per rule, whether its first filtered group bounds where a match starts (``Rule/literalsBoundStart``).
    private let bounding: [Bool]
    /// Per rule, how far before an occurrence of its first filtered group a match can start, in non-spacing characters
    /// (``Rule/literalReach``; -1: no bound): the group whose first occurrence ``Candidate/firstLiteral`` gives.
    public let literalReaches: [Int]
    /// Per rule whose matches end their line, the most non-spacing characters from the start of its first filtered
    /// group's literal to the end of a match (``Rule/literalTail``; -1: no bound): an occurrence further from the end
    /// of its line does not count towards the rule's groups there (it still bounds where a match starts).
    private let literalTails: [Int]
    /// The longest ``literalTails`` bound checked.
    static let longestTail = 128
    /// Per rule, four words of the bytes its lines can begin with (``Rule/lineStart``; all of them for a rule whose
    /// matches may start anywhere): a line that begins with another byte is no candidate for it.
    private let lineStarts: [UInt64]
    /// Per rule whose every match is a whole line (it starts and ends its line), the most non-spacing characters a
    /// match holds (``Rule/matchReach``; -1: no bound, or not such a rule): a longer line is no candidate for it.
    private let wholeLineReaches: [Int]
    /// The bytes that the rules looked for by `memchr` in the whole text begin with ("©" and "&copy;", an AFP desk
    /// slug's "/"), for documents to note in the pass that splits them (``Document/init(bytes:marking:)``); nil where
    /// there are none, or they do not fit a marking.
    let marking: Marking?

    /// A rule screened by `memchr`, its group read through a reference it does not count (`byteScreenedGroups`).
    struct ByteScreened {
        let rule: Int32
        let group: Unmanaged<Shared<LiteralGroup>>
        /// For a rule whose matches end their line and hold the literal: how far before the end of the line a match can
        /// start (``Rule/matchReach``; -1: no bound), and the bytes it is made of (``Rule/matchBytes``).
        let endReach: Int
        let endBytes: ByteSet?
        /// Whether its lines must begin with some bytes (``Rule/lineStart``): such a rule is looked for in the lines
        /// that begin right alone, not in the whole text, and a line counts only where its first literal is as near its
        /// start as a match's can be (`literalReaches`, where its literals bound the start).
        let byLine: Bool
        /// Whether the bytes its group's literals begin with are the screen's ``Screen/marking``'s: where a document
        /// noted them, its occurrences are looked for only there.
        let marked: Bool
    }

    /// Literals of which one must occur, folded.
    struct LiteralGroup: Sendable {
        let literals: [(bytes: [UInt8], before: Bool, after: Bool, exact: [UInt8]?)]
        /// The literals by their first byte, in order of first appearance: the ones that share it are looked for in
        /// one pass (".jp", ".png", ".gif", ".webp" stop at each period once, not four times). For a letter, the
        /// second bytes they can have (folded; at most four, none when one is a single byte): the pass then stops only
        /// where both bytes fit. And the length of its shortest literal (read at each search: a line's, for a rule looked
        /// for line by line).
        let byFirstByte: [(first: UInt8, literals: Range<Int>, seconds: Range<Int>, shortest: Int)]
        /// The literals of each pass of `byFirstByte` (indices in `literals`) and their second bytes, one after the
        /// other: a pass's ranges index them, so that the search reads no array of a pass of its own (each a
        /// reference count at every search).
        let passLiterals: [Int]
        let passSeconds: [UInt8]
        /// For two to four passes whose first bytes are not letters ("…", "...", "»", "&hellip;" after a German
        /// teaser's "mehr"; the image slug's "-" and "_"): those bytes, the first in the low byte, looked for in one
        /// search (``boilerstrip_first_of_followed``) rather than one `memchr` pass each; 0 for the other groups, and
        /// where the search would take a byte at a time (no AVX-512, and a pass with a follower: under valgrind such a
        /// search took more instructions than a `memchr` pass a first byte).
        let firsts: UInt32
        /// For each of `firsts`, the second byte every literal of its pass has, where they share one that only itself
        /// folds to (the period after the period of "..."), else 0: the search stops only where it follows (a line's
        /// periods stopped it at each sentence's end).
        let followers: UInt32
        /// Its index in the rule's ``Rule/screenLiterals``.
        let origin: Int
        var shortest: Int { literals.map { $0.bytes.count }.min() ?? 0 }
        /// Whether a literal is of the filter's weakest kind (``LiteralFilter/Pattern/isTiny``).
        var hasTinyLiteral: Bool { literals.contains { LiteralFilter.Pattern(bytes: $0.bytes, boundedBefore: $0.before).isTiny } }
        /// A literal longer than the filter takes (255 bytes) is looked for by its end, without the boundary and
        /// spelling of its start: more lines get through, none is hidden.
        init(_ group: [ScreenLiteral], origin: Int) {
            self.origin = origin
            literals = group.map { literal in
                let bytes = Array(literal.text.utf8).map(Screen.fold), exact = literal.exactCase.map { Array($0.utf8) }
                guard bytes.count > LiteralFilter.longest else { return (bytes, literal.boundedBefore, literal.boundedAfter, exact) }
                return (Array(bytes.suffix(LiteralFilter.longest)), false, literal.boundedAfter, exact.map { Array($0.suffix(LiteralFilter.longest)) })
            }
            var byFirst: [(first: UInt8, literals: [Int])] = []
            for (index, literal) in literals.enumerated() {
                guard let first = literal.bytes.first else { continue }
                if let known = byFirst.firstIndex(where: { $0.first == first }) {
                    byFirst[known].literals.append(index)
                } else {
                    byFirst.append((first, [index]))
                }
            }
            let literals = self.literals
            var passLiterals: [Int] = [], passSeconds: [UInt8] = []
            byFirstByte = byFirst.map { first, members in
                let seconds = members.map { literals[$0].bytes.count > 1 ? literals[$0].bytes[1] : nil }
                let distinct = seconds.compactMap { $0 }.sortedUnique()
                let paired = Screen.isLetter(first) && !seconds.contains(nil) && distinct.count <= 4
                let memberStart = passLiterals.count, secondStart = passSeconds.count
                passLiterals += members
                if paired { passSeconds += distinct }
                return (first, memberStart..<passLiterals.count, secondStart..<passSeconds.count,
                        members.map { literals[$0].bytes.count }.min() ?? 0)
            }
            self.passLiterals = passLiterals
            self.passSeconds = passSeconds
            let followers = byFirst.map { _, members -> UInt8 in
                let seconds = members.map { literals[$0].bytes.count > 1 ? literals[$0].bytes[1] : 0 }.sortedUnique()
                guard seconds.count == 1, let second = seconds.first, second != 0, !Screen.isLetter(second)
                else { return 0 }
                return second
            }
            let combined = (2...4).contains(byFirst.count) && !byFirst.contains { Screen.isLetter($0.first) }
                && (boilerstrip_simd_level() >= 3 || followers.allSatisfy { $0 == 0 })
            firsts = combined ? byFirst.reversed().reduce(0) { $0 << 8 | UInt32($1.first) } : 0
            self.followers = combined ? followers.reversed().reduce(0) { $0 << 8 | UInt32($1) } : 0
        }
    }

    public init(rules: [Rule]) {
        bounding = rules.map(\.literalsBoundStart)
        lineStarts = rules.flatMap { ($0.lineStart ?? .all).words }
        wholeLineReaches = rules.map { $0.lineStart != nil && $0.matchEndsLine ? $0.matchReach ?? -1 : -1 }
        var literalRules: [(pattern: LiteralFilter.Pattern, output: UInt64)] = []
        var unscreened: [Int32] = []
        var others: [[LiteralGroup]] = []
        var groupMasks: [UInt8] = []
        var byteScreened: [(rule: Int32, group: LiteralGroup, endReach: Int)] = []
        var literalReaches: [Int] = []
        var literalTails: [Int] = []
        for (index, rule) in rules.enumerated() {
            let (groups, filtered) = Screen.groups(of: rule)
            var checked = groups.filter { group in !filtered.contains { $0.origin == group.origin } }
            groupMasks.append(UInt8(truncatingIfNeeded: (1 << filtered.count) - 1))
            // The group whose occurrences on a line the candidates carry: the first filtered one, else the
            // byte-screened one.
            var carried = filtered.first
            if groups.isEmpty { unscreened.append(Int32(index)) }
            else if filtered.isEmpty, let longest = checked.indices.max(by: { checked[$0].shortest < checked[$1].shortest }) {
                let group = checked.remove(at: longest)
                let endReach = rule.matchEndsLine && rule.literalsBoundStart ? rule.matchReach ?? -1 : -1
                byteScreened.append((Int32(index), group, endReach))
                carried = group
            }
            literalReaches.append(carried.flatMap { rule.literalReach[$0.origin] } ?? -1)
            // (A long tail is not checked: with the Swift walk it cost more than the line's checks it saved; with the
            // vector walk, tails of 512 characters or all of them measured no faster than 128.)
            literalTails.append(filtered.first.flatMap { rule.literalTail[$0.origin] }.flatMap { $0 <= Screen.longestTail ? $0 : nil } ?? -1)
            others.append(checked)
            for (group, any) in filtered.enumerated() {
                for literal in any.literals {
                    let output = UInt64(index) << 3 | UInt64(group) | UInt64(literal.bytes.count) << 32
                    literalRules.append((LiteralFilter.Pattern(bytes: literal.bytes, boundedBefore: literal.before,
                                                               boundedAfter: literal.after, exact: literal.exact), output))
                }
            }
        }
        self.unscreened = unscreened
        otherShared = others.flatMap { $0.map { Shared($0) } }
        otherGroups = otherShared.map { Unmanaged.passUnretained($0) }
        otherStart = flattened(others).start
        self.groupMasks = groupMasks
        byteScreenedGroups = byteScreened.map { Shared($0.group) }
        // The bytes that the groups looked for in the whole text begin with, rule by rule while they fit a marking:
        // first bytes that are not letters (those are looked for by `memchr` alone).
        var markedBytes: [UInt8] = [], markedRules = Set<Int32>()
        for screened in byteScreened where rules[Int(screened.rule)].lineStart == nil {
            let firsts = screened.group.byFirstByte.map(\.first)
            guard !firsts.isEmpty, !firsts.contains(where: Screen.isLetter) else { continue }
            let union = (markedBytes + firsts).sortedUnique()
            if Marking(union) != nil {
                markedBytes = union
                markedRules.insert(screened.rule)
            }
        }
        marking = markedRules.isEmpty ? nil : Marking(markedBytes)
        self.byteScreened = zip(byteScreened, byteScreenedGroups).map { screened, shared in
            let rule = rules[Int(screened.rule)]
            return ByteScreened(rule: screened.rule, group: Unmanaged.passUnretained(shared), endReach: screened.endReach,
                                endBytes: screened.endReach >= 0 ? rule.matchBytes : nil, byLine: rule.lineStart != nil,
                                marked: markedRules.contains(screened.rule))
        }
        self.literalReaches = literalReaches
        self.literalTails = literalTails

        // Distinct patterns, each with the outputs of every rule group it stands for; a literal bounded by a word
        // boundary, or with an exact spelling, is a different pattern from the same bytes without.
        var patternIndex: [LiteralFilter.Pattern: Int] = [:]
        patternIndex.reserveCapacity(literalRules.count)
        var patterns: [LiteralFilter.Pattern] = []
        var patternOutputs: [[UInt64]] = []
        for (pattern, output) in literalRules {
            if let known = patternIndex[pattern] {
                if !patternOutputs[known].contains(output) { patternOutputs[known].append(output) }
            } else {
                patternIndex[pattern] = patterns.count
                patterns.append(pattern)
                patternOutputs.append([output])
            }
        }
        filter = LiteralFilter(patterns)
        (outputStart, outputs) = flattened(patternOutputs)
    }

    /// A rule's literal groups, and those of them the filter looks for: the groups whose literals all fill a window
    /// (three bytes, or two after a word boundary), but for later groups of short words (``checkedOnLine(_:after:)``),
    /// eight at most. A two-byte literal free in front ("©", "CC") would take any byte before it, in every slot its
    /// pair can hash to with one: on the corpus "©" alone let 2.2 M positions through for 17 occurrences. Other
    /// groups are looked for in the lines those met; a rule with none is screened by `memchr` for its group with
    /// the longest literals.
    static func groups(of rule: Rule) -> (all: [LiteralGroup], filtered: [LiteralGroup]) {
        let groups = rule.screenLiterals.enumerated().filter { !$0.element.isEmpty }.map { LiteralGroup($0.element, origin: $0.offset) }
        let filterable = groups.filter { $0.shortest >= 2 && !$0.hasTinyLiteral }
        let filtered = filterable.enumerated().filter { $0.offset == 0 || !Screen.checkedOnLine($0.element, after: filterable[0]) }
            .map { $0.element }.prefix(8)
        return (groups, Array(filtered))
    }

    /// Whether a later filterable group is looked for in the lines the rule's first one meets rather than filtered:
    /// a group of short words ("the", "mit", "sur": four bytes or fewer, at most four first bytes)
    /// behind a first group of five bytes or more. Such words are everywhere in news text and almost never complete
    /// a rule; the lines the first group meets are few and are scanned eight bytes a step. On 40 MB of the corpus
    /// this took the filter's hits from 765 K to 639 K.
    static func checkedOnLine(_ group: LiteralGroup, after first: LiteralGroup) -> Bool {
        group.shortest <= 4 && first.shortest >= 5 && group.byFirstByte.count <= 4
    }

    @inline(__always)
    /// Case folding on single bytes: ASCII letters, and the continuation bytes 0x80–0x9E, which after a 0xC3
    /// lead are the Latin-1 capitals À–Þ (their lowercase is 0x20 higher). Folding a continuation byte of another
    /// script can only merge characters, which lets more lines through, never fewer.
    static func fold(_ byte: UInt8) -> UInt8 {
        if (0x41...0x5A).contains(byte) || (0x80...0x9E).contains(byte) { return byte | 0x20 }
        return byte
    }

    /// What a line has met of one rule: the line (its stamp), the filtered groups met there, where the first and the
    /// last occurrence of the rule's first group start, and the index of its candidate in the list being built (-1: none
    /// yet). One value per rule, read and written at every occurrence of one of its literals: in one cache line (in
    /// five arrays, five lines a hit).
    struct RuleState {
        /// The document's generation << 32 | the line (segment index).
        var stamp: UInt64 = 0
        var firstStart: Int32 = 0
        var lastStart: Int32 = -1
        var candidateIndex: Int32 = -1
        var mask: UInt8 = 0
    }

    /// Per-thread memory of the screen: which groups of which rule a line has met so far.
    public final class Scratch: @unchecked Sendable {
        /// Per rule, what the line of its stamp has met of it (``RuleState``).
        @exclusivity(unchecked) var rules: [RuleState] = []
        /// Advances once per document, so that the stamps of earlier documents never match.
        @exclusivity(unchecked) var generation: UInt64 = 0
        /// The candidates of the last document, whose storage the next one reuses.
        @exclusivity(unchecked) var found: [Candidate] = []
        let filter = LiteralFilter.Scratch()
        public init() {}
    }

    /// The candidate (segment index, rule index) pairs of a document, sorted and unique.
    public func candidates(in document: Document) -> [Candidate] {
        candidates(in: document, scratch: Scratch())
    }

    /// The candidate (segment index, rule index) pairs of a document, sorted and unique.
    public func candidates(in document: Document, scratch: Scratch) -> [Candidate] {
        let ruleCount = otherStart.count - 1
        if scratch.rules.count != ruleCount { scratch.rules = [RuleState](repeating: RuleState(), count: ruleCount) }
        scratch.generation &+= 1
        let generation = scratch.generation << 32
        // The list of the document before, taken back (its caller is done with it): no allocation a document. Room for
        // 32 at first (growing from empty took three allocations a document).
        var found = scratch.found
        scratch.found = []
        found.removeAll(keepingCapacity: true)
        found.reserveCapacity(32)
        defer { scratch.found = found }
        let segments = document.segments
        // Literal positions are kept in 32 bits: a document of 2 GiB or more gets no search bounds.
        let positional = document.bytes.count < Int(Int32.max)
        document.bytes.withUnsafeBufferPointer { bytes in
            func segmentIndex(containing offset: Int) -> Int {
                var low = 0, high = segments.count - 1
                while low < high {
                    let middle = (low + high) / 2
                    if segments[middle].end <= offset { low = middle + 1 } else { high = middle }
                }
                return low
            }
            outputStart.withUnsafeBufferPointer { outputStart in
            outputs.withUnsafeBufferPointer { outputs in
            groupMasks.withUnsafeBufferPointer { groupMasks in
            bounding.withUnsafeBufferPointer { bounding in
            literalTails.withUnsafeBufferPointer { literalTails in
            scratch.rules.withUnsafeMutableBufferPointer { states in
                // Each occurrence of a literal: its rule groups, if it fits their boundaries and spelling.
                var segment = 0
                var segmentEnd = segments.isEmpty ? 0 : segments[0].end
                // The first byte of the last line's tail that an occurrence of a rule's first group must start in
                // (``literalTails``), for that budget: walked once a line and budget.
                var tailSegment = -1, tailBudget = -1, tailFloor = 0
                filter.occurrences(in: bytes, scratch: scratch.filter) { hits in
                    for hit in hits {
                        let pattern = Int(truncatingIfNeeded: hit >> 40)
                        let end = Int(truncatingIfNeeded: hit & 0xFF_FFFF_FFFF) + 1
                        while segmentEnd < end { segment += 1; segmentEnd = segments[segment].end }
                        let stamp = generation | UInt64(segment)
                        for position in Int(outputStart[pattern])..<Int(outputStart[pattern + 1]) {
                            let output = outputs[position]
                            let length = Int(truncatingIfNeeded: (output >> 32) & 0xFFFF)
                            let rule = Int(truncatingIfNeeded: (output & 0xFFFF_FFFF) >> 3)
                            let state = states.baseAddress! + rule
                            if state.pointee.stamp != stamp { state.pointee = RuleState(stamp: stamp) }
                            // The first group's first and last occurrences on the line bound the rule's match starts there.
                            // (An anchored literal's occurrence may come after one that starts after it: both bounds move.)
                            if output & 7 == 0, positional, bounding[rule] {
                                let start = Int32(truncatingIfNeeded: end - length)
                                if state.pointee.lastStart < 0 || start < state.pointee.firstStart {
                                    state.pointee.firstStart = start
                                    let candidate = Int(state.pointee.candidateIndex)
                                    if candidate >= 0 { found[candidate].firstLiteral = start }
                                }
                                if start > state.pointee.lastStart {
                                    state.pointee.lastStart = start
                                    let candidate = Int(state.pointee.candidateIndex)
                                    if candidate >= 0 { found[candidate].startLimit = start }
                                }
                            }
                            // Too far from the end of its line for a match that ends the line to hold it (a teaser's
                            // "mehr" in prose: on the corpus a tenth of the screen's hits, each looked for the rest of
                            // the rule in the line).
                            // (Only while the group is not met on the line: a later occurrence may still be in the
                            // tail.)
                            // (An occurrence no more bytes than the tail from the end is in it: no walk.)
                            if output & 7 == 0, literalTails[rule] >= 0, state.pointee.mask & 1 == 0,
                               segmentEnd - (end - length) > literalTails[rule] {
                                if tailSegment != segment || tailBudget != literalTails[rule] {
                                    tailFloor = Screen.endFloor(segments[segment], budget: literalTails[rule], run: nil, in: bytes)
                                    (tailSegment, tailBudget) = (segment, literalTails[rule])
                                }
                                if end - length < tailFloor { continue }
                            }
                            let full = groupMasks[rule]
                            if state.pointee.mask == full { continue }
                            state.pointee.mask |= 1 << UInt8(truncatingIfNeeded: output & 7)
                            if state.pointee.mask == full {
                                state.pointee.candidateIndex = met(rule, segment, literals: positional && bounding[rule] ? (state.pointee.firstStart, state.pointee.lastStart) : nil,
                                                           in: bytes, segments, into: &found)
                            }
                        }
                    }
                }
                // Byte-screened rules: every line holding one of their literals.
                // The first occurrence on each line bounds how early a match starts there (not how late: the rest of
                // the line is not looked at). A match that ends its line starts no further before its end than the
                // rule's reach (``RuleMatcher/searchBounds``): for such a rule an occurrence before that counts for
                // nothing, and the line is looked at again from there (an AFP desk slug's "/": on the corpus,
                // 10.2 K lines reached PCRE2 for it before, 7.3 K now).
                // Through a pointer, each group through a reference that is not counted: a copy of the group retained
                // its arrays, which every job shares (on 10 MB of the corpus the screen's retains 75.8 K with a copy
                // of the tuple, 56.8 K with one of the group, none now; 19 a document).
                byteScreened.withUnsafeBufferPointer { byteScreened in
                for screened in byteScreened.indices {
                    let (rule, endReach, endBytes) = (byteScreened[screened].rule, byteScreened[screened].endReach, byteScreened[screened].endBytes)
                    // A rule whose lines begin with some bytes only: each line that begins right, for the first occurrence
                    // of each pass (news lines mostly begin with a capital: the image slug rule, "-" or "_" after a
                    // lower-case letter or a digit at the start, took 8 % of the time of text mode looked for in the
                    // whole text, each line with a hyphen found and then turned down).
                    if byteScreened[screened].byLine {
                        let lead = bounding[Int(rule)] ? literalReaches[Int(rule)] : -1
                        byteScreened[screened].group._withUnsafeGuaranteedRef { shared in
                        segments.withUnsafeBufferPointer { lines in
                        for segment in lines where startsRight(Int(rule), segment, in: bytes) {
                            let range = endReach >= 0 ? Screen.endFloor(segment, budget: endReach, run: endBytes, in: bytes)..<segment.content.upperBound
                                : segment.content
                            // The line's first occurrence ("-" or "_": one search of both, two `memchr` calls a line cost
                            // more; the first of each pass where the group's first bytes are not searched at once).
                            var first = Int.max
                            Screen.forEachOccurrence(of: shared.value, in: bytes, range) { at in
                                first = min(first, at)
                                return range.upperBound  // the pass's first is all this line needs
                            }
                            guard first < Int.max else { continue }
                            // Every match starts at the start of the line's text: its first literal is no further into the
                            // line than the rule's reach allows (the image slug's first "-" or "_" within 30 bytes: on the
                            // corpus 1,929 lines that begin with a small letter or a digit hold one, 200 that near).
                            if lead >= 0 {
                                let text = RuleMatcher.text(of: segment, in: bytes)
                                if first > text.lowerBound, MatchReach.floor(before: first, budget: lead, in: bytes, lowerBound: text.lowerBound) > text.lowerBound { continue }
                            }
                            met(Int(rule), segment.index, literals: positional && bounding[Int(rule)] ? (Int32(truncatingIfNeeded: first), Candidate.anywhere) : nil,
                                in: bytes, segments, into: &found)
                        }
                        }}
                        continue
                    }
                    var floorSegment = -1, floor = 0  // the line whose floor was walked, once
                    // The document's marks where it noted the group's first bytes (a search of the whole text for each
                    // otherwise).
                    let marks = byteScreened[screened].marked && document.marks.hold(marking) ? document.marks : nil
                    byteScreened[screened].group._withUnsafeGuaranteedRef { shared in
                    Screen.forEachOccurrence(of: shared.value, in: bytes, 0..<bytes.count, marks: marks, combined: false) { at in
                        let low = segmentIndex(containing: at)
                        if endReach >= 0 {
                            if low != floorSegment {
                                floor = Screen.endFloor(segments[low], budget: endReach, run: endBytes, in: bytes)
                                floorSegment = low
                            }
                            if at < floor { return floor }
                        }
                        // The line's first occurrence (from its floor) in this pass: the search goes on after the line. A
                        // line met again in a later pass (the "&copy;" before a "©") keeps the earlier occurrence (the
                        // candidates' merge): a match may hold that one alone.
                        met(Int(rule), low, literals: positional && bounding[Int(rule)] ? (Int32(truncatingIfNeeded: at), Candidate.anywhere) : nil,
                            in: bytes, segments, into: &found)
                        return segments[low].end
                    }
                    }
                }}
            }}}}}}
        }
        if !unscreened.isEmpty {
            document.bytes.withUnsafeBufferPointer { bytes in
                for segment in segments where !segment.content.isEmpty && !document.isBlank(segment) {
                    for rule in unscreened { met(Int(rule), segment.index, literals: nil, in: bytes, segments, into: &found) }
                }
            }
        }
        // Sorted for the matcher, unique: a line reaches a full mask once, and the byte screen may find the same
        // line again through another literal of the group (then the loosest start bounds stand).
        if found.count > 1 {
            found.sort()
            var unique = 1
            for index in 1..<found.count {
                if found[index].segment == found[unique - 1].segment && found[index].rule == found[unique - 1].rule {
                    found[unique - 1].startLimit = max(found[unique - 1].startLimit, found[index].startLimit)
                    found[unique - 1].firstLiteral = min(found[unique - 1].firstLiteral, found[index].firstLiteral)
                } else {
                    found[unique] = found[index]
                    unique += 1
                }
            }
            found.removeLast(found.count - unique)
        }
        return found
    }

    /// A rule whose filtered groups (or byte screen) a line met, or a rule without literals: a candidate when the line
    /// begins right (``startsRight(_:_:in:)``) and its other groups occur there.
    /// Returns the candidate's index in `found`, or -1. (A method with `found` passed in, not a local function
    /// that captures it: a captured variable is boxed, and every access to it checked for exclusivity at run time.)
    @discardableResult
    private func met(_ rule: Int, _ segment: Int, literals: (first: Int32, last: Int32)?, in bytes: UnsafeBufferPointer<UInt8>,
                     _ segments: [Segment], into found: inout [Candidate]) -> Int32 {
        guard startsRight(rule, segments[segment], in: bytes), fitsWholeLine(rule, segments[segment], in: bytes) else { return -1 }
        let line = segments[segment].content
        for index in Int(otherStart[rule])..<Int(otherStart[rule + 1]) {
            let occurs = otherGroups[index]._withUnsafeGuaranteedRef { Screen.occurs($0.value, in: bytes, line) }
            if !occurs { return -1 }
        }
        var candidate = Candidate(segment: Int32(truncatingIfNeeded: segment), rule: Int32(truncatingIfNeeded: rule))
        if let literals {
            candidate.firstLiteral = literals.first
            candidate.startLimit = literals.last
        }
        found.append(candidate)
        return Int32(truncatingIfNeeded: found.count - 1)
    }

    /// The first byte of a line where a match that ends the line, with at most `budget` non-spacing characters, made of
    /// the bytes of `run` (nil: any), can start (``MatchReach/floor(before:budget:in:lowerBound:)`` and
    /// ``MatchReach/runStart(before:of:in:lowerBound:)`` over the line's text, after a byte order mark).
    static func endFloor(_ segment: Segment, budget: Int, run: ByteSet?, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let text = RuleMatcher.text(of: segment, in: bytes)
        let line = UnsafeBufferPointer(rebasing: bytes[text])
        let floor = MatchReach.floor(before: text.count, budget: budget, in: line, lowerBound: 0)
        return text.lowerBound + (run.map { MatchReach.runStart(before: text.count, of: $0, in: line, lowerBound: floor) } ?? floor)
    }

    /// Whether the line begins with a byte the rule's matches can begin with (``Rule/lineStart``): the byte PCRE2's
    /// subject begins with (``RuleMatcher/text(of:in:)``, after a byte order mark). An empty line holds no match of
    /// a rule with a line start (each holds a byte).
    @inline(__always)
    func startsRight(_ rule: Int, _ segment: Segment, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let text = RuleMatcher.text(of: segment, in: bytes), base = rule << 2
        guard !text.isEmpty else { return lineStarts[base] & lineStarts[base + 1] & lineStarts[base + 2] & lineStarts[base + 3] == ~0 }
        let first = bytes[text.lowerBound]
        return lineStarts[base + Int(first >> 6)] >> UInt64(first & 63) & 1 != 0
    }

    /// Whether a match of a rule whose matches are whole lines can span the line: a line no longer than the rule's
    /// reach, or one that the walk back from its end over that reach
    /// (``MatchReach/floor(before:budget:in:lowerBound:)``) crosses. A section label ("Politique", "Sport": 11
    /// characters at most) otherwise made a candidate of every prose line that names one: on the corpus 11 K candidate
    /// lines, each a PCRE2 call. (The walk is taken on any longer line, not only where the matcher would take it, four
    /// times the reach: an author card's 353 characters let through 2,872 prose lines of the harness's runs, each a
    /// PCRE2 call of 2,300 cycles.)
    @inline(__always)
    func fitsWholeLine(_ rule: Int, _ segment: Segment, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let reach = wholeLineReaches[rule]
        guard reach >= 0 else { return true }
        let text = RuleMatcher.text(of: segment, in: bytes)
        return text.count <= reach || MatchReach.floor(before: text.count, budget: reach, in: UnsafeBufferPointer(rebasing: bytes[text]), lowerBound: 0) == 0
    }

    /// Whether the literal ending at `end` has no word byte on the sides its pattern bounds.
    @inline(__always)
    static func bounded(_ bytes: UnsafeBufferPointer<UInt8>, end: Int, length: Int, before: Bool, after: Bool) -> Bool {
        if before, end - length > 0, ScreenLiteral.isWordByte(bytes[end - length - 1]) { return false }
        if after, end < bytes.count, ScreenLiteral.isWordByte(bytes[end]) { return false }
        return true
    }

    /// Whether ``fold(_:)`` maps exactly two bytes to `byte`, `byte` and `byte - 0x20` (a letter, whose forms
    /// ``boilerstrip_first_folded`` looks for).
    @inline(__always)
    static func isLetter(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) || (0xA0...0xBE).contains(byte) }

    /// Whether `bytes` hold exactly `exact` at `start`.
    @inline(__always)
    static func spelled(_ exact: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        guard start >= 0, start + exact.count <= bytes.count else { return false }
        for offset in 0..<exact.count where bytes[start + offset] != exact[offset] { return false }
        return true
    }

    /// Whether one of the group's literals occurs in `range` (folded, with its boundaries).
    static func occurs(_ group: LiteralGroup, in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var found = false
        forEachOccurrence(of: group, in: bytes, range) { _ in found = true; return nil }
        return found
    }

    /// Calls `body` with the start of each occurrence of the group's literals in `range` (folded, with their
    /// boundaries), once per start, the literals that share a first byte in one pass; `body` says where to go on
    /// looking in that pass (nil: stop). With `marks` that hold every occurrence of the bytes the literals begin with
    /// (which are not letters), only those places are looked at, in order, and `body` says where to go on looking; so
    /// are the places of a group's ``LiteralGroup/firsts``, found in one search.
    /// (`combined` false: a pass a first byte all the same: over a whole text, where `memchr` stops at rare bytes faster
    /// than one search stops at any of them, and for tests.)
    static func forEachOccurrence(of group: LiteralGroup, in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>,
                                  marks: ByteMarks? = nil, combined: Bool = true, _ body: (Int) -> Int?) {
        guard let base = bytes.baseAddress else { return }
        // The group's arrays are read through pointers: the group is the screen's, shared by every job, and a copy of
        // a literal's bytes at every place its first byte occurred wrote a reference count from both cores each time.
        group.literals.withUnsafeBufferPointer { literals in
        group.passLiterals.withUnsafeBufferPointer { members in
        group.passSeconds.withUnsafeBufferPointer { seconds in
        group.byFirstByte.withUnsafeBufferPointer { passes in
            // A place where one of the passes' first bytes is, in order: whether a literal starts there, and where to go
            // on looking (nil: stop).
            func visit(_ start: Int) -> Int? {
                guard let pass = passes.first(where: { $0.first == bytes[start] }),
                      Screen.startsLiteral(at: start, UnsafeBufferPointer(rebasing: members[pass.literals]), literals, in: bytes, end: range.upperBound)
                else { return start + 1 }
                return body(start).map { max($0, start + 1) }
            }
            if let marks {
                var next = range.lowerBound
                for index in 0..<marks.count {
                    let start = Int(marks.positions[index])
                    guard start >= next else { continue }
                    guard start < range.upperBound, let resume = visit(start) else { return }
                    next = resume
                }
                return
            }
            if group.firsts != 0, combined {
                // The passes' first bytes in one search.
                var firsts = group.firsts, followers = group.followers
                var start = range.lowerBound
                while start < range.upperBound {
                    start = withUnsafeBytes(of: &firsts) { firsts in
                        withUnsafeBytes(of: &followers) { followers in
                            boilerstrip_first_of_followed(base, start, range.upperBound, firsts.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                                          followers.baseAddress!.assumingMemoryBound(to: UInt8.self), passes.count)
                        }
                    }
                    guard start < range.upperBound, let resume = visit(start) else { return }
                    start = resume
                }
                return
            }
            for pass in passes {
                if search(pass.first, UnsafeBufferPointer(rebasing: members[pass.literals]), UnsafeBufferPointer(rebasing: seconds[pass.seconds]),
                          shortest: pass.shortest, literals, in: bytes, base, range, body) { return }
            }
        }}}}
    }

    /// Whether one of the literals `members` (of `literals`), whose first byte the text has at `start` (folded), occurs
    /// there and ends by `end`: its other bytes folded, in its exact spelling where it has one, and with no word byte
    /// next to it where it is bounded.
    @inline(__always)
    private static func startsLiteral(at start: Int, _ members: UnsafeBufferPointer<Int>,
                                      _ literals: UnsafeBufferPointer<(bytes: [UInt8], before: Bool, after: Bool, exact: [UInt8]?)>,
                                      in bytes: UnsafeBufferPointer<UInt8>, end: Int) -> Bool {
        for member in members {
            let literal = literals.baseAddress! + member
            let fits = literal.pointee.bytes.withUnsafeBufferPointer { needle -> Bool in
                guard start + needle.count <= end else { return false }
                for offset in 1..<max(1, needle.count) where Screen.fold(bytes[start + offset]) != needle[offset] { return false }
                return true
            }
            guard fits else { continue }
            if let exact = literal.pointee.exact, !exact.withUnsafeBufferPointer({ spelled($0, in: bytes, at: start) }) { continue }
            let length = literal.pointee.bytes.count
            if bounded(bytes, end: start + length, length: length, before: literal.pointee.before, after: literal.pointee.after) { return true }
        }
        return false
    }

    /// One pass of ``forEachOccurrence(of:in:_:marks:_:)``: the literals `members` of `literals`, which begin with
    /// `first`, whose second bytes are `seconds` and the shortest of which has `shortest` bytes. Returns whether `body`
    /// stopped the search.
    @inline(__always)
    private static func search(_ first: UInt8, _ members: UnsafeBufferPointer<Int>, _ seconds: UnsafeBufferPointer<UInt8>,
                               shortest: Int, _ literals: UnsafeBufferPointer<(bytes: [UInt8], before: Bool, after: Bool, exact: [UInt8]?)>,
                               in bytes: UnsafeBufferPointer<UInt8>, _ base: UnsafePointer<UInt8>, _ range: Range<Int>,
                               _ body: (Int) -> Int?) -> Bool {
        guard range.count >= shortest else { return false }
        let last = range.upperBound - shortest  // the last possible start
        let letter = isLetter(first)
        var start = range.lowerBound
        while start <= last {
            // Find the next possible first byte: memchr when it has one form, else both forms (64 bytes a step with
            // AVX-512, eight without: ``boilerstrip_first_folded``), with a second byte that fits where the literals
            // have one. A letter alone stops the search every dozen bytes of text ("p" of "published", "a" of
            // "appeared"): a group whose literals all have a second byte gives them.
            if !letter {
                guard let hit = memchr(base + start, Int32(first), last - start + 1) else { break }
                start = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            } else {
                start = boilerstrip_first_folded(base, start, last, first, seconds.baseAddress, seconds.count)
                if start > last { break }
            }
            if startsLiteral(at: start, members, literals, in: bytes, end: range.upperBound) {
                guard let resume = body(start) else { return true }
                start = max(resume, start + 1)
            } else {
                start += 1
            }
        }
        return false
    }
}

/// A value in an object of its own, to be read through an unowned reference (``Unmanaged``) where a copy of the
/// value would count references to what it holds.
final class Shared<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// A line that a rule may match.
public struct Candidate: Sendable, Hashable, Comparable {
    public let segment: Int32
    public let rule: Int32
    /// The document offset past which no match of the rule can start on the line (``Candidate/anywhere``: no
    /// bound): where the last occurrence of one of its literal groups starts, for a rule whose literals lie in
    /// its matches (``Rule/literalsBoundStart``).
    public internal(set) var startLimit: Int32
    /// Where the first occurrence of that group on the line starts (-1: not known); every match reaches it or a
    /// later one, which bounds how early a match can start (see ``MatchReach``).
    public internal(set) var firstLiteral: Int32 = -1

    /// No bound on where a match starts.
    public static let anywhere = Int32.max

    public init(segment: Int32, rule: Int32) {
        self.segment = segment
        self.rule = rule
        startLimit = Candidate.anywhere
    }

    public static func < (a: Candidate, b: Candidate) -> Bool {
        a.segment != b.segment ? a.segment < b.segment : a.rule < b.rule
    }
}
