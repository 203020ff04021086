/// Writes a decision's metadata as a JSON object, on bytes, keys in a fixed order.
///
/// Keys: `paywalled`, `truncated`, `confidence`, `remaining_percent`, `remaining_chars`, `estimated_full_chars`,
/// `syndication` {`original_title`, `original_site`, `original_url`, `credit`}, `removed` and `flagged` (each
/// span: `start`, `end`, `rule`, `family`, `score`, `text`; with `verbose`, also `factors`). Offsets count the
/// code points of the input text, as Python's `str` does.
public struct MetadataWriter: Sendable {
    public let catalogue: Catalogue
    public var verbose: Bool

    public init(catalogue: Catalogue, verbose: Bool = false) {
        self.catalogue = catalogue
        self.verbose = verbose
    }

    public func write(_ decision: Decision, to out: inout [UInt8]) {
        let meta = decision.metadata
        out.append(contentsOf: #"{"paywalled":"#.utf8)
        out.append(contentsOf: (meta.paywalled ? "true" : "false").utf8)
        out.append(contentsOf: #","truncated":"#.utf8)
        out.append(contentsOf: (meta.truncated ? "true" : "false").utf8)
        out.append(contentsOf: #","confidence":"#.utf8)
        Self.number(meta.confidence, to: &out)
        out.append(contentsOf: #","remaining_percent":"#.utf8)
        if let value = meta.remainingPercent { Self.number(value, decimals: 4, to: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: #","remaining_chars":"#.utf8)
        out.append(contentsOf: (meta.remainingChars.map(String.init) ?? "null").utf8)
        out.append(contentsOf: #","estimated_full_chars":"#.utf8)
        out.append(contentsOf: (meta.estimatedFullChars.map(String.init) ?? "null").utf8)
        out.append(contentsOf: #","syndication":{"original_title":"#.utf8)
        Self.optionalString(meta.syndication.originalTitle, to: &out)
        out.append(contentsOf: #","original_site":"#.utf8)
        Self.optionalString(meta.syndication.originalSite, to: &out)
        out.append(contentsOf: #","original_url":"#.utf8)
        Self.optionalString(meta.syndication.originalURL, to: &out)
        out.append(contentsOf: #","credit":"#.utf8)
        Self.optionalString(meta.syndication.credit, to: &out)
        out.append(contentsOf: #"},"removed":"#.utf8)
        var index = CodePointIndex(bytes: decision.document.bytes)
        spans(decision.removed, decision.document, &index, to: &out)
        out.append(contentsOf: #","flagged":"#.utf8)
        var flaggedIndex = CodePointIndex(bytes: decision.document.bytes)
        spans(decision.flagged, decision.document, &flaggedIndex, to: &out)
        if verbose || decision.failure != nil {
            if let failure = decision.failure {
                out.append(contentsOf: #","error":"#.utf8)
                JSONString.encode(Array(failure.description.utf8), to: &out)
            }
            if verbose, let reason = meta.truncatedBy {
                out.append(contentsOf: #","truncated_by":"#.utf8)
                JSONString.encode(Array(reason.utf8), to: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    private func spans(_ spans: [ScoredSpan], _ document: Document, _ index: inout CodePointIndex, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (position, span) in spans.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            let rule = catalogue.rules[span.evidence.rule]
            out.append(contentsOf: #"{"start":"#.utf8)
            out.append(contentsOf: String(index.codePoints(before: span.span.lowerBound)).utf8)
            out.append(contentsOf: #","end":"#.utf8)
            out.append(contentsOf: String(index.codePoints(before: span.span.upperBound)).utf8)
            out.append(contentsOf: #","rule":"#.utf8)
            JSONString.encode(Array(rule.id.utf8), to: &out)
            out.append(contentsOf: #","family":""#.utf8)
            out.append(contentsOf: rule.family.rawValue.utf8)
            out.append(contentsOf: #"","score":"#.utf8)
            Self.number(span.score, to: &out)
            out.append(contentsOf: #","text":"#.utf8)
            JSONString.encode(document.bytes[span.span], to: &out)
            if verbose {
                out.append(contentsOf: #","factors":{"#.utf8)
                for (position, factor) in span.factors.enumerated() {
                    if position > 0 { out.append(UInt8(ascii: ",")) }
                    JSONString.encode(Array(factor.name.utf8), to: &out)
                    out.append(UInt8(ascii: ":"))
                    Self.number(factor.value, to: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
    }

    /// A number rounded to `decimals` places, in JSON.
    static func number(_ value: Double, decimals: Int = 3, to out: inout [UInt8]) {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        if rounded == rounded.rounded(), abs(rounded) < 1e15 {
            out.append(contentsOf: String(Int(rounded)).utf8)
        } else {
            out.append(contentsOf: rounded.description.utf8)
        }
    }

    static func optionalString(_ value: String?, to out: inout [UInt8]) {
        if let value { JSONString.encode(Array(value.utf8), to: &out) } else { out.append(contentsOf: "null".utf8) }
    }
}
