/// Turns evidence into scored spans: the rule's prior weighed by the match's context.
///
/// `score = prior × coverage × position`, each factor in 0…1:
/// - **prior**: the rule's `weight`.
/// - **coverage**: 1 when the match covers its whole line (spaces aside); for a part of a line, 0.95 when it
///   starts and ends at sentence boundaries (or the line's ends), 0.75 when only one side does, 0.5 otherwise.
/// - **position**: for `tail` rules, 1 in the last line of text, then 0.8, 0.6 and 0.35 further up, counting
///   only lines that are not themselves boilerplate (so a run of footer lines reinforces itself); a part of a
///   line counts as last only when nothing but spaces follows it. `head` rules mirror this from the top;
///   `any` rules score 1.
public struct Scorer: Sendable {
    /// Decision thresholds.
    public struct Thresholds: Sendable, Equatable {
        /// At or above: removed.
        public var remove: Double
        /// At or above (and below `remove`): flagged and kept.
        public var flag: Double
        public init(remove: Double = 0.5, flag: Double = 0.25) {
            self.remove = remove
            self.flag = flag
        }
    }

    public static let tailDecay: [Double] = [1.0, 0.8, 0.6]
    public static let farFromEnd = 0.35

    public let catalogue: Catalogue
    public let thresholds: Thresholds

    public init(catalogue: Catalogue, thresholds: Thresholds = Thresholds()) {
        self.catalogue = catalogue
        self.thresholds = thresholds
    }

    /// Scores each piece of evidence.
    public func score(_ evidence: [Evidence], in document: Document) -> [ScoredSpan] {
        guard !evidence.isEmpty else { return [] }
        let bytes = document.bytes
        // Shape of each match: whole line or part, and its removal span.
        struct Shape { var span: Range<Int>; var whole: Bool; var coverage: Double; var atLineEnd: Bool; var atLineStart: Bool }
        var shapes: [Shape] = []
        shapes.reserveCapacity(evidence.count)
        for item in evidence {
            let segment = document.segments[item.segment]
            let line = document.trimmed(segment.content)
            let match = document.trimmed(item.match)
            if match.lowerBound <= line.lowerBound && match.upperBound >= line.upperBound {
                shapes.append(Shape(span: segment.whole, whole: true, coverage: 1, atLineEnd: true, atLineStart: true))
                continue
            }
            var start = item.match.lowerBound
            while start > segment.content.lowerBound, let width = Spacing.widthBefore(start, in: bytes, limit: segment.content.lowerBound) { start -= width }
            var end = item.match.upperBound
            let atLineEnd = match.upperBound >= line.upperBound
            if atLineEnd { end = segment.content.upperBound }
            let atLineStart = start <= segment.content.lowerBound || match.lowerBound <= line.lowerBound
            let startsAtBoundary = atLineStart || Scorer.endsSentence(bytes, before: start, limit: segment.content.lowerBound)
                || Scorer.endsSentence(bytes, before: match.lowerBound, limit: segment.content.lowerBound)
            let endsAtBoundary = atLineEnd || Scorer.endsSentence(bytes, before: match.upperBound, limit: match.lowerBound)
            let coverage = startsAtBoundary && endsAtBoundary ? 0.95 : (startsAtBoundary || endsAtBoundary ? 0.75 : 0.5)
            shapes.append(Shape(span: start..<end, whole: false, coverage: coverage, atLineEnd: atLineEnd, atLineStart: atLineStart))
        }
        // Lines that are boilerplate on their own (a strong whole-line match): they do not count as text when
        // measuring how far a match sits from the end or the start.
        var boilerplateLines = Set<Int>()
        for (item, shape) in zip(evidence, shapes) where shape.whole {
            if catalogue.rules[item.rule].weight >= thresholds.remove { boilerplateLines.insert(item.segment) }
        }
        // Text lines (non-blank, not boilerplate) before and after each line.
        let segments = document.segments
        var textBefore = [Int](repeating: 0, count: segments.count)
        var textAfter = [Int](repeating: 0, count: segments.count)
        var isText = [Bool](repeating: false, count: segments.count)
        for segment in segments { isText[segment.index] = !boilerplateLines.contains(segment.index) && !document.isBlank(segment) }
        var running = 0
        for index in segments.indices { textBefore[index] = running; if isText[index] { running += 1 } }
        running = 0
        for index in segments.indices.reversed() { textAfter[index] = running; if isText[index] { running += 1 } }

        var scored: [ScoredSpan] = []
        scored.reserveCapacity(evidence.count)
        for (item, shape) in zip(evidence, shapes) {
            let rule = catalogue.rules[item.rule]
            var position = 1.0
            switch rule.position {
            case .any:
                position = 1
            case .tail:
                let distance = textAfter[item.segment] + (shape.whole || shape.atLineEnd ? 0 : 3)
                position = distance < Scorer.tailDecay.count ? Scorer.tailDecay[distance] : Scorer.farFromEnd
            case .head:
                let distance = textBefore[item.segment] + (shape.whole || shape.atLineStart ? 0 : 3)
                position = distance < Scorer.tailDecay.count ? Scorer.tailDecay[distance] : Scorer.farFromEnd
            }
            let factors = [
                Factor(name: "prior", value: rule.weight),
                Factor(name: "coverage", value: shape.coverage),
                Factor(name: "position", value: position),
            ]
            let score = min(1, max(0, rule.weight * shape.coverage * position))
            scored.append(ScoredSpan(evidence: item, span: shape.span, wholeLine: shape.whole, score: score, factors: factors))
        }
        return scored
    }

    /// Whether the text right before `index` ends a sentence (spaces skipped).
    static func endsSentence(_ bytes: [UInt8], before index: Int, limit: Int) -> Bool {
        var cursor = index
        while cursor > limit, let width = Spacing.widthBefore(cursor, in: bytes, limit: limit) { cursor -= width }
        guard cursor > limit else { return true }
        let last = bytes[cursor - 1]
        switch last {
        case UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: ":"),
             UInt8(ascii: "\""), UInt8(ascii: ")"), UInt8(ascii: "]"):
            return true
        case 0xA6 where cursor >= limit + 3 && bytes[cursor - 3] == 0xE2 && bytes[cursor - 2] == 0x80:  // …
            return true
        case 0x9D where cursor >= limit + 3 && bytes[cursor - 3] == 0xE2 && bytes[cursor - 2] == 0x80:  // ”
            return true
        case 0xBB where cursor >= limit + 2 && bytes[cursor - 2] == 0xC2:  // »
            return true
        default:
            return false
        }
    }
}

/// A named factor of a score, for `--explain` and `--verbose`.
public struct Factor: Sendable, Equatable {
    public let name: String
    public let value: Double
}

/// A piece of evidence with the span it would remove and its score.
public struct ScoredSpan: Sendable, Equatable {
    public let evidence: Evidence
    /// The bytes to remove: the whole line with its break, or the match with the spaces before it.
    public var span: Range<Int>
    public let wholeLine: Bool
    public let score: Double
    public let factors: [Factor]
}
