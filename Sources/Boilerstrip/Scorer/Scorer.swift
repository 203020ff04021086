/// Turns evidence into scored spans: the rule's prior weighed by the match's context.
///
/// `score = prior × coverage × position`, each factor in 0…1:
/// - **prior**: the rule's `weight`.
/// - **coverage**: 1 when the match covers its whole line (spaces aside); for a part of a line, 0.95 when it
///   starts and ends at sentence boundaries (or the line's ends), 0.75 when only one side does, 0.5 otherwise.
/// - **position**: for `tail` rules, 1 when no prose follows, then 0.8, 0.6 and 0.35 as prose lines follow.
///   Only prose counts: lines that are not themselves boilerplate (so a run of footer lines reinforces itself)
///   and read like text — a sentence of some length, or a long line — not the short headings, widget labels
///   and link lists that pages leave after a notice. More than `farChars` characters of text after the match
///   count as far. A part of a line counts as last only when nothing but spaces follows it. `head` rules
///   mirror this from the top; `any` rules score 1.
public struct Scorer: Sendable {
    /// Decision thresholds.
    public struct Thresholds: Sendable, Equatable {
        /// At or above: removed.
        public var remove: Double
        /// At or above (and below `remove`): flagged and kept.
        public var flag: Double
        public init(remove: Double = 0.45, flag: Double = 0.25) {
            self.remove = remove
            self.flag = flag
        }
    }

    /// The scorer's constants (see docs/SCORING.md for how they were calibrated).
    public struct Parameters: Sendable, Equatable {
        /// Position factor by the number of prose lines between the match and the end (or the start).
        public var decay: [Double] = [1.0, 0.8, 0.6]
        /// Position factor further away.
        public var far = 0.35
        /// Text characters (bytes of non-boilerplate lines) after which a match counts as far.
        public var farChars = 1500
        /// A line is prose when it ends a sentence and has at least this many bytes, or has `longLine` bytes.
        public var proseSentence = 40
        public var longLine = 150
        /// Coverage of a part of a line: both ends at sentence boundaries, one end, none.
        public var partial: [Double] = [0.95, 0.75, 0.5]
        public init() {}
    }

    public let catalogue: Catalogue
    public let thresholds: Thresholds
    public let parameters: Parameters

    public init(catalogue: Catalogue, thresholds: Thresholds = Thresholds(), parameters: Parameters = Parameters()) {
        self.catalogue = catalogue
        self.thresholds = thresholds
        self.parameters = parameters
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
            let coverage = startsAtBoundary && endsAtBoundary ? parameters.partial[0] : (startsAtBoundary || endsAtBoundary ? parameters.partial[1] : parameters.partial[2])
            shapes.append(Shape(span: start..<end, whole: false, coverage: coverage, atLineEnd: atLineEnd, atLineStart: atLineStart))
        }
        // What each line is and what lies before and after it, in one array (eight of them took eight allocations a
        // document).
        struct Line {
            /// Boilerplate on its own (a strong whole-line match): it does not count as text when measuring how far a
            /// match sits from the end or the start.
            var boilerplate = false
            /// Non-blank, not boilerplate, reading like text.
            var prose = false
            /// Its text bytes, and those of strong matches inside it: their bytes do not count as text, so that
            /// removing them does not move the other matches (cleaning stays idempotent).
            var textBytes = 0, strongPartBytes = 0
            /// Prose lines and text bytes before and after it.
            var proseBefore = 0, proseAfter = 0, charsBefore = 0, charsAfter = 0
        }
        let segments = document.segments
        // On the stack when it fits, else a plain allocation: an array of a type of ours looked up its storage's type
        // metadata at run time on every allocation.
        return withUnsafeTemporaryAllocation(of: Line.self, capacity: segments.count) { lines -> [ScoredSpan] in
        lines.initialize(repeating: Line())
        for (item, shape) in zip(evidence, shapes) where catalogue.rules[item.rule].weight >= thresholds.remove {
            if shape.whole { lines[item.segment].boilerplate = true } else { lines[item.segment].strongPartBytes += shape.span.count }
        }
        // Only the lines a distance is measured over: before the last match of a `head` rule, after the first match of
        // another (most matches sit in the last lines: a footer does not read the whole text above it).
        var before = 0, after = segments.count
        for item in evidence {
            // A `to_end` rule reads the prose after it whatever its position.
            if catalogue.rules[item.rule].position == .head { before = max(before, item.segment) }
            if catalogue.rules[item.rule].position != .head || catalogue.rules[item.rule].extendsToEnd { after = min(after, item.segment) }
        }
        func measure(_ index: Int) {
            guard !lines[index].boilerplate else { return }
            let line = document.trimmed(segments[index].content)
            lines[index].textBytes = max(0, line.count - lines[index].strongPartBytes)
            lines[index].prose = line.count >= parameters.longLine
                || (line.count >= parameters.proseSentence && Scorer.endsSentence(bytes, before: line.upperBound, limit: line.lowerBound))
        }
        var proseLines = 0, chars = 0
        for index in 0..<before {
            measure(index)
            lines[index].proseBefore = proseLines; lines[index].charsBefore = chars
            if lines[index].prose { proseLines += 1 }
            chars += lines[index].textBytes
        }
        if before < segments.count { lines[before].proseBefore = proseLines; lines[before].charsBefore = chars }
        proseLines = 0; chars = 0
        for index in stride(from: segments.count - 1, to: after, by: -1) {
            if index >= before { measure(index) }  // the lines below `before` were measured above
            lines[index].proseAfter = proseLines; lines[index].charsAfter = chars
            if lines[index].prose { proseLines += 1 }
            chars += lines[index].textBytes
        }
        if after < segments.count { lines[after].proseAfter = proseLines; lines[after].charsAfter = chars }
        func positionFactor(_ lines: Int, _ chars: Int) -> Double {
            if chars > parameters.farChars { return parameters.far }
            return lines < parameters.decay.count ? parameters.decay[lines] : parameters.far
        }

        var scored: [ScoredSpan] = []
        scored.reserveCapacity(evidence.count)
        for (item, shape) in zip(evidence, shapes) {
            // The three fields it needs, not a copy of the whole rule (which retains each of its strings and arrays).
            let (rulePosition, weight, extendsToEnd) =
                (catalogue.rules[item.rule].position, catalogue.rules[item.rule].weight, catalogue.rules[item.rule].extendsToEnd)
            let segment = document.segments[item.segment]
            // Distance to the edge a rule expects: the end for `tail` (and `any`, whose distance the verdicts use),
            // the start for `head`. What lies beyond the match within its own line counts too.
            let towardsStart = rulePosition == .head
            let rest = shape.whole || (towardsStart ? shape.atLineStart : shape.atLineEnd) ? 0
                : document.trimmed(towardsStart ? segment.content.lowerBound..<item.match.lowerBound
                                                : item.match.upperBound..<segment.content.upperBound).count
            let line = lines[item.segment]
            let linesAway = (towardsStart ? line.proseBefore : line.proseAfter) + (rest >= parameters.proseSentence ? 1 : 0)
            let charsAway = (towardsStart ? line.charsBefore : line.charsAfter) + rest
            let position = rulePosition == .any ? 1.0 : positionFactor(linesAway, charsAway)
            let factors = ScoredSpan.Factors(prior: weight, coverage: shape.coverage, position: position, proseLinesAway: linesAway,
                                             textCharsAway: charsAway)
            let score = min(1, max(0, weight * shape.coverage * position))
            // A widget header (`to_end`) with no prose after it takes the rest of the text with it: the link
            // headlines and labels of the widget, which no rule can tell from a short line of text by themselves.
            var span = shape.span
            if extendsToEnd, shape.whole, line.proseAfter == 0 { span = span.lowerBound..<bytes.count }
            scored.append(ScoredSpan(evidence: item, span: span, wholeLine: shape.whole, score: score, factors: factors))
        }
        return scored
        }
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
    /// Whether the factor is part of the product, or context shown with it.
    public let multiplies: Bool
    public init(name: String, value: Double, multiplies: Bool = true) {
        self.name = name
        self.value = value
        self.multiplies = multiplies
    }
}

/// A piece of evidence with the span it would remove and its score.
public struct ScoredSpan: Sendable, Equatable {
    /// Whether nothing but boilerplate and short non-prose lines follow the span: the text stops here.
    /// (For a `head` rule, whether nothing of the kind precedes it.)
    public var atTextEdge: Bool { scoring.proseLinesAway == 0 }

    public let evidence: Evidence
    /// The bytes to remove: the whole line with its break, or the match with the spaces before it.
    public var span: Range<Int>
    public let wholeLine: Bool
    public let score: Double
    /// What the score is made of.
    let scoring: Factors

    /// The factors of the score, for `--explain` and `--verbose`: the three it multiplies, then its distance from the
    /// edge its rule expects.
    public var factors: [Factor] {
        [
            Factor(name: "prior", value: scoring.prior),
            Factor(name: "coverage", value: scoring.coverage),
            Factor(name: "position", value: scoring.position),
            Factor(name: "prose_lines_away", value: Double(scoring.proseLinesAway), multiplies: false),
            Factor(name: "text_chars_away", value: Double(scoring.textCharsAway), multiplies: false),
        ]
    }

    /// The factors as numbers: every scored span has the same ones (an array of them, named, took an allocation per span).
    struct Factors: Sendable, Equatable {
        let prior: Double, coverage: Double, position: Double
        let proseLinesAway: Int, textCharsAway: Int
    }

    init(evidence: Evidence, span: Range<Int>, wholeLine: Bool, score: Double, factors: Factors) {
        self.evidence = evidence
        self.span = span
        self.wholeLine = wholeLine
        self.score = score
        scoring = factors
    }
}
