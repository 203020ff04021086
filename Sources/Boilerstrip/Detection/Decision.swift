/// What boilerstrip decided about one document: the spans it removes and flags, and the metadata.
public struct Decision: Sendable {
    /// The document decided on.
    public let document: Document
    /// Removed spans, sorted by position, never overlapping.
    public let removed: [ScoredSpan]
    /// Spans scored in the band below the threshold: kept, but reported.
    public let flagged: [ScoredSpan]
    /// Document-level verdicts and metadata.
    public let metadata: Metadata
    /// Set when a rule failed (a match limit); the document is then left unchanged.
    public let failure: MatchFailure?

    /// The cleaned bytes: the document without the removed spans.
    public var cleanedBytes: [UInt8] {
        guard !removed.isEmpty else { return document.bytes }
        var out: [UInt8] = []
        out.reserveCapacity(document.bytes.count)
        forEachKeptPiece { out.append(contentsOf: document.bytes[$0]) }
        return out
    }

    /// Calls `body` with each range of the document between the removed spans, in order (empty ones too).
    func forEachKeptPiece(_ body: (Range<Int>) -> Void) {
        var cursor = 0
        for span in removed {
            body(cursor..<span.span.lowerBound)
            cursor = span.span.upperBound
        }
        body(cursor..<document.bytes.count)
    }

    /// Appends the cleaned bytes as a JSON string token: what `JSONString.encode(cleanedBytes, to:)` appends, from the
    /// pieces between the removed spans (no copy of the cleaned text first), unless a cut falls inside a UTF-8
    /// sequence (on a continuation byte), where encoding a piece alone could read it otherwise.
    func encodeCleanedText(to out: inout [UInt8]) {
        let bytes = document.bytes
        func startsSequence(_ index: Int) -> Bool { index >= bytes.count || bytes[index] & 0xC0 != 0x80 }
        guard removed.allSatisfy({ startsSequence($0.span.lowerBound) && startsSequence($0.span.upperBound) }) else {
            JSONString.encode(cleanedBytes, to: &out)
            return
        }
        out.append(UInt8(ascii: "\""))
        bytes.withUnsafeBufferPointer { buffer in
            forEachKeptPiece { JSONString.encodeBody(UnsafeBufferPointer(rebasing: buffer[$0]), to: &out) }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Builds a ``Decision`` from scored spans.
public struct Decider: Sendable {
    public let catalogue: Catalogue
    public let thresholds: Scorer.Thresholds

    /// Whether wire credits stay in the text (still read into the metadata).
    public let keepCredits: Bool

    public init(catalogue: Catalogue, thresholds: Scorer.Thresholds, keepCredits: Bool = false) {
        self.catalogue = catalogue
        self.thresholds = thresholds
        self.keepCredits = keepCredits
    }

    public func decide(_ scored: [ScoredSpan], in document: Document) -> Decision {
        // Highest score first; a span overlapping one already taken is dropped (removals) or not flagged.
        let ranked = scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.span.lowerBound < $1.span.lowerBound }
        var removed: [ScoredSpan] = []
        var flagged: [ScoredSpan] = []
        for candidate in ranked {
            if candidate.score >= thresholds.remove {
                // A span that contains the ones it overlaps (a whole line over a sentence of it) replaces them.
                let overlapping = removed.indices.filter { removed[$0].span.overlaps(candidate.span) }
                if overlapping.isEmpty {
                    removed.append(candidate)
                } else if overlapping.allSatisfy({ candidate.span.covers(removed[$0].span) && candidate.span != removed[$0].span }) {
                    for index in overlapping.reversed() { removed.remove(at: index) }
                    removed.append(candidate)
                }
            } else if candidate.score >= thresholds.flag {
                if !removed.contains(where: { $0.span.overlaps(candidate.span) }),
                   !flagged.contains(where: { $0.span.overlaps(candidate.span) }) {
                    flagged.append(candidate)
                }
            }
        }
        removed.sort { $0.span.lowerBound < $1.span.lowerBound }
        flagged.sort { $0.span.lowerBound < $1.span.lowerBound }
        // Credits kept in the text still say who wrote it, and the text's prose still ends before them.
        var credits: [ScoredSpan] = []
        if keepCredits {
            credits = removed.filter { catalogue.rules[$0.evidence.rule].isCredit }
            removed.removeAll { catalogue.rules[$0.evidence.rule].isCredit }
        }
        absorbBlankLines(&removed, in: document)
        let read = credits.isEmpty ? removed : (removed + credits).sorted { $0.span.lowerBound < $1.span.lowerBound }
        let metadata = Metadata(removed: read, flagged: flagged, document: document, catalogue: catalogue)
        return Decision(document: document, removed: removed, flagged: flagged, metadata: metadata, failure: nil)
    }

    /// Extends whole-line removals over the blank lines they would leave orphaned: before and after a run that
    /// ends the document, after a run that starts it, and after a run that sits between two blank lines.
    func absorbBlankLines(_ removed: inout [ScoredSpan], in document: Document) {
        guard removed.contains(where: \.wholeLine) else { return }
        let segments = document.segments
        // Segment → index in removed (-1: none), on the stack when it fits (an array of optionals looked up its type
        // metadata at run time on every allocation).
        withUnsafeTemporaryAllocation(of: Int.self, capacity: segments.count) { removedIndex in
        removedIndex.initialize(repeating: -1)
        for (index, span) in removed.enumerated() where span.wholeLine { removedIndex[span.evidence.segment] = index }
        func removedLine(_ segment: Int) -> Int? { removedIndex[segment] >= 0 ? removedIndex[segment] : nil }
        // Read near the removed lines only (a map over every line trimmed each of them).
        func blank(_ index: Int) -> Bool { !segments[index].whole.isEmpty && document.isBlank(segments[index]) }
        var segment = 0
        while segment < segments.count {
            guard let first = removedLine(segment) else { segment += 1; continue }
            // A run of removed lines, blank lines between them included.
            var last = segment, lastIndex = first, cursor = segment + 1
            while cursor < segments.count {
                if let index = removedLine(cursor) { last = cursor; lastIndex = index; cursor += 1 }
                else if blank(cursor) { cursor += 1 }
                else { break }
            }
            var before = segment
            while before > 0, blank(before - 1) { before -= 1 }
            var after = last + 1
            while after < segments.count, blank(after) { after += 1 }
            let atEnd = after == segments.count
            let atStart = before == 0
            if atEnd {
                removed[first].span = segments[before].whole.lowerBound..<removed[first].span.upperBound
                if after > last + 1 || first != lastIndex {
                    removed[lastIndex].span = removed[lastIndex].span.lowerBound..<segments[after - 1].end
                }
            } else if atStart || before < segment {
                if after > last + 1 { removed[lastIndex].span = removed[lastIndex].span.lowerBound..<segments[after - 1].end }
            }
            // Blank lines strictly inside the run join the span before them.
            var previous = first
            for line in segment..<(last + 1) where line > segment {
                if let index = removedLine(line) {
                    if removed[previous].span.upperBound < removed[index].span.lowerBound,
                       line > 0, blank(line - 1) {
                        removed[previous].span = removed[previous].span.lowerBound..<removed[index].span.lowerBound
                    }
                    previous = index
                }
            }
            segment = after
        }
        }
        removed.sort { $0.span.lowerBound < $1.span.lowerBound }
    }
}

extension Range where Bound == Int {
    /// Whether `other` lies within this range.
    func covers(_ other: Range<Int>) -> Bool { lowerBound <= other.lowerBound && other.upperBound <= upperBound }
}
