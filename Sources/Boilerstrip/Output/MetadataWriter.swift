/// Writes a decision's metadata as a JSON object, on bytes, keys in a fixed order.
///
/// Keys: `paywalled`, `truncated`, `confidence`, `remaining_percent`, `remaining_chars`, `estimated_full_chars`,
/// `syndication` {`original_title`, `original_site`, `original_url`, `credit`}, `removed` and `flagged` (each
/// span: `start`, `end`, `rule`, `family`, `score`, `text`; with `verbose`, also `factors`). Offsets count the
/// code points of the input text, as Python's `str` does.
public struct MetadataWriter: Sendable {
    public let catalogue: Catalogue
    public var verbose: Bool

    /// Each rule's `"rule":…,"family":…` members, encoded once, one after the other: rule `r`'s are
    /// `ruleMembers[ruleMemberStart[r]..<ruleMemberStart[r + 1]]`, read through pointers (an array for each rule was
    /// retained and released at each span, on objects every job shares).
    private let ruleMemberStart: [Int32]
    private let ruleMembers: [UInt8]
    /// The object of a document where nothing was found (most of them), written once, by `init`.
    private var nothingFound: [UInt8] = []

    public init(catalogue: Catalogue, verbose: Bool = false) {
        self.catalogue = catalogue
        self.verbose = verbose
        (ruleMemberStart, ruleMembers) = flattened(catalogue.rules.map { rule in
            var member = Array(#","rule":"#.utf8)
            JSONString.encode(Array(rule.id.utf8), to: &member)
            member += Array(#","family":""#.utf8)
            member += Array(rule.family.rawValue.utf8)
            member.append(UInt8(ascii: "\""))
            return member
        })
        let nothing = Decision(document: Document(bytes: []), removed: [], flagged: [], metadata: Metadata(), failure: nil)
        nothingFound = ByteWriter.withStackBuffer { writer in
            write(nothing, to: &writer)
            return writer.withBytes { Array($0) }
        }
    }

    /// Appends the metadata object to `out`: written into a buffer on the stack, then appended whole.
    public func write(_ decision: Decision, to out: inout [UInt8]) {
        if decision.removed.isEmpty && decision.flagged.isEmpty && decision.failure == nil && decision.metadata.isNothingFound {
            // As `write` below would put it, with nothing to report; through a pointer: every job shares the array.
            nothingFound.withUnsafeBufferPointer { out.append(contentsOf: $0) }
            return
        }
        ByteWriter.withStackBuffer { writer in
            write(decision, to: &writer)
            writer.withBytes { out.append(contentsOf: $0) }
        }
    }

    /// The metadata object, written piece by piece: each key a static string.
    func write(_ decision: Decision, to out: inout ByteWriter) {
        let meta = decision.metadata
        out.append(#"{"paywalled":"#)
        out.append(meta.paywalled ? "true" : "false")
        out.append(#","truncated":"#)
        out.append(meta.truncated ? "true" : "false")
        out.append(#","confidence":"#)
        Self.number(meta.confidence, to: &out)
        out.append(#","remaining_percent":"#)
        if let value = meta.remainingPercent { Self.number(value, decimals: 4, to: &out) } else { out.append("null") }
        out.append(#","remaining_chars":"#)
        if let value = meta.remainingChars { Self.integer(value, to: &out) } else { out.append("null") }
        out.append(#","estimated_full_chars":"#)
        if let value = meta.estimatedFullChars { Self.integer(value, to: &out) } else { out.append("null") }
        out.append(#","syndication":{"original_title":"#)
        Self.optionalString(meta.syndication.originalTitle, to: &out)
        out.append(#","original_site":"#)
        Self.optionalString(meta.syndication.originalSite, to: &out)
        out.append(#","original_url":"#)
        Self.optionalString(meta.syndication.originalURL, to: &out)
        out.append(#","credit":"#)
        Self.optionalString(meta.syndication.credit, to: &out)
        out.append(#"},"removed":"#)
        var index = CodePointIndex(bytes: decision.document.bytes)
        spans(decision.removed, decision.document, &index, to: &out)
        out.append(#","flagged":"#)
        var flaggedIndex = CodePointIndex(bytes: decision.document.bytes)
        spans(decision.flagged, decision.document, &flaggedIndex, to: &out)
        if verbose || decision.failure != nil {
            if let failure = decision.failure {
                out.append(#","error":"#)
                Self.string(Array(failure.description.utf8), to: &out)
            }
            if verbose, let reason = meta.truncatedBy {
                out.append(#","truncated_by":"#)
                Self.string(Array(reason.utf8), to: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    private func spans(_ spans: [ScoredSpan], _ document: Document, _ index: inout CodePointIndex, to out: inout ByteWriter) {
        out.append(UInt8(ascii: "["))
        for (position, span) in spans.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out.append(#"{"start":"#)
            Self.integer(index.codePoints(before: span.span.lowerBound), to: &out)
            out.append(#","end":"#)
            Self.integer(index.codePoints(before: span.span.upperBound), to: &out)
            ruleMembers.withUnsafeBufferPointer { members in
                let rule = span.evidence.rule
                out.append(UnsafeBufferPointer(rebasing: members[Int(ruleMemberStart[rule])..<Int(ruleMemberStart[rule + 1])]))
            }
            out.append(#","score":"#)
            Self.number(span.score, to: &out)
            out.append(#","text":"#)
            Self.string(document.bytes[span.span], to: &out)
            if verbose {
                out.append(#","factors":{"#)
                for (position, factor) in span.factors.enumerated() {
                    if position > 0 { out.append(UInt8(ascii: ",")) }
                    Self.string(Array(factor.name.utf8), to: &out)
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
    static func number(_ value: Double, decimals: Int = 3, to out: inout ByteWriter) {
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
            out.append(Array(rounded.description.utf8))
        }
    }

    /// An integer in decimal.
    static func integer(_ value: Int, to out: inout ByteWriter) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var width = 1, rest = value.magnitude
        while rest >= 10 { rest /= 10; width += 1 }
        digits(value.magnitude, width: width, to: &out)
    }

    /// The last `width` decimal digits of `value`, leading zeros included.
    static func digits(_ value: UInt, width: Int, to out: inout ByteWriter) {
        var divisor: UInt = 1
        for _ in 1..<max(1, width) { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    static func optionalString(_ value: String?, to out: inout ByteWriter) {
        guard var value else { out.append("null"); return }
        value.withUTF8 { string($0, to: &out) }
    }

    /// A JSON string token: titles, sites, spans' texts.
    static func string<C: Collection<UInt8>>(_ bytes: C, to out: inout ByteWriter) where C.Index == Int {
        JSONString.encode(bytes, into: &out)
    }
}
