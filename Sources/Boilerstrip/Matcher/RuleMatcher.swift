import Dispatch
import PCRE2

/// Runs PCRE2 on the lines the screen let through, and turns matches into ``Evidence``.
public struct RuleMatcher: Sendable {
    public let catalogue: Catalogue

    /// Per rule, what the loop needs (copying a whole ``Rule`` per candidate costs reference counting).
    private let regexes: [Regex]
    private let positions: [Position]

    public init(catalogue: Catalogue) {
        self.catalogue = catalogue
        regexes = catalogue.rules.map(\.regex)
        positions = catalogue.rules.map(\.position)
    }

    /// How far from the end (start) of a document tail (head) rules are tried, in bytes: well beyond the
    /// scorer's `farChars`, past which a match could only be flagged.
    public static let window = 8192

    /// Every match of every candidate rule, in document order. A line can hold several matches of one rule
    /// (teasers glued into one paragraph); they do not overlap.
    /// - Throws: ``MatchFailure`` when a match or depth limit stopped a rule.
    public func evidence(in document: Document, candidates: [Candidate], scratch: MatchScratch,
                         timings: RuleTimings? = nil) throws(MatchFailure) -> [Evidence] {
        guard !candidates.isEmpty else { return [] }
        var found: [Evidence] = []
        // Tail rules are only tried in the document's last `window` bytes, head rules in its first: further
        // away the position factor keeps any match below the threshold, so PCRE2 need not look there.
        let tailFrom = max(0, document.bytes.count - RuleMatcher.window)
        let headTo = min(document.bytes.count, RuleMatcher.window)
        do {
            try document.bytes.withUnsafeBufferPointer { buffer throws(MatchFailure) in
                for candidate in candidates {
                    let segment = document.segments[Int(candidate.segment)]
                    let regex = regexes[Int(candidate.rule)]
                    // A byte order mark is not part of the first line's text: `^` matches after it.
                    let bom = segment.index == 0 && buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF
                        && segment.content.count >= 3
                    let content = bom ? (segment.content.lowerBound + 3)..<segment.content.upperBound : segment.content
                    let line = UnsafeBufferPointer(rebasing: buffer[content])
                    let base = content.lowerBound
                    var from = 0
                    switch positions[Int(candidate.rule)] {
                    case .tail:
                        if segment.content.upperBound <= tailFrom { continue }
                        if base < tailFrom {
                            from = tailFrom - base
                            while from < line.count, line[from] & 0xC0 == 0x80 { from += 1 }
                        }
                    case .head:
                        if base >= headTo && base > 0 { continue }
                    case .any:
                        break
                    }
                    // No match starts after the rule's last literal on the line: PCRE2 stops trying there.
                    var startLimit: Int? = nil
                    if candidate.startLimit != Candidate.anywhere {
                        let limit = max(0, Int(candidate.startLimit) - base)
                        if limit < line.count { startLimit = limit }
                        if from > limit { continue }
                    }
                    let started = timings == nil ? 0 : DispatchTime.now().uptimeNanoseconds
                    defer { timings?.record(rule: Int(candidate.rule), bytes: line.count, since: started) }
                    while from <= line.count && from <= (startLimit ?? from) {
                        let match: Match?
                        do throws(MatchError) {
                            match = try regex.firstMatch(in: line, from: from, startLimit: startLimit, scratch: scratch)
                        } catch {
                            throw MatchFailure(ruleID: catalogue.rules[Int(candidate.rule)].id, reason: error.description)
                        }
                        guard let match else { break }
                        let range = match.range
                        if !range.isEmpty {
                            var captures: [Capture: Range<Int>] = [:]
                            if !regex.namedGroups.isEmpty {
                                for capture in Capture.allCases {
                                    if let r = regex.range(named: capture.rawValue, in: match), !r.isEmpty {
                                        captures[capture] = (r.lowerBound + base)..<(r.upperBound + base)
                                    }
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
