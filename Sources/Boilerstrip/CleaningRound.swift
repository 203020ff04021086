#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one round of cleaning found, kept for the next round: the document it ran on, every match there (in the
/// matcher's order: by line, then rule, then start) and the spans it cut.
///
/// A round after the first runs on the text the earlier one left, where most lines are the same bytes as before.
/// Screening and matching look at one line at a time (a rule's literals, boundaries and matches lie within its line),
/// so on a line that is the same bytes the next round would find the same matches, only moved; only the lines a cut
/// changed, or joined, need the screen and PCRE2 again (and a line that moved into a head or tail window, for the
/// rules of that window). On the boilerplate mix of the benchmarks a fifth of the documents took a second round over
/// their whole text.
struct CleaningRound {
    let document: Document
    let evidence: [Evidence]
    /// The round's removed spans, in `document`'s offsets: sorted, not overlapping.
    let cuts: [Range<Int>]

    /// Every match in `next` (what the round left of `document`), in the matcher's order: the round's matches on the
    /// lines that are the same bytes and stand where they did against the head and tail windows, moved; the matcher's
    /// on the others, with the candidates the screen finds in each alone. Nil where a changed line that is not the
    /// first begins with a byte order mark (the screen skips one on the first line only), or in a document of 2 GiB or
    /// more (whose candidates carry no literal positions): then the whole of `next` is screened.
    /// - Throws: ``MatchFailure`` when a limit stopped a rule on a changed line.
    func evidence(in next: Document, matcher: RuleMatcher, workspace: Cleaner.Workspace) throws(MatchFailure) -> [Evidence]? {
        guard document.bytes.count < Int(Int32.max) else { return nil }  // candidates keep literal positions in 32 bits
        var moved: [Evidence] = []
        moved.reserveCapacity(evidence.count)
        var candidates: [Candidate] = []
        var cut = 0, shift = 0  // the cuts before the line, and the bytes they took
        var old = 0, nextEvidence = 0  // the earlier line at or after the line's place, and its first match
        for segment in next.segments {
            let content = segment.content
            // Where the line's bytes were: after every cut that lay before it (or ended where it starts).
            while cut < cuts.count, cuts[cut].lowerBound - shift <= content.lowerBound {
                shift += cuts[cut].count
                cut += 1
            }
            let start = content.lowerBound + shift
            while old < document.segments.count, document.segments[old].content.lowerBound < start { old += 1 }
            while nextEvidence < evidence.count, evidence[nextEvidence].segment < old { nextEvidence += 1 }
            let earlier = old < document.segments.count ? document.segments[old] : nil
            // The same bytes (equal bytes give the same matches, whatever the cuts did), in the same place against the
            // windows, and first in both or in neither (the matcher skips a byte order mark on the first line only).
            if let earlier, earlier.content == start..<(start + content.count), (earlier.index == 0) == (segment.index == 0),
               RuleMatcher.windowPlace(base: start, end: earlier.content.upperBound, length: document.bytes.count)
                == RuleMatcher.windowPlace(base: content.lowerBound, end: content.upperBound, length: next.bytes.count),
               CleaningRound.same(next.bytes, content, document.bytes, earlier.content) {
                // The same bytes in the same place: the same matches, moved.
                let offset = content.lowerBound - start
                while nextEvidence < evidence.count, evidence[nextEvidence].segment == earlier.index {
                    moved.append(evidence[nextEvidence].moved(by: offset, to: segment.index))
                    nextEvidence += 1
                }
                continue
            }
            // A changed line: the screen's candidates in it alone are its candidates in `next`.
            let line = Document(bytes: Array(next.bytes[content]))
            if segment.index != 0, line.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return nil }
            for candidate in matcher.catalogue.candidates(in: line, scratch: workspace.screenScratch) {
                candidates.append(candidate.moved(by: content.lowerBound, to: segment.index))
            }
        }
        guard !candidates.isEmpty else { return moved }
        let fresh = try matcher.evidence(in: next, candidates: candidates, scratch: workspace.scratch, timings: workspace.timings)
        guard !moved.isEmpty else { return fresh }
        // Both by line, each line in one of them.
        var found: [Evidence] = []
        found.reserveCapacity(moved.count + fresh.count)
        var (a, b) = (0, 0)
        while a < moved.count || b < fresh.count {
            if b == fresh.count || (a < moved.count && moved[a].segment < fresh[b].segment) {
                found.append(moved[a])
                a += 1
            } else {
                found.append(fresh[b])
                b += 1
            }
        }
        return found
    }
}

extension CleaningRound {
    /// Whether two ranges of the same length hold the same bytes.
    static func same(_ a: [UInt8], _ aRange: Range<Int>, _ b: [UInt8], _ bRange: Range<Int>) -> Bool {
        guard aRange.count == bRange.count else { return false }
        guard !aRange.isEmpty else { return true }
        return a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in memcmp(a.baseAddress! + aRange.lowerBound, b.baseAddress! + bRange.lowerBound, aRange.count) == 0 }
        }
    }
}

extension Candidate {
    /// The same candidate for a line `offset` bytes further on, line `segment`.
    func moved(by offset: Int, to segment: Int) -> Candidate {
        var candidate = Candidate(segment: Int32(truncatingIfNeeded: segment), rule: rule)
        candidate.startLimit = startLimit == Candidate.anywhere ? startLimit : startLimit + Int32(truncatingIfNeeded: offset)
        candidate.firstLiteral = firstLiteral < 0 ? firstLiteral : firstLiteral + Int32(truncatingIfNeeded: offset)
        return candidate
    }
}

extension Evidence {
    /// The same match `offset` bytes further on, on line `segment`.
    func moved(by offset: Int, to segment: Int) -> Evidence {
        Evidence(rule: rule, segment: segment, match: (match.lowerBound + offset)..<(match.upperBound + offset),
                 captures: offset == 0 ? captures : captures.mapValues { ($0.lowerBound + offset)..<($0.upperBound + offset) })
    }
}

extension Cleaner {
    /// What ``laterRoundCheck(_:in:)`` found: ``clean(_:in:)``'s decision, how many later rounds the document took, in
    /// how many the matches were reused, the longest text a later round ran on, and the first difference from rounds
    /// over whole texts (nil: none).
    public struct LaterRoundCheck: Sendable {
        public var decision: Decision
        public var laterRounds = 0
        public var reused = 0
        public var longestLaterText = 0
        public var difference: String?
    }

    /// For tests and the fuzz target: cleans `document` with rounds over whole texts, as before later rounds reused
    /// matches, comparing at each later round what ``CleaningRound`` finds with what matching the whole text finds,
    /// and at the end the decision with ``clean(_:in:)``'s, which it returns too.
    public func laterRoundCheck(_ document: Document, in workspace: Workspace) -> LaterRoundCheck {
        var check = LaterRoundCheck(decision: clean(document, in: workspace))
        let whole = clean(document, in: workspace, reusingMatches: false) { previous, next in
            check.laterRounds += 1
            check.longestLaterText = max(check.longestLaterText, next.bytes.count)
            let found: Result<[Evidence], MatchFailure> = Result { () throws(MatchFailure) in
                try matcher.evidence(in: next, candidates: catalogue.candidates(in: next, scratch: workspace.screenScratch),
                                     scratch: workspace.scratch)
            }
            let reused: Result<[Evidence]?, MatchFailure> = Result { () throws(MatchFailure) in
                try previous.evidence(in: next, matcher: matcher, workspace: workspace)
            }
            var difference: String?
            switch (found, reused) {
            case (_, .success(nil)): break
            case let (.success(found), .success(reused?)):
                check.reused += 1
                if reused != found { difference = "reused \(reused), whole text \(found)" }
            case let (.failure(found), .failure(reused)):
                check.reused += 1
                if reused != found { difference = "\(reused) against \(found)" }
            default:
                difference = "reused \(reused), whole text \(found)"
            }
            if check.difference == nil, let difference { check.difference = "round \(check.laterRounds + 1): " + difference }
        }
        let cleaned = check.decision
        if check.difference == nil, cleaned.cleanedBytes != whole.cleanedBytes || cleaned.removed != whole.removed
            || cleaned.flagged != whole.flagged || cleaned.metadata != whole.metadata || cleaned.failure != whole.failure {
            check.difference = "clean() decides otherwise than rounds over whole texts"
        }
        return check
    }
}
