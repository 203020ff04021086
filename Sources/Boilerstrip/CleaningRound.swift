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
/// changed, or joined, need the screen and PCRE2 again. On the boilerplate mix of the benchmarks a fifth of the
/// documents took a second round over their whole text.
struct CleaningRound {
    let document: Document
    let evidence: [Evidence]
    /// The round's removed spans, in `document`'s offsets: sorted, not overlapping.
    let cuts: [Range<Int>]

    /// Every match in `next` (what the round left of `document`), in the matcher's order: the round's matches on the
    /// lines that are the same bytes, moved, and the screen's and PCRE2's on the others. Nil where that would not be
    /// what matching the whole of `next` finds: where head and tail rules are not tried on every line (a document
    /// longer than ``RuleMatcher/window``), or where a changed line that is not the first begins with a byte order
    /// mark (the matcher skips one on the first line only).
    /// - Throws: ``MatchFailure`` when a limit stopped a rule on a changed line.
    func evidence(in next: Document, matcher: RuleMatcher, workspace: Cleaner.Workspace) throws(MatchFailure) -> [Evidence]? {
        guard document.bytes.count <= RuleMatcher.window else { return nil }
        var found: [Evidence] = []
        found.reserveCapacity(evidence.count)
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
            if let earlier, earlier.content == start..<(start + content.count), (earlier.index == 0) == (segment.index == 0),
               cut == cuts.count || cuts[cut].lowerBound >= earlier.content.upperBound,
               CleaningRound.same(next.bytes, content, document.bytes, earlier.content) {
                // The same bytes: the same matches, moved.
                let moved = content.lowerBound - start
                while nextEvidence < evidence.count, evidence[nextEvidence].segment == earlier.index {
                    found.append(evidence[nextEvidence].moved(by: moved, to: segment.index))
                    nextEvidence += 1
                }
                continue
            }
            // A changed line, alone: what the screen and the matcher find in it are what they would find in `next`.
            let line = Document(bytes: Array(next.bytes[content]))
            if segment.index != 0, line.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return nil }
            let candidates = matcher.catalogue.screen.candidates(in: line, scratch: workspace.screenScratch)
            guard !candidates.isEmpty else { continue }
            for match in try matcher.evidence(in: line, candidates: candidates, scratch: workspace.scratch, timings: workspace.timings) {
                found.append(match.moved(by: content.lowerBound, to: segment.index))
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

extension Evidence {
    /// The same match `offset` bytes further on, on line `segment`.
    func moved(by offset: Int, to segment: Int) -> Evidence {
        Evidence(rule: rule, segment: segment, match: (match.lowerBound + offset)..<(match.upperBound + offset),
                 captures: offset == 0 ? captures : captures.mapValues { ($0.lowerBound + offset)..<($0.upperBound + offset) })
    }
}
