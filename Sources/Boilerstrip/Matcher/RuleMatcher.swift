import Dispatch
import PCRE2
import Synchronization

/// Runs PCRE2 on the lines the screen let through, and turns matches into ``Evidence``.
public struct RuleMatcher: Sendable {
    public let catalogue: Catalogue

    /// Per rule, what the loop needs (copying a whole ``Rule`` per candidate costs reference counting): its
    /// compiled pattern, and the plain form for lines without an entity (``Rule/plainRegex``).
    private let regexes: [Regex]
    private let plainRegexes: [Regex]
    private let positions: [Position]
    /// Per rule, how far before its first screened literal a match can start (``Screen/literalReaches``, -1: no bound).
    private let reaches: [Int]
    /// Per rule whose matches end their line (``Rule/matchEndsLine``), how far before the end of the line a match can
    /// start (``Rule/matchReach``; -1: no bound), and the bytes it is made of (``Rule/matchBytes``; nil: any).
    private let endReaches: [Int]
    private let endBytes: [ByteSet?]
    /// Per rule, its named captures' group numbers (``Match/firstRange(among:)``, as `Regex.range(named:in:)` reads
    /// them): looked up once, at the rule's first match, not by name in a dictionary for every match.
    private let captureGroups: CaptureGroups

    public init(catalogue: Catalogue) {
        self.catalogue = catalogue
        regexes = catalogue.rules.map(\.regex)
        plainRegexes = catalogue.rules.map(\.plainRegex)
        positions = catalogue.rules.map(\.position)
        reaches = catalogue.screen.literalReaches
        endReaches = catalogue.rules.map { rule in rule.matchEndsLine ? rule.matchReach ?? -1 : -1 }
        endBytes = catalogue.rules.map(\.matchBytes)  // nil for a rule that does not end its line
        captureGroups = CaptureGroups(count: regexes.count)
    }

    /// The bytes of a line that rules are tried on: its content, without a byte order mark (`^` matches after it).
    static func text(of segment: Segment, in buffer: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        let bom = segment.index == 0 && buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF
            && segment.content.count >= 3
        return bom ? (segment.content.lowerBound + 3)..<segment.content.upperBound : segment.content
    }

    /// Where in `line` (document bytes `base…`) PCRE2 looks for matches of the candidate: from the first start a
    /// match can have (`from` at least) to the last (nil: the end of the line). Nil when no match can start there.
    ///
    /// A match holds an occurrence of the rule's first literal group (the screen's candidates say where the first
    /// and the last one start): it starts at or before the last, and no further before the first than the rule's
    /// ``Rule/literalReach`` allows for that group (see ``MatchReach``). A match that ends its line starts no
    /// further before the end than its ``Rule/matchReach`` allows, nor before the run of the bytes it can be made of
    /// (``Rule/matchBytes``) that ends the line.
    @inline(__always)
    func searchBounds(_ candidate: Candidate, line: UnsafeBufferPointer<UInt8>, base: Int, from: Int) -> (from: Int, limit: Int?)? {
        var from = from, limit: Int? = nil
        if candidate.startLimit != Candidate.anywhere {
            let last = max(0, Int(candidate.startLimit) - base)
            if from > last { return nil }
            if last < line.count { limit = last }
        }
        let reach = reaches[Int(candidate.rule)]
        if reach >= 0, candidate.firstLiteral >= 0 {
            let first = min(max(0, Int(candidate.firstLiteral) - base), line.count)
            from = RuleMatcher.floor(before: first, budget: reach, in: line, from: from)
        }
        let endReach = endReaches[Int(candidate.rule)]
        if endReach >= 0 { from = RuleMatcher.floor(before: line.count, budget: endReach, in: line, from: from) }
        if let run = endBytes[Int(candidate.rule)] { from = MatchReach.runStart(before: line.count, of: run, in: line, lowerBound: from) }
        if let limit, from > limit { return nil }
        return (from, limit)
    }

    /// The first start from `from` on of a match that reaches `position` with at most `budget` non-spacing characters
    /// (``MatchReach/floor(before:budget:in:lowerBound:)``), walked only where the walk saves PCRE2 more than it costs:
    /// `position` more than ``walkRatio`` times the budget past `from`; else `from`. (The screen asks it too, of rules
    /// whose matches are whole lines.)
    @inline(__always)
    static func floor(before position: Int, budget: Int, in line: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        position - from > walkRatio * budget ? MatchReach.floor(before: position, budget: budget, in: line, lowerBound: from) : from
    }

    /// How far from the end (start) of a document tail (head) rules are tried, in bytes: well beyond the
    /// scorer's `farChars`, past which a match could only be flagged.
    public static let window = 8192

    /// Where a line whose text starts at `base` and ends at `end` stands against the windows of a document of `length`
    /// bytes: `tail` -1 when tail rules skip it, 0 when they try all of it, else how far into the text they start
    /// (before moving to a character's start); `head` when head rules skip it.
    @inline(__always)
    static func windowPlace(base: Int, end: Int, length: Int) -> (tail: Int, head: Bool) {
        let tailFrom = max(0, length - window), headTo = min(length, window)
        return (end <= tailFrom ? -1 : base < tailFrom ? tailFrom - base : 0, base >= headTo && base > 0)
    }

    /// A match's floor is looked for only when the rule's first literal is this many times its reach into the line:
    /// the walk reads at least `reach` bytes, so nearer the start it would cost more than PCRE2's scan it saves (on
    /// the corpus, a ratio of 1 was slower than none; 4 and 8 measured alike; with the vector walk, 0, 1, 2 and 4 alike).
    static let walkRatio = 4

    /// Every match of every candidate rule, in document order. A line can hold several matches of one rule
    /// (teasers glued into one paragraph); they do not overlap.
    /// - Throws: ``MatchFailure`` when a match or depth limit stopped a rule.
    public func evidence(in document: Document, candidates: [Candidate], scratch: MatchScratch,
                         timings: RuleTimings? = nil) throws(MatchFailure) -> [Evidence] {
        guard !candidates.isEmpty else { return [] }
        var found: [Evidence] = []
        do {
            try document.bytes.withUnsafeBufferPointer { buffer throws(MatchFailure) in
                // Candidates come by line: whether it holds an entity is looked up once per line.
                var lastSegment: Int32 = -1, entity = false
                for candidate in candidates {
                    let segment = document.segments[Int(candidate.segment)]
                    let content = RuleMatcher.text(of: segment, in: buffer)
                    let line = UnsafeBufferPointer(rebasing: buffer[content])
                    if candidate.segment != lastSegment {
                        (lastSegment, entity) = (candidate.segment, Rule.holdsEntity(line))
                    }
                    // Used without a reference count of its own: the matcher holds it, and every job shares it (a count
                    // written from both cores at every candidate cost more than the search bounds).
                    let pattern = Unmanaged.passUnretained(entity ? regexes[Int(candidate.rule)] : plainRegexes[Int(candidate.rule)])
                    let base = content.lowerBound
                    var from = 0
                    // Tail rules are only tried in the document's last `window` bytes, head rules in its first: further
                    // away the position factor keeps any match below the threshold, so PCRE2 need not look there.
                    let place = RuleMatcher.windowPlace(base: base, end: segment.content.upperBound, length: buffer.count)
                    switch positions[Int(candidate.rule)] {
                    case .tail:
                        if place.tail < 0 { continue }
                        if place.tail > 0 {
                            from = place.tail
                            while from < line.count, line[from] & 0xC0 == 0x80 { from += 1 }
                        }
                    case .head:
                        if place.head { continue }
                    case .any:
                        break
                    }
                    // Only where a match can start, by where the rule's literals are on the line.
                    guard let bounds = searchBounds(candidate, line: line, base: base, from: from) else { continue }
                    from = bounds.from
                    let startLimit = bounds.limit
                    // Compiling (at the first use, and JIT-compiling after a few) is timed apart: it happens once per
                    // run, matching on every line.
                    let compiledBefore = timings == nil ? 0 : pattern.takeUnretainedValue().compileNanoseconds
                    let started = timings == nil ? 0 : DispatchTime.now().uptimeNanoseconds
                    // The bytes where a match may start, and what follows the last of them on the line.
                    defer {
                        timings?.record(rule: Int(candidate.rule), bytes: line.count - bounds.from, since: started,
                                        compiling: pattern.takeUnretainedValue().compileNanoseconds &- compiledBefore)
                    }
                    while from <= line.count && from <= (startLimit ?? from) {
                        let matched: Range<Int>?
                        do throws(MatchError) {
                            matched = try pattern._withUnsafeGuaranteedRef { regex in
                                Result { () throws(MatchError) in
                                    try regex.firstMatchRange(in: line, from: from, startLimit: startLimit, scratch: scratch)
                                }
                            }.get()
                        } catch {
                            throw MatchFailure(ruleID: catalogue.rules[Int(candidate.rule)].id, reason: error.description)
                        }
                        guard let range = matched else { break }
                        if !range.isEmpty {
                            // A name's range: the first of its groups that took part, read off the scratch's match data.
                            var captures = Captures()
                            for (capture, groups) in captureGroups.of(Int(candidate.rule), matchedBy: pattern.takeUnretainedValue()) {
                                if let r = scratch.lastMatch(firstOf: groups), !r.isEmpty {
                                    captures[capture] = (r.lowerBound + base)..<(r.upperBound + base)
                                }
                            }
                            found.append(Evidence(rule: Int(candidate.rule), segment: segment.index,
                                                  match: (range.lowerBound + base)..<(range.upperBound + base), captures: captures))
                        }
                        // Continue after this match (one code unit on, for an empty match).
                        from = range.isEmpty ? range.upperBound + 1 : range.upperBound
                        while from < line.count, line[from] & 0xC0 == 0x80 { from += 1 }
                    }
                }
            }
        }
        return found
    }
}

extension RuleMatcher {
    /// A match that the screen and the search bounds would keep from the matcher.
    public struct HiddenMatch: Sendable, Equatable {
        public let rule: Int
        public let segment: Int
        /// The match's document range.
        public let match: Range<Int>
    }

    /// Every match in `document` of the rules at `checked` (all by default), line by line, that the screen hides
    /// (its line is not a candidate for the rule), that starts outside the candidate's ``searchBounds``, or that the
    /// rule's plain form, which the matcher runs on a line without entities, would not find the same (from the same
    /// start, with the same captures); empty when all three keep their invariant. For tests and the fuzz target: it
    /// runs every checked rule on every line.
    public func hiddenMatches(in document: Document, checked: Range<Int>? = nil, scratch: MatchScratch) -> [HiddenMatch] {
        var candidates: [Int: Candidate] = [:]
        for candidate in catalogue.screen.candidates(in: document) {
            candidates[Int(candidate.segment) << 32 | Int(candidate.rule)] = candidate
        }
        var hidden: [HiddenMatch] = []
        document.bytes.withUnsafeBufferPointer { buffer in
            for segment in document.segments {
                let content = RuleMatcher.text(of: segment, in: buffer)
                let line = UnsafeBufferPointer(rebasing: buffer[content])
                let base = content.lowerBound
                let entity = Rule.holdsEntity(line)
                for index in checked ?? catalogue.rules.indices {
                    let bounds = candidates[segment.index << 32 | index].flatMap { searchBounds($0, line: line, base: base, from: 0) }
                    var from = 0
                    while from <= line.count, let match = try? regexes[index].firstMatch(in: line, from: from, scratch: scratch) {
                        let start = match.range.lowerBound
                        var searched = bounds.map { start >= $0.from && start <= ($0.limit ?? start) } ?? false
                        if searched, !entity, plainRegexes[index] !== regexes[index] {
                            searched = (try? plainRegexes[index].firstMatch(in: line, from: from, scratch: scratch))?.groups == match.groups
                        }
                        if !searched {
                            hidden.append(HiddenMatch(rule: index, segment: segment.index,
                                                      match: (start + base)..<(match.range.upperBound + base)))
                        }
                        from = max(match.range.upperBound, start + 1)
                    }
                }
            }
        }
        return hidden
    }
}

/// The group numbers of each rule's named captures, read off its compiled pattern at its first match (by then it is
/// compiled): reading them at the start would compile every pattern that names a group there (the built-in ones
/// compile at their first use). Matches are rare: a lock is cheap here.
final class CaptureGroups: Sendable {
    typealias Groups = [(capture: Capture, groups: [Int])]
    private let known: Mutex<[Groups?]>

    init(count: Int) {
        known = Mutex([Groups?](repeating: nil, count: count))
    }

    /// The rule's groups, read off `regex`, the pattern that matched (its full and plain forms number their groups
    /// alike: the plain one only has fewer alternatives, none with a group).
    func of(_ rule: Int, matchedBy regex: Regex) -> Groups {
        known.withLock { known in
            if let groups = known[rule] { return groups }
            let groups = Capture.allCases.compactMap { capture in regex.namedGroups[capture.rawValue].map { (capture, $0) } }
            known[rule] = groups
            return groups
        }
    }
}
