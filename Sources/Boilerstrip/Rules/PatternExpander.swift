/// Turns a rule pattern as written into the PCRE2 pattern that is compiled.
///
/// Expands the named tokens (`{apos}`, `{sp}`, `{ellipsis}`, `{percent}`, `{dash}`, `{bos}`, `{eos}`), and
/// applies loose spacing: outside character classes and escapes, a plain space matches any run of horizontal
/// space and a plain `'` or `’` any apostrophe form. It also keeps, for every byte of the result, the offset of
/// the source byte it came from, so that a PCRE2 compile error can point into the pattern the author wrote.
public enum PatternExpander {
    /// The named tokens and their PCRE2 expansions.
    public static let tokens: [String: String] = [
        "apos": #"(?:\\?['’ʼ‘´`]|&#0*39;|&#0*8217;|&#[xX]0*27;|&#[xX]0*2019;|&rsquo;|&apos;)"#,
        "sp": #"(?:(?:\h|&nbsp;|&#0*160;|&#[xX]0*[aA]0;|&#0*8239;)+)"#,
        "ellipsis": #"(?:…|\.\.\.|&hellip;|&#0*8230;|&#[xX]0*2026;)"#,
        "percent": #"(?<percent>\d{1,3}(?:[.,]\d{1,4})?)(?:\h|&nbsp;|&#0*160;|&#0*8239;)*(?:%|％|&#0*37;|&percnt;)"#,
        "dash": #"(?:[-‐‑‒–—―]|&ndash;|&mdash;|&#0*821[12];)"#,
        "bos": #"(?:^|(?<=[.!?…:»"”“)\]]))(?:\h|&nbsp;)*"#,
        "eos": #"(?:\h|\x{200B}|\x{FEFF}|&nbsp;|&#0*160;)*$"#,
    ]

    /// The same expansions without their alternatives that begin with `&` (the HTML entities: `&nbsp;`, `&#8217;`,
    /// `&hellip;`…). On a subject that holds none of those entities (``entityStarts``) the alternatives never match,
    /// so there the plain form of a pattern finds exactly the matches (and captures) of the full one; it compiles to
    /// less than half the code. A test checks each against its full form.
    public static let plainTokens: [String: String] = [
        "apos": #"(?:\\?['’ʼ‘´`])"#,
        "sp": #"(?:\h+)"#,
        "ellipsis": #"(?:…|\.\.\.)"#,
        "percent": #"(?<percent>\d{1,3}(?:[.,]\d{1,4})?)\h*(?:%|％)"#,
        "dash": #"(?:[-‐‑‒–—―])"#,
        "bos": #"(?:^|(?<=[.!?…:»"”“)\]]))\h*"#,
        "eos": #"(?:\h|\x{200B}|\x{FEFF})*$"#,
    ]

    /// What follows the `&` in each alternative of ``tokens`` that ``plainTokens`` leaves out, lowercase: `#` for the
    /// numeric entities, else the name and its `;` (`nbsp;`, `rsquo;`…). A subject without one of them after a `&`
    /// (in any case: a rule may be caseless) is matched alike by both forms.
    public static let entityStarts: [[UInt8]] = {
        var starts: Set<[UInt8]> = []
        for token in tokens.values {
            let bytes = Array(token.utf8)
            for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "&") && index + 1 < bytes.count {
                if bytes[index + 1] == UInt8(ascii: "#") { starts.insert([UInt8(ascii: "#")]); continue }
                let name = bytes[(index + 1)...].prefix { (0x61...0x7A).contains($0) }
                precondition(!name.isEmpty && index + 1 + name.count < bytes.count && bytes[index + 1 + name.count] == UInt8(ascii: ";"))
                starts.insert(Array(name) + [UInt8(ascii: ";")])
            }
        }
        return starts.sorted { $0.lexicographicallyPrecedes($1) }
    }()

    /// Which spelling of the tokens an expansion uses.
    public enum Form: Sendable {
        /// ``tokens``: what a rule's pattern is.
        case full
        /// Tokens that never capture become subroutine calls (`(?&bs_sp)`) to the groups of ``definitions``: the
        /// form `rules export --alternation` uses to keep one big pattern small.
        case compact
        /// ``plainTokens``: what the matcher uses on lines without an entity (``entityStarts``).
        case plain
    }

    /// The result of an expansion.
    public struct Expansion: Sendable {
        /// The PCRE2 pattern.
        public let pattern: String
        /// For each UTF-8 byte of `pattern`, the byte offset in the source it came from; one more entry for the end.
        public let sourceOffsets: [Int]

        /// The source offset for a PCRE2 error offset in the expanded pattern.
        public func sourceOffset(for expandedOffset: Int) -> Int {
            guard !sourceOffsets.isEmpty else { return 0 }
            return sourceOffsets[min(max(expandedOffset, 0), sourceOffsets.count - 1)]
        }
    }

    /// An unknown `{name}` token.
    public struct UnknownToken: Error, Equatable {
        public let name: String
        public let offset: Int
    }

    /// Tokens that are the same wherever they appear: in compact form they become subroutine calls.
    static let callable: Set<String> = ["apos", "sp", "ellipsis", "dash", "bos", "eos"]

    /// The expansions' bytes in each ``Form`` (``expand(_:form:)``): every space of a pattern emits one, so they
    /// are not encoded each time.
    static let tokenBytes: [String: (full: [UInt8], compact: [UInt8], plain: [UInt8])] = tokens.reduce(into: [:]) { table, token in
        table[token.key] = (Array(token.value.utf8), callable.contains(token.key) ? Array("(?&bs_\(token.key))".utf8) : Array(token.value.utf8),
                            Array(plainTokens[token.key]!.utf8))
    }

    /// The `(?(DEFINE)…)` group that compact patterns call into.
    public static var definitions: String {
        "(?(DEFINE)" + callable.sorted().map { "(?<bs_\($0)>\(tokens[$0]!))" }.joined() + ")"
    }

    /// Expands `source`, with the tokens spelled in `form`.
    public static func expand(_ source: String, form: Form = .full) throws(UnknownToken) -> Expansion {
        let bytes = Array(source.utf8)
        var out: [UInt8] = []
        var map: [Int] = []
        out.reserveCapacity(bytes.count * 2)
        func emitToken(_ name: String, from offset: Int) {
            let spellings = tokenBytes[name]!
            let expansion = switch form {
            case .full: spellings.full
            case .compact: spellings.compact
            case .plain: spellings.plain
            }
            out.append(contentsOf: expansion)
            map.append(contentsOf: repeatElement(offset, count: expansion.count))
        }
        func copy(_ range: Range<Int>) {
            for index in range { out.append(bytes[index]); map.append(index) }
        }
        var index = 0
        var inClass = false
        var classStart = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                // \Q…\E quotes everything up to \E.
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "Q") {
                    var end = index + 2
                    while end + 1 < bytes.count, !(bytes[end] == UInt8(ascii: "\\") && bytes[end + 1] == UInt8(ascii: "E")) { end += 1 }
                    let stop = min(end + 2, bytes.count)
                    copy(index..<stop)
                    index = stop
                    continue
                }
                let stop = LiteralExtractor.escapeEnd(bytes, from: index, limit: bytes.count)
                copy(index..<stop)
                index = stop
                continue
            }
            if inClass {
                // A `]` right after `[` or `[^` is literal.
                if byte == UInt8(ascii: "]"), index > classStart { inClass = false }
                if byte == UInt8(ascii: "["), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ":"),
                   let close = posixClassEnd(bytes, from: index) {
                    copy(index..<close)
                    index = close
                    continue
                }
                copy(index..<index + 1)
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "["):
                inClass = true
                copy(index..<index + 1)
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "^") { copy(index..<index + 1); index += 1 }
                classStart = index
            case UInt8(ascii: "{"):
                if let close = bytes[index...].firstIndex(of: UInt8(ascii: "}")),
                   let name = String(validating: bytes[(index + 1)..<close], as: UTF8.self),
                   !name.isEmpty, name.utf8.allSatisfy({ (0x61...0x7A).contains($0) || $0 == 0x5F }) {
                    guard tokens[name] != nil else { throw UnknownToken(name: name, offset: index) }
                    emitToken(name, from: index)
                    index = close + 1
                } else {
                    copy(index..<index + 1)
                    index += 1
                }
            case UInt8(ascii: " "):
                var end = index
                while end < bytes.count, bytes[end] == UInt8(ascii: " ") { end += 1 }
                emitToken("sp", from: index)
                index = end
            case UInt8(ascii: "'"):
                emitToken("apos", from: index)
                index += 1
            case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && bytes[index + 2] == 0x99:  // ’
                emitToken("apos", from: index)
                index += 3
            case UInt8(ascii: "("):
                // Named groups and other (?…) constructs pass through; `(?'name'…)` must not be loosened.
                copy(index..<index + 1)
                index += 1
                if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "?"), bytes[index + 1] == UInt8(ascii: "'") {
                    copy(index..<index + 2)
                    index += 2
                    if let close = bytes[index...].firstIndex(of: UInt8(ascii: "'")) {
                        copy(index..<close + 1)
                        index = close + 1
                    }
                }
            default:
                copy(index..<index + 1)
                index += 1
            }
        }
        map.append(bytes.count)  // the end of the pattern maps to the end of the source
        return Expansion(pattern: String(decoding: out, as: UTF8.self), sourceOffsets: map)
    }

    private static func posixClassEnd(_ bytes: [UInt8], from index: Int) -> Int? {
        var end = index + 2
        while end + 1 < bytes.count {
            if bytes[end] == UInt8(ascii: ":") && bytes[end + 1] == UInt8(ascii: "]") { return end + 2 }
            if !(0x61...0x7A).contains(bytes[end]) && bytes[end] != UInt8(ascii: "^") { return nil }
            end += 1
        }
        return nil
    }
}
