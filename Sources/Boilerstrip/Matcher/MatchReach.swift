/// How far before one of its literals a rule's match can start.
///
/// ``bound(of:)`` reads a compiled (expanded) pattern and bounds the bytes of any match that are not *spacing*: the
/// bytes that `\h`, `\s`, the zero-width space, the byte order mark and the `&nbsp;`-style entities of loose
/// spacing are made of. Loops over spacing (every `{sp}`, `{bos}` and `{eos}`) cost nothing, so most rules are
/// bounded although their spaces are not. ``floor(before:budget:in:lowerBound:)`` then walks back from a literal
/// the screen found: over spacing for free and over at most `budget` other bytes. A match that holds text at or
/// after that literal cannot start before the byte the walk stops at, so PCRE2 need not try the starts before it.
///
/// The bound is conservative: a byte of a match counts unless it can only be spacing; in a caseless pattern a letter
/// counts 3 bytes (`k` matches the Kelvin sign), and a class, `.` or a Unicode property 4; positive lookaheads count as
/// if consumed, since a literal may sit in one. Lookbehinds count nothing: a rule whose literal may sit in one has no
/// start bound at all (``Screen/bindsStart(_:)``). A loop over anything but spacing, a backreference, a
/// subroutine call or a conditional makes the pattern unbounded (nil).
public enum MatchReach {
    /// The characters of spacing: `\h` and `\s` (as PCRE2 with UCP knows them), U+200B and U+FEFF.
    static let spacingScalars: [Unicode.Scalar] = [
        "\u{09}", "\u{0A}", "\u{0B}", "\u{0C}", "\u{0D}", "\u{20}", "\u{85}", "\u{A0}", "\u{1680}", "\u{180E}",
        "\u{2000}", "\u{2001}", "\u{2002}", "\u{2003}", "\u{2004}", "\u{2005}", "\u{2006}", "\u{2007}", "\u{2008}",
        "\u{2009}", "\u{200A}", "\u{200B}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}", "\u{FEFF}",
    ]
    /// The characters of the spacing entities (`&nbsp;`, `&#160;`, `&#xA0;`, `&#8239;`).
    static let entityCharacters = "&#;0123456789nbspxXaA"

    /// Whether a byte can be part of spacing.
    static let spacing: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for scalar in spacingScalars { for byte in String(scalar).utf8 { table[Int(byte)] = true } }
        for byte in entityCharacters.utf8 { table[Int(byte)] = true }
        return table
    }()

    /// Beyond this, a bound is no use: the pattern counts as unbounded.
    static let ceiling = 1 << 20

    /// The most bytes that are not spacing in any match of `pattern` (PCRE2 syntax, tokens expanded), or nil when
    /// the analysis finds no bound.
    public static func bound(of pattern: String) -> Int? {
        var parser = Parser(bytes: Array(pattern.utf8), caseless: pattern.contains("(?i"))
        guard let cost = parser.alternation(), parser.index >= parser.bytes.count else { return nil }
        return cost
    }

    /// The lowest start of a match that has at most `budget` non-spacing bytes and reaches `position`: walks back
    /// from `position`, no further than `lowerBound`, over spacing for free and over `budget` other bytes, then back
    /// to the start of the character it stopped in.
    @inline(__always)
    static func floor(before position: Int, budget: Int, in bytes: UnsafeBufferPointer<UInt8>, lowerBound: Int) -> Int {
        var at = position, left = budget
        spacing.withUnsafeBufferPointer { spacing in
            while at > lowerBound {
                if !spacing[Int(bytes[at - 1])] {
                    if left == 0 { break }
                    left -= 1
                }
                at -= 1
            }
        }
        while at > lowerBound, at < bytes.count, bytes[at] & 0xC0 == 0x80 { at -= 1 }
        return at
    }

    /// A recursive descent over the pattern; each function returns the bound of what it read, nil for none.
    struct Parser {
        let bytes: [UInt8]
        let caseless: Bool
        var index = 0

        init(bytes: [UInt8], caseless: Bool) {
            self.bytes = bytes
            self.caseless = caseless
        }

        static func sum(_ a: Int?, _ b: Int?) -> Int? {
            guard let a, let b, a + b <= MatchReach.ceiling else { return nil }
            return a + b
        }

        /// Alternatives up to a `)` (not consumed) or the end: the largest.
        mutating func alternation() -> Int? {
            var largest: Int? = 0
            while true {
                let branch = sequence()
                largest = branch.flatMap { branch in largest.map { max($0, branch) } }
                guard index < bytes.count, bytes[index] == UInt8(ascii: "|") else { return largest }
                index += 1
            }
        }

        /// Items up to a `|` or `)` (not consumed) or the end: their sum.
        mutating func sequence() -> Int? {
            var total: Int? = 0
            while index < bytes.count, bytes[index] != UInt8(ascii: "|"), bytes[index] != UInt8(ascii: ")") {
                let item = quantified(atom())
                total = Parser.sum(total, item)
            }
            return total
        }

        /// Applies a quantifier after an atom, if there is one.
        mutating func quantified(_ atom: Int?) -> Int? {
            guard index < bytes.count else { return atom }
            var most: Int?  // nil: no upper bound on repetitions
            switch bytes[index] {
            case UInt8(ascii: "?"): most = 1; index += 1
            case UInt8(ascii: "*"), UInt8(ascii: "+"): most = nil; index += 1
            case UInt8(ascii: "{"):
                guard let (upper, end) = braces(from: index) else { return atom }
                most = upper
                index = end
            default: return atom
            }
            // Lazy or possessive.
            if index < bytes.count, bytes[index] == UInt8(ascii: "?") || bytes[index] == UInt8(ascii: "+") { index += 1 }
            guard let atom else { return nil }
            if atom == 0 { return 0 }
            guard let most, most <= MatchReach.ceiling / atom else { return nil }
            return atom * most
        }

        /// A `{n}`, `{n,}` or `{n,m}` quantifier at `start`: its upper bound (nil: none) and where it ends; nil when
        /// the brace is a literal.
        func braces(from start: Int) -> (Int?, Int)? {
            var at = start + 1
            func number() -> Int? {
                var value: Int? = nil
                while at < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[at]) {
                    value = min((value ?? 0) * 10 + Int(bytes[at] - UInt8(ascii: "0")), MatchReach.ceiling)
                    at += 1
                }
                return value
            }
            guard let low = number(), at < bytes.count else { return nil }
            if bytes[at] == UInt8(ascii: "}") { return (low, at + 1) }
            guard bytes[at] == UInt8(ascii: ",") else { return nil }
            at += 1
            let high = number()
            guard at < bytes.count, bytes[at] == UInt8(ascii: "}") else { return nil }
            return (high, at + 1)
        }

        /// One item: a character, an escape, a class, a group, `.`, or an anchor.
        mutating func atom() -> Int? {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "("): return group()
            case UInt8(ascii: "["): return characterClass()
            case UInt8(ascii: "\\"): return escape()
            case UInt8(ascii: "."): index += 1; return 4
            case UInt8(ascii: "^"), UInt8(ascii: "$"): index += 1; return 0
            default: return character()
            }
        }

        /// A literal character (all its UTF-8 bytes).
        mutating func character() -> Int? {
            let start = index
            index += 1
            while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
            return cost(of: bytes[start..<index])
        }

        /// The non-spacing bytes of one literal character; more for a letter in a caseless pattern.
        func cost(of character: ArraySlice<UInt8>) -> Int {
            guard let first = character.first else { return 0 }
            if caseless {
                if first >= 0x80 { return 4 }
                if (0x41...0x5A).contains(first) || (0x61...0x7A).contains(first) { return 3 }
            }
            return character.reduce(0) { $0 + (MatchReach.spacing[Int($1)] ? 0 : 1) }
        }

        /// A backslash escape.
        mutating func escape() -> Int? {
            guard index + 1 < bytes.count else { index = bytes.count; return 1 }
            let kind = bytes[index + 1]
            if kind >= 0x80 {  // an escaped non-ASCII character
                index += 1
                return character()
            }
            if kind == UInt8(ascii: "Q") {
                index += 2
                var total = 0
                while index < bytes.count {
                    if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "E") { index += 2; break }
                    total += character() ?? 0
                }
                return total
            }
            let end = LiteralExtractor.escapeEnd(bytes, from: index, limit: bytes.count)
            defer { index = end }
            switch kind {
            case UInt8(ascii: "h"), UInt8(ascii: "s"), UInt8(ascii: "v"), UInt8(ascii: "t"), UInt8(ascii: "n"),
                 UInt8(ascii: "r"), UInt8(ascii: "f"):
                return 0
            case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "A"), UInt8(ascii: "z"), UInt8(ascii: "Z"),
                 UInt8(ascii: "G"), UInt8(ascii: "K"), UInt8(ascii: "E"):
                return 0
            case UInt8(ascii: "x"):
                return hexCharacterCost(bytes[(index + 2)..<end])
            case UInt8(ascii: "1")...UInt8(ascii: "9"), UInt8(ascii: "k"), UInt8(ascii: "g"), UInt8(ascii: "X"):
                return nil  // backreferences, grapheme clusters
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                return 4  // \d \w \p{…} \S \R \N \o{…} \c…: at most one character
            default:
                return MatchReach.spacing[Int(kind)] ? 0 : 1  // an escaped ASCII punctuation character
            }
        }

        /// The cost of `\xhh` or `\x{h…}`.
        func hexCharacterCost(_ digits: ArraySlice<UInt8>) -> Int {
            let hex = digits.filter(LiteralExtractor.isHexDigit)
            guard let value = UInt32(String(decoding: hex, as: UTF8.self), radix: 16), let scalar = Unicode.Scalar(value) else { return 4 }
            return cost(of: ArraySlice(String(scalar).utf8))
        }

        /// A bracketed class: the largest cost of its members (4 when negated or holding a class escape or range
        /// beyond ASCII).
        mutating func characterClass() -> Int? {
            let end = LiteralExtractor.classEnd(bytes, from: index, limit: bytes.count)
            let open = index + 1
            var at = open
            index = end
            if at < end, bytes[at] == UInt8(ascii: "^") { return 4 }
            var largest = 0
            var previousASCII = false
            while at < end - 1 {
                let byte = bytes[at]
                if byte == UInt8(ascii: "["), at + 1 < end, bytes[at + 1] == UInt8(ascii: ":") { return 4 }  // POSIX
                if byte == UInt8(ascii: "-"), previousASCII, at + 1 < end - 1, bytes[at + 1] < 0x80 {
                    // An ASCII range: each member is one byte (three in a caseless pattern).
                    largest = max(largest, caseless ? 3 : 1)
                    at += 2
                    continue
                }
                if byte == UInt8(ascii: "-"), at > open, at + 1 < end - 1 { return 4 }  // a range beyond ASCII
                var sub = Parser(bytes: bytes, caseless: caseless)
                sub.index = at
                let backspace = byte == UInt8(ascii: "\\") && at + 1 < end && bytes[at + 1] == UInt8(ascii: "b")
                let member = backspace ? 1 : byte == UInt8(ascii: "\\") ? sub.escape() : sub.character()
                if backspace { sub.index = at + 2 }
                guard let member else { return 4 }
                largest = max(largest, member)
                previousASCII = byte < 0x80
                at = sub.index
            }
            return largest
        }

        /// A parenthesised group: its content's bound, 0 for lookbehinds, negative lookaheads, options and comments,
        /// nil for conditionals, subroutine calls and verbs.
        mutating func group() -> Int? {
            index += 1  // "("
            var counts = true
            if index < bytes.count, bytes[index] == UInt8(ascii: "*") { return nil }
            if index < bytes.count, bytes[index] == UInt8(ascii: "?") {
                let kind = index + 1 < bytes.count ? bytes[index + 1] : 0
                switch kind {
                case UInt8(ascii: ":"), UInt8(ascii: ">"), UInt8(ascii: "|"), UInt8(ascii: "="):
                    index += 2
                case UInt8(ascii: "!"):
                    index += 2
                    counts = false
                case UInt8(ascii: "<") where index + 2 < bytes.count && (bytes[index + 2] == UInt8(ascii: "=") || bytes[index + 2] == UInt8(ascii: "!")):
                    index += 3
                    counts = false
                case UInt8(ascii: "<"), UInt8(ascii: "'"), UInt8(ascii: "P") where index + 2 < bytes.count && bytes[index + 2] == UInt8(ascii: "<"):
                    // A named group.
                    let closer = kind == UInt8(ascii: "'") ? UInt8(ascii: "'") : UInt8(ascii: ">")
                    guard let close = bytes[(index + 2)...].firstIndex(of: closer) else { return nil }
                    index = close + 1
                case UInt8(ascii: "#"):
                    guard let close = bytes[index...].firstIndex(of: UInt8(ascii: ")")) else { return nil }
                    index = close + 1
                    return 0
                default:
                    // Options, (?i) or (?i:…); anything else (conditionals, calls, callouts) is not known.
                    var at = index + 1
                    while at < bytes.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[at]) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[at]) || bytes[at] == UInt8(ascii: "-") || bytes[at] == UInt8(ascii: "^") {
                        at += 1
                    }
                    guard at < bytes.count, at > index + 1 else { return nil }
                    if bytes[at] == UInt8(ascii: ")") { index = at + 1; return 0 }
                    guard bytes[at] == UInt8(ascii: ":") else { return nil }
                    index = at + 1
                }
            }
            let content = alternation()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ")") else { return nil }
            index += 1
            return counts ? content : 0
        }
    }
}
