/// Writes a decision's metadata as a JSON object, on bytes, keys in a fixed order.
///
/// Keys: `paywalled`, `truncated`, `confidence`, `remaining_percent`, `remaining_chars`, `estimated_full_chars`,
/// `syndication` {`original_title`, `original_site`, `original_url`, `credit`}, `removed` and `flagged` (each
/// span: `start`, `end`, `rule`, `family`, `score`, `text`; with `verbose`, also `factors`). Offsets count the
/// code points of the input text, as Python's `str` does.
public struct MetadataWriter: Sendable {
    public let catalogue: Catalogue
    public var verbose: Bool

    /// Each rule's `"rule":…,"family":…` members, encoded once.
    private let ruleMembers: [[UInt8]]

    public init(catalogue: Catalogue, verbose: Bool = false) {
        self.catalogue = catalogue
        self.verbose = verbose
        ruleMembers = catalogue.rules.map { rule in
            var member = Array(#","rule":"#.utf8)
            JSONString.encode(Array(rule.id.utf8), to: &member)
            member += Array(#","family":""#.utf8)
            member += Array(rule.family.rawValue.utf8)
            member.append(UInt8(ascii: "\""))
            return member
        }
    }

    public func write(_ decision: Decision, to out: inout [UInt8]) {
        let meta = decision.metadata
        Self.raw(#"{"paywalled":"#, to: &out)
        Self.raw(meta.paywalled ? "true" : "false", to: &out)
        Self.raw(#","truncated":"#, to: &out)
        Self.raw(meta.truncated ? "true" : "false", to: &out)
        Self.raw(#","confidence":"#, to: &out)
        Self.number(meta.confidence, to: &out)
        Self.raw(#","remaining_percent":"#, to: &out)
        if let value = meta.remainingPercent { Self.number(value, decimals: 4, to: &out) } else { Self.raw("null", to: &out) }
        Self.raw(#","remaining_chars":"#, to: &out)
        if let value = meta.remainingChars { Self.integer(value, to: &out) } else { Self.raw("null", to: &out) }
        Self.raw(#","estimated_full_chars":"#, to: &out)
        if let value = meta.estimatedFullChars { Self.integer(value, to: &out) } else { Self.raw("null", to: &out) }
        Self.raw(#","syndication":{"original_title":"#, to: &out)
        Self.optionalString(meta.syndication.originalTitle, to: &out)
        Self.raw(#","original_site":"#, to: &out)
        Self.optionalString(meta.syndication.originalSite, to: &out)
        Self.raw(#","original_url":"#, to: &out)
        Self.optionalString(meta.syndication.originalURL, to: &out)
        Self.raw(#","credit":"#, to: &out)
        Self.optionalString(meta.syndication.credit, to: &out)
        Self.raw(#"},"removed":"#, to: &out)
        var index = CodePointIndex(bytes: decision.document.bytes)
        spans(decision.removed, decision.document, &index, to: &out)
        Self.raw(#","flagged":"#, to: &out)
        var flaggedIndex = CodePointIndex(bytes: decision.document.bytes)
        spans(decision.flagged, decision.document, &flaggedIndex, to: &out)
        if verbose || decision.failure != nil {
            if let failure = decision.failure {
                Self.raw(#","error":"#, to: &out)
                JSONString.encode(Array(failure.description.utf8), to: &out)
            }
            if verbose, let reason = meta.truncatedBy {
                Self.raw(#","truncated_by":"#, to: &out)
                JSONString.encode(Array(reason.utf8), to: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    private func spans(_ spans: [ScoredSpan], _ document: Document, _ index: inout CodePointIndex, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (position, span) in spans.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            Self.raw(#"{"start":"#, to: &out)
            Self.integer(index.codePoints(before: span.span.lowerBound), to: &out)
            Self.raw(#","end":"#, to: &out)
            Self.integer(index.codePoints(before: span.span.upperBound), to: &out)
            out.append(contentsOf: ruleMembers[span.evidence.rule])
            Self.raw(#","score":"#, to: &out)
            Self.number(span.score, to: &out)
            Self.raw(#","text":"#, to: &out)
            JSONString.encode(document.bytes[span.span], to: &out)
            if verbose {
                Self.raw(#","factors":{"#, to: &out)
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

    /// A number rounded to `decimals` places, in JSON: as Swift's `description` prints the rounded value (the
    /// shortest form that reads back the same), written from integers for the usual magnitudes.
    static func number(_ value: Double, decimals: Int = 3, to out: inout [UInt8]) {
        var scale = 1.0, power = 1
        for _ in 0..<decimals { scale *= 10; power *= 10 }
        let scaled = (value * scale).rounded()
        let rounded = scaled / scale
        if rounded == rounded.rounded(), abs(rounded) < 1e15 {
            integer(Int(rounded), to: &out)
        } else if abs(scaled) < 1e15, abs(rounded) >= 1e-4 {
            // "-"? whole "." fraction without its trailing zeros
            var units = Int(scaled)
            if units < 0 { out.append(UInt8(ascii: "-")); units = -units }
            integer(units / power, to: &out)
            out.append(UInt8(ascii: "."))
            var fraction = units % power, width = decimals
            while fraction % 10 == 0 { fraction /= 10; width -= 1 }
            digits(UInt(fraction), width: width, to: &out)
        } else {
            out.append(contentsOf: rounded.description.utf8)
        }
    }

    /// An integer in decimal.
    static func integer(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var width = 1, rest = value.magnitude
        while rest >= 10 { rest /= 10; width += 1 }
        digits(value.magnitude, width: width, to: &out)
    }

    /// The last `width` decimal digits of `value`, leading zeros included.
    static func digits(_ value: UInt, width: Int, to out: inout [UInt8]) {
        var divisor: UInt = 1
        for _ in 1..<max(1, width) { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    /// Appends a literal's bytes: a copy of its static storage (appending a `String`'s `utf8` view goes through the
    /// generic sequence path, with a retain, for each of the ~20 keys of every record).
    @inline(__always)
    static func raw(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    static func optionalString(_ value: String?, to out: inout [UInt8]) {
        if let value { JSONString.encode(Array(value.utf8), to: &out) } else { Self.raw("null", to: &out) }
    }
}
