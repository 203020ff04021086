/// Renders a decision for a person: the whole document, removed spans struck (or `[-…-]`), flagged spans
/// marked (or `[?…?]`), each followed by a note with its rule, family, score and the factors behind it, and
/// the verdicts at the end.
public struct ExplainWriter: Sendable {
    public let catalogue: Catalogue
    /// ANSI colour (a terminal without NO_COLOR) or plain markers.
    public let color: Bool

    public init(catalogue: Catalogue, color: Bool) {
        self.catalogue = catalogue
        self.color = color
    }

    public func render(_ decision: Decision) -> String {
        let document = decision.document
        let bytes = document.bytes
        let spans = (decision.removed.map { ($0, true) } + decision.flagged.map { ($0, false) })
            .sorted { $0.0.span.lowerBound < $1.0.span.lowerBound }
        var out = ""
        func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        for segment in document.segments {
            let content = segment.content
            let here = spans.filter { $0.0.span.overlaps(content) || ($0.0.span.contains(content.lowerBound) && content.isEmpty) }
            var line = ""
            var cursor = content.lowerBound
            for (span, removed) in here {
                let lower = max(span.span.lowerBound, content.lowerBound), upper = min(span.span.upperBound, content.upperBound)
                guard lower >= cursor, lower <= upper else { continue }
                line += text(cursor..<lower)
                line += open(removed) + text(lower..<upper) + close(removed)
                cursor = upper
            }
            line += text(cursor..<content.upperBound)
            out += line + "\n"
            for (span, removed) in here where span.evidence.segment == segment.index || span.span.lowerBound >= content.lowerBound && span.span.lowerBound < max(content.upperBound, content.lowerBound + 1) {
                out += note(span, removed: removed) + "\n"
            }
        }
        out += summary(decision)
        return out
    }

    private func open(_ removed: Bool) -> String {
        color ? (removed ? "\u{1B}[9;31m" : "\u{1B}[4;33m") : (removed ? "[-" : "[?")
    }

    private func close(_ removed: Bool) -> String {
        color ? "\u{1B}[0m" : (removed ? "-]" : "?]")
    }

    private func note(_ span: ScoredSpan, removed: Bool) -> String {
        let rule = catalogue.rules[span.evidence.rule]
        let product = span.factors.filter(\.multiplies).map { "\($0.name) \(Self.format($0.value))" }.joined(separator: " × ")
        let context = span.factors.filter { !$0.multiplies }.map { "\($0.name.replacingOccurrences(of: "_", with: " ")) \(Int($0.value))" }
            .joined(separator: ", ")
        let verb = removed ? "removed" : "flagged"
        let body = "    ↳ \(verb): \(rule.id) (\(rule.family.rawValue), \(rule.language)) score \(Self.format(span.score)) = \(product)"
            + (context.isEmpty ? "" : " [\(context)]") + "  \(rule.location)"
        return color ? "\u{1B}[2m" + body + "\u{1B}[0m" : body
    }

    private func summary(_ decision: Decision) -> String {
        let meta = decision.metadata
        var parts: [String] = []
        parts.append(meta.paywalled ? "paywalled" : "not paywalled")
        parts.append(meta.truncated ? "truncated (\(meta.truncatedBy ?? "?"))" : "not truncated")
        parts.append("confidence \(Self.format(meta.confidence))")
        if let percent = meta.remainingPercent { parts.append("\(Self.format(percent))% left to read") }
        if let chars = meta.remainingChars { parts.append("\(chars) characters left to read") }
        var lines = ["== verdict: " + parts.joined(separator: ", ")]
        let syndication = meta.syndication
        if syndication.originalTitle != nil || syndication.originalSite != nil || syndication.originalURL != nil {
            lines.append("== first published: " + [syndication.originalTitle.map { "“\($0)”" }, syndication.originalSite.map { "on \($0)" },
                                                     syndication.originalURL].compactMap { $0 }.joined(separator: " "))
        }
        if let credit = syndication.credit { lines.append("== credit: \(credit)") }
        lines.append("== \(decision.removed.count) removed, \(decision.flagged.count) flagged")
        if let failure = decision.failure { lines.append("== error: \(failure)") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
