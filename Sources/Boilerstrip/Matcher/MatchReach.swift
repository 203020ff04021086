import SIMDKernels
/// How far before one of its literals a rule's match can start.
///
/// ``bounds(of:)`` reads a compiled (expanded) pattern and bounds the characters of any match that are not *spacing*:
/// those whose first byte cannot begin one of the characters that `\h`, `\s`, the zero-width space, the byte order mark
/// and the `&nbsp;`-style entities of loose spacing are made of. Loops over spacing (every `{sp}`, `{bos}` and `{eos}`)
/// cost nothing, so most rules are bounded although their spaces are not. ``floor(before:budget:in:lowerBound:)`` then
/// walks back from a literal the screen found: over spacing and over the bytes that continue a character for free, and
/// over at most `budget` other bytes (a character's first). A match that holds text at or after that literal cannot
/// start before the byte the walk stops at, so PCRE2 need not try the starts before it.
///
/// The bound is conservative: a character of a match counts unless its first byte can only begin spacing; a class,
/// `.`, a Unicode property or a letter in a caseless pattern counts as one (the most any character costs), whatever
/// its bytes: a Yoast footer's title `.{1,300}` counts 300, not the 1,200 bytes that four a character made of it (which
/// kept the walk off most of the long lines that such rules are tried on). A positive lookahead counts
/// as if consumed where a literal may sit in it (it holds literal text) in how far a literal can be from the start
/// (`reach`), and never in what a match holds (`whole`): `^(?=[^\n]*Tweet)(?:Share|Tweet)…$` holds at most its
/// buttons, and `(?=\p{Lu}).{1,300}?` of a Yoast footer's title lets no literal sit further than its 300 characters.
/// Lookbehinds count nothing: a pattern with a positive lookbehind that holds literal text (`(?<=&nbsp|…)`, not
/// `(?<=\w)` or `(?<=[.!?])`), where a literal may sit before the match, or with a construct the analysis does not
/// know, bounds no match start at all (`startBound`). A loop over anything but spacing, a backreference, a conditional
/// or a subroutine call makes the pattern unbounded (nil), but for a call of a named group parsed before it
/// (`(?<box>…)(?&box)?`) and a backreference `\1`–`\9` to a group parsed before it, which count as that group.
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

    /// The most non-spacing characters of any match of `pattern` (PCRE2 syntax, tokens expanded) (`whole`); of a match
    /// with the lookaheads that may hold a literal counted as consumed (`reach`: how far before a literal of the match,
    /// or of such a lookahead, it can start); and of that up to its last mandatory item (`lead`): items after it are
    /// optional (`(?: …)?`, `\.?`, `{eos}`), and a literal that every match holds through a mandatory run cannot be
    /// there. Nil where the analysis finds no bound. `startBound`: whether the pattern's literals are text of the match
    /// or of a lookahead, so that where they occur bounds where a match starts. `endsLine`: whether every match ends at
    /// the end of the subject (each alternative ends in `$`, `\z` or `\Z`, as `{eos}` does), so that a match starts no
    /// further back from the end of its line than `whole` allows. `lineStart`: for a pattern whose every match starts
    /// at the start of the subject (each alternative passes a `^` or `\A`) and holds at least one byte, the bytes its
    /// first can be; nil for the others.
    ///
    /// `matchBytes`: the bytes a match can be made of (nil: any), read off what it consumes (not its lookarounds). With
    /// `target` bytes, `beforeTarget`: the most non-spacing characters of a match before the first target byte it
    /// consumes (nil: no bound, or none consumed): `^[a-z0-9]{1,30}(?:[-_]…` has its first "-" or "_" within 30 bytes
    /// of its start.
    public static func bounds(of pattern: String, target: ByteSet? = nil) -> Bounds {
        let bytes = Array(pattern.utf8)
        let multiline = LiteralExtractor.hasInlineOption(UInt8(ascii: "m"), in: bytes)
        var parser = Parser(bytes: bytes, caseless: false, multiline: multiline)
        let top = parser.alternation()
        guard parser.index >= parser.bytes.count, !parser.unknown else { return Bounds() }
        // The same parse with no lookahead counted: what a match holds.
        var consumed = Parser(bytes: bytes, caseless: false, multiline: multiline, countsLookaheads: false, target: target)
        let match = consumed.alternation()
        let lineStart = top.startsLine && !top.nullable ? parser.firstBytes : nil
        return Bounds(whole: match.cost, reach: top.cost, lead: top.lead, startBound: !parser.textBehind,
                      endsLine: match.endsLine && match.cost != nil, lineStart: lineStart,
                      matchBytes: consumed.matchBytes == .all ? nil : consumed.matchBytes,
                      beforeTarget: target != nil && match.hits ? match.before : nil)
    }

    /// For a pattern whose every match ends its line: the most non-spacing characters from the start of one of
    /// `literals` (lowercase, as the screen has them) to the end of a match, where the pattern spells the literal at its
    /// top level (outside any group or class, not under a quantifier, with no `|` at that level: every match holds it
    /// there) and what follows it is bounded (``bounds(of:target:)``'s `whole` of the rest of the pattern, which ends the
    /// line). The least such bound; nil where there is none. A teaser's `… \Kmehr(?:{ellipsis}| ?»){eos}` has its "mehr"
    /// within 12 characters of the end of the line whatever the names before it: the screen turns down the "mehr" of
    /// prose (``Screen``) before it looks for the rest in the line.
    public static func tail(of pattern: String, literals: [String]) -> Int? {
        let bytes = Array(pattern.utf8)
        // `\Q…\E` quotes metacharacters, and the extended option makes spaces and `#` comments mean nothing: the scan
        // below knows neither.
        guard !literals.isEmpty, !pattern.contains("\\Q"), !LiteralExtractor.hasInlineOption(UInt8(ascii: "x"), in: bytes) else { return nil }
        // The runs of plain characters at the top level, not under a quantifier: the items there read with the
        // literal extractor's helpers (an escape, a class, a group, an anchor or `.` ends a run).
        guard LiteralExtractor.splitAlternatives(bytes, 0..<bytes.count).count == 1 else { return nil }
        var runs: [Range<Int>] = []
        var index = 0, runStart = -1
        while index < bytes.count {
            let byte = bytes[index], itemEnd: Int
            var plain = false
            switch byte {
            case UInt8(ascii: "\\"): itemEnd = LiteralExtractor.escapeEnd(bytes, from: index, limit: bytes.count)
            case UInt8(ascii: "["): itemEnd = LiteralExtractor.classEnd(bytes, from: index, limit: bytes.count)
            case UInt8(ascii: "("): itemEnd = LiteralExtractor.matchingParen(bytes, from: index, limit: bytes.count) + 1
            case UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "."): itemEnd = index + 1
            default:
                plain = true
                itemEnd = min(bytes.count, index + (byte < 0xC0 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4))  // a character
            }
            let quantified = LiteralExtractor.quantifier(bytes, at: itemEnd, limit: bytes.count).end
            if plain, quantified == itemEnd {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                runs.append(runStart..<index)
                runStart = -1
            }
            index = quantified
        }
        if runStart >= 0 { runs.append(runStart..<bytes.count) }
        // The pattern as the screen compares literals (the same bytes, ASCII-lowercased).
        let folded = Array(asciiLowercased(pattern).utf8)
        var best: Int?
        for literal in literals {
            let wanted = Array(literal.utf8)
            guard !wanted.isEmpty else { continue }
            for run in runs where run.count >= wanted.count {
                for start in run.lowerBound...(run.upperBound - wanted.count) where folded[start..<(start + wanted.count)].elementsEqual(wanted) {
                    let rest = MatchReach.bounds(of: String(decoding: bytes[start...], as: UTF8.self))
                    if rest.endsLine, let whole = rest.whole { best = min(best ?? whole, whole) }
                }
            }
        }
        return best
    }

    /// What ``bounds(of:target:)`` finds (all nil or false where the analysis does not know the pattern).
    public struct Bounds: Sendable {
        public var whole: Int? = nil
        public var reach: Int? = nil
        public var lead: Int? = nil
        public var startBound = false
        public var endsLine = false
        public var lineStart: ByteSet? = nil
        public var matchBytes: ByteSet? = nil
        public var beforeTarget: Int? = nil
    }

    /// Byte → 0 when it can be part of spacing or continues a character (0x80–0xBF), else 1: the walk's cost of a
    /// byte, so that a character costs what its first byte does.
    static let costs: [UInt8] = spacing.enumerated().map { byte, spacing in spacing || (0x80...0xBF).contains(byte) ? 0 : 1 }

    /// The lowest start of a match that has at most `budget` non-spacing characters and reaches `position`: walks back
    /// from `position`, no further than `lowerBound`, over spacing and the bytes that continue a character for free
    /// and over `budget` (at least 0) other bytes, then back to the start of the character it stopped in
    /// (`boilerstrip_cost_floor`: 64 bytes a step with AVX-512, eight without).
    @inline(__always)
    static func floor(before position: Int, budget: Int, in bytes: UnsafeBufferPointer<UInt8>, lowerBound: Int) -> Int {
        // No more bytes than the budget: the walk would reach `lowerBound` (a byte costs one at most).
        if position >= lowerBound, position &- lowerBound <= budget { return lowerBound }
        guard let base = bytes.baseAddress, position > lowerBound, budget >= 0 else { return position }
        return costs.withUnsafeBufferPointer { costs in
            boilerstrip_cost_floor(base, bytes.count, position, budget, lowerBound, costs.baseAddress!)
        }
    }

    /// Where a match made of `set`'s bytes (``Rule/matchBytes``) that ends at `position` can start: the start of the run
    /// of such bytes that ends there, no lower than `lowerBound`, moved on to the start of a character. A run longer
    /// than ``runLimit`` bytes is not walked to its start (`lowerBound`): most lines end in bytes a match cannot hold,
    /// and the walk over one made of them would cost more than it saves.
    @inline(__always)
    static func runStart(before position: Int, of set: ByteSet, in bytes: UnsafeBufferPointer<UInt8>, lowerBound: Int) -> Int {
        let limit = max(lowerBound, position - runLimit)
        var at = position
        while at > limit, set.contains(bytes[at - 1]) { at -= 1 }
        if at == limit { return lowerBound }  // the run may go on before the limit
        while at < position, bytes[at] & 0xC0 == 0x80 { at += 1 }
        return at
    }

    /// How far ``runStart(before:of:in:lowerBound:)`` walks at most.
    static let runLimit = 64

    /// What the analysis knows of a part of a pattern: the bound of its non-spacing characters (`cost`), the bound up
    /// to its last mandatory item (`lead`), whether it is mandatory and can hold text (`holds`: not an anchor, a
    /// negative or behind look, or an optional item), whether it is an assertion that never consumes a byte
    /// (`assertion`), and whether every match of it ends at the end of the subject (`endsLine`); whether a match of it
    /// can be empty (`nullable`), and whether every match passes a start-of-subject anchor (`startsLine`). With a
    /// target (``Parser/target``): whether a match of it can consume a target byte (`hits`), whether every match does
    /// (`alwaysHits`), and the most non-spacing characters before the first one in a match that consumes one
    /// (`before`).
    struct Item {
        var cost: Int?
        var lead: Int?
        var holds: Bool
        var assertion = false
        var endsLine = false
        var nullable = false
        var startsLine = false
        var hits = false
        var alwaysHits = false
        var before: Int? = 0

        /// A character, or a run of them that may be empty (`nullable`).
        static func text(_ cost: Int?, nullable: Bool = false) -> Item { Item(cost: cost, lead: cost, holds: true, nullable: nullable) }
        static let zeroWidth = Item(cost: 0, lead: 0, holds: false, assertion: true, nullable: true)
        /// `$`, `\z`, `\Z`: the subjects are lines, so even `$` before a final newline is their end.
        static let endAnchor = Item(cost: 0, lead: 0, holds: false, assertion: true, endsLine: true, nullable: true)
        /// `^` (without the multiline option) and `\A`: the subjects are lines, so their start.
        static let startAnchor = Item(cost: 0, lead: 0, holds: false, assertion: true, nullable: true, startsLine: true)
        /// What the analysis does not know: it may be empty.
        static let unknown = Item.text(nil, nullable: true)
    }

    /// A recursive descent over the pattern.
    struct Parser {
        let bytes: [UInt8]
        /// Whether the letters parsed now match caselessly: set by `(?i)` to the end of its group, by `(?i:…)` for
        /// its content, as PCRE2 scopes the option.
        var caseless: Bool
        /// Whether `^` can match after a newline inside the subject (then it does not anchor a match at its start).
        let multiline: Bool
        /// Whether a positive lookahead that holds literal text counts as if consumed (a literal may sit in it); one
        /// that holds none never does.
        let countsLookaheads: Bool
        /// ``MatchReach/spacing``, read once.
        let spacing: [Bool]
        var index = 0
        /// How many positive lookbehinds the parse is in, whether one of them holds literal text, and whether a
        /// construct the analysis does not know was met.
        var behind = 0
        var textBehind = false
        /// How many literal characters (and escapes that may be one) the parse met: a lookahead that adds none holds
        /// no literal.
        var literalText = 0
        /// The bytes whose first occurrence in a match ``Item/before`` bounds the distance to (nil: not asked).
        let target: ByteSet?
        /// How many lookarounds the parse is in (what they hold is not consumed), the bytes that the consumed
        /// characters, classes and escapes can be made of, and those of the last one parsed.
        var around = 0
        var matchBytes = ByteSet()
        var atomBytes = ByteSet()
        var unknown = false
        /// Named groups already parsed, for subroutine calls to them (`(?&name)`); a name given twice is nil.
        var named: [String: Item?] = [:]
        /// Numbered (capturing) groups by number, once parsed, for backreferences to them (`\1`), and the next number;
        /// with a branch reset group (`(?|…)`), whose branches number theirs alike, or no auto capture (`(?n)`), the
        /// numbers are not known (`unknownNumbers`).
        var captured: [Int: Item] = [:]
        var nextCapture = 1
        var unknownNumbers = false
        /// The bytes a match can begin with: those of every character the parse met that may be a match's first
        /// (`beginsMatch`: each item before it in its sequences may be empty, and it is not in a lookaround).
        var firstBytes = ByteSet()
        var beginsMatch = true

        init(bytes: [UInt8], caseless: Bool, multiline: Bool = true, countsLookaheads: Bool = true, target: ByteSet? = nil,
             spacing: [Bool] = MatchReach.spacing) {
            self.bytes = bytes
            self.caseless = caseless
            self.multiline = multiline
            self.countsLookaheads = countsLookaheads
            self.target = target
            self.spacing = spacing
        }

        /// Notes the bytes that the character being parsed begins with, when it may begin a match.
        mutating func begins(_ set: ByteSet) {
            if beginsMatch { firstBytes.formUnion(set) }
        }

        /// Notes the bytes a literal character that begins with `lead` can begin with (``first(lead:)``).
        mutating func begins(lead: UInt8) {
            if beginsMatch { firstBytes.formUnion(first(lead: lead)) }
        }

        static func sum(_ a: Int?, _ b: Int?) -> Int? {
            guard let a, let b, a + b <= MatchReach.ceiling else { return nil }
            return a + b
        }

        static func largest(_ a: Int?, _ b: Int?) -> Int? {
            guard let a, let b else { return nil }
            return max(a, b)
        }

        /// Alternatives up to a `)` (not consumed) or the end: the largest; they end (start) the line when each does.
        mutating func alternation() -> Item {
            var result = Item(cost: 0, lead: 0, holds: true, endsLine: true, startsLine: true)
            var alwaysHits = true
            while true {
                let branch = sequence()
                result.cost = Parser.largest(result.cost, branch.cost)
                result.lead = Parser.largest(result.lead, branch.lead)
                result.endsLine = result.endsLine && branch.endsLine
                result.nullable = result.nullable || branch.nullable
                result.startsLine = result.startsLine && branch.startsLine
                if branch.hits {
                    result.before = result.hits ? Parser.largest(result.before, branch.before) : branch.before
                    result.hits = true
                }
                alwaysHits = alwaysHits && branch.alwaysHits
                guard index < bytes.count, bytes[index] == UInt8(ascii: "|") else {
                    result.alwaysHits = result.hits && alwaysHits
                    return result
                }
                index += 1
            }
        }

        /// Items up to a `|` or `)` (not consumed) or the end: their sum, and the sum up to the last that holds text
        /// (through that one's own lead). It ends the line when an item does and only assertions follow it. It starts
        /// the line when one of its (mandatory) items does: a match is at the start of the subject there, so it began
        /// there. An item may begin a match while every item before it may be empty.
        mutating func sequence() -> Item {
            var total: Int? = 0, lead: Int? = 0, endsLine = false, nullable = true, startsLine = false
            // The first target byte: in the first item that can hold one, or a later one up to the first that always does.
            var hits = false, alwaysHits = false, before: Int? = 0
            let outer = beginsMatch
            defer { beginsMatch = outer }
            while index < bytes.count, bytes[index] != UInt8(ascii: "|"), bytes[index] != UInt8(ascii: ")") {
                beginsMatch = outer && nullable
                let item = quantified(atom())
                if !alwaysHits, item.hits {
                    let reached = Parser.sum(total, item.before)
                    before = hits ? Parser.largest(before, reached) : reached
                    hits = true
                    alwaysHits = item.alwaysHits
                }
                if item.holds { lead = Parser.sum(total, item.lead) }
                total = Parser.sum(total, item.cost)
                if item.endsLine { endsLine = true } else if !item.assertion { endsLine = false }
                nullable = nullable && item.nullable
                startsLine = startsLine || item.startsLine
            }
            return Item(cost: total, lead: lead, holds: true, endsLine: endsLine, nullable: nullable, startsLine: startsLine,
                        hits: hits, alwaysHits: alwaysHits, before: before)
        }

        /// Applies a quantifier after an atom, if there is one. An optional item holds nothing; a repeated one counts
        /// whole in the lead.
        mutating func quantified(_ atom: Item) -> Item {
            guard index < bytes.count else { return atom }
            var least = 1, most: Int?  // most nil: no upper bound on repetitions
            switch bytes[index] {
            case UInt8(ascii: "?"): least = 0; most = 1; index += 1
            case UInt8(ascii: "*"): least = 0; most = nil; index += 1
            case UInt8(ascii: "+"): most = nil; index += 1
            case UInt8(ascii: "{"):
                guard let (low, high, end) = braces(from: index) else { return atom }
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ",") {
                    // `{,n}`: as many repetitions, plus the braces' own text, and still mandatory.
                    let text = bytes[index..<end].reduce(0) { $0 + (spacing[Int($1)] ? 0 : 1) }
                    let braceText = ByteSet(bytes[index..<end])
                    index = end
                    let cost = atom.cost.flatMap { each in high.flatMap { $0 <= MatchReach.ceiling / max(each, 1) ? each * $0 : nil } }
                    let total = Parser.sum(Parser.largest(cost, atom.cost), text)
                    // Text after the atom, or an optional repetition of it: "{" may come first, and it may be empty.
                    begins(ByteSet([UInt8(ascii: "{")]))
                    let braces = consumed(.text(total), braceText)
                    return Item(cost: total, lead: total, holds: true, nullable: true, hits: atom.hits || braces.hits, before: nil)
                }
                least = low
                most = high
                index = end
            default: return atom
            }
            // Lazy or possessive.
            if index < bytes.count, bytes[index] == UInt8(ascii: "?") || bytes[index] == UInt8(ascii: "+") { index += 1 }
            var cost: Int? = nil
            if let each = atom.cost {
                if each == 0 { cost = 0 } else if let most, most <= MatchReach.ceiling / each { cost = each * most }
            }
            // The first target byte: in the first repetition where every one holds one, else in any, after repetitions
            // without one.
            var before = atom.before
            if atom.hits, !atom.alwaysHits, most != 1 {
                let earlier: Int? = if atom.cost == 0 { 0 } else if let most, let each = atom.cost, most - 1 <= MatchReach.ceiling / each {
                    each * (most - 1)
                } else { nil }
                before = Parser.sum(earlier, atom.before)
            }
            // An optional item may be left out: it ends and starts nothing. A repeated assertion is still one.
            if least == 0 {
                return Item(cost: cost, lead: cost, holds: false, assertion: atom.assertion, nullable: true, hits: atom.hits, before: before)
            }
            return Item(cost: cost, lead: most == 1 ? atom.lead : cost, holds: atom.holds, assertion: atom.assertion,
                        endsLine: atom.endsLine, nullable: atom.nullable, startsLine: atom.startsLine,
                        hits: atom.hits, alwaysHits: atom.alwaysHits, before: before)
        }

        /// A `{n}`, `{n,}` or `{n,m}` quantifier at `start`: its bounds (upper nil: none) and where it ends; nil when
        /// the brace is a literal.
        func braces(from start: Int) -> (Int, Int?, Int)? {
            var at = start + 1
            func number() -> Int? {
                var value: Int? = nil
                while at < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[at]) {
                    value = min((value ?? 0) * 10 + Int(bytes[at] - UInt8(ascii: "0")), MatchReach.ceiling)
                    at += 1
                }
                return value
            }
            let low = number()
            guard at < bytes.count else { return nil }
            if let low, bytes[at] == UInt8(ascii: "}") { return (low, low, at + 1) }
            guard bytes[at] == UInt8(ascii: ",") else { return nil }
            at += 1
            let high = number()
            guard at < bytes.count, bytes[at] == UInt8(ascii: "}") else { return nil }
            // `{,n}` is text in PCRE2 10.42 and a quantifier from 10.43: `braceText` covers both.
            guard let low else { return high.map { (0, $0, at + 1) } }
            return (low, high, at + 1)
        }

        /// One item: a character, an escape, a class, a group, `.`, or an anchor.
        mutating func atom() -> Item {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "("): return group()
            case UInt8(ascii: "["): return consumed(.text(characterClass()), atomBytes)
            case UInt8(ascii: "\\"):
                let escape = escape()
                return escape.assertion ? escape : consumed(escape, atomBytes)
            case UInt8(ascii: "."): index += 1; begins(.all); return consumed(.text(1), .all)
            case UInt8(ascii: "^"): index += 1; return multiline ? .zeroWidth : .startAnchor
            case UInt8(ascii: "$"): index += 1; return .endAnchor
            default: return consumed(.text(character()), atomBytes)
            }
        }

        /// A character, class or escape made of `set`'s bytes, which a match consumes unless the parse is in a
        /// lookaround: noted in ``matchBytes``, and with a target, whether it holds a target byte (the first of its
        /// bytes when it is one byte: nothing before it; else at most its own cost).
        mutating func consumed(_ item: Item, _ set: ByteSet) -> Item {
            guard around == 0 else { return item }
            matchBytes.formUnion(set)
            guard let target, set.intersects(target) else { return item }
            var item = item
            item.hits = true
            item.alwaysHits = set.isSubset(of: target)
            item.before = set.intersects(.nonASCII) ? item.cost : 0
            return item
        }

        /// A literal character (all its UTF-8 bytes).
        mutating func character() -> Int {
            if behind > 0 { textBehind = true }
            literalText += 1
            let start = index
            index += 1
            while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
            begins(lead: bytes[start])
            atomBytes = ByteSet(bytes[start..<index]).union(first(lead: bytes[start]))
            return cost(of: bytes[start..<index])
        }

        /// The bytes a literal character that begins with `lead` can begin with: that byte, and in a caseless pattern
        /// the other case of an ASCII letter and any non-ASCII byte (`k` matches the Kelvin sign, `s` the long s);
        /// a non-ASCII character there may begin with any ASCII letter or non-ASCII byte.
        func first(lead: UInt8) -> ByteSet {
            var set = ByteSet([lead])
            guard caseless else { return set }
            if (0x41...0x5A).contains(lead) || (0x61...0x7A).contains(lead) {
                set.insert(lead ^ 0x20)
                set.formUnion(.nonASCII)
            } else if lead >= 0x80 {
                set.formUnion(Parser.letters)
                set.formUnion(.nonASCII)
            }
            return set
        }

        static let letters = ByteSet(0x41...0x5A).union(ByteSet(0x61...0x7A))
        /// What `\d`, `\w` and `\s` (`\h`, `\v`) can begin with, with UCP: their ASCII members and any non-ASCII byte.
        static let digits = ByteSet(0x30...0x39).union(.nonASCII)
        static let word = letters.union(digits).union(ByteSet([0x5F]))
        static let space = ByteSet([0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20]).union(.nonASCII)

        /// The cost of one literal character: what the walk counts for its first byte (0 where it can begin spacing,
        /// else 1); 1 for a letter or a non-ASCII character in a caseless pattern, whose other forms may begin
        /// otherwise (`k` matches the Kelvin sign).
        func cost(of character: ArraySlice<UInt8>) -> Int {
            guard let first = character.first else { return 0 }
            if caseless, first >= 0x80 || (0x41...0x5A).contains(first) || (0x61...0x7A).contains(first) { return 1 }
            return spacing[Int(first)] ? 0 : 1
        }

        /// A backslash escape.
        mutating func escape() -> Item {
            guard index + 1 < bytes.count else {  // a backslash at the end: not a pattern PCRE2 compiles
                index = bytes.count
                begins(.all)
                atomBytes = .all
                return .text(1)
            }
            let kind = bytes[index + 1]
            // In a lookbehind, an escaped character is literal text; a class escape or an assertion is not.
            if !"wWsSdDhHvVbBpPX".utf8.contains(kind) {
                if behind > 0 { textBehind = true }
                literalText += 1
            }
            if kind >= 0x80 {  // an escaped non-ASCII character
                index += 1
                return .text(character())
            }
            if kind == UInt8(ascii: "Q") {
                index += 2
                var total = 0
                let outer = beginsMatch
                defer { beginsMatch = outer }
                var empty = true
                var set = ByteSet()
                while index < bytes.count {
                    if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "E") { index += 2; break }
                    total += character()
                    set.formUnion(atomBytes)
                    beginsMatch = false
                    empty = false
                }
                atomBytes = set
                return .text(total, nullable: empty)
            }
            let end = LiteralExtractor.escapeEnd(bytes, from: index, limit: bytes.count)
            defer { index = end }
            switch kind {
            case UInt8(ascii: "h"), UInt8(ascii: "s"), UInt8(ascii: "v"):
                begins(Parser.space)
                atomBytes = Parser.space
                return .text(0)
            case UInt8(ascii: "t"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "f"):
                atomBytes = ByteSet([kind == UInt8(ascii: "t") ? 0x09 : kind == UInt8(ascii: "n") ? 0x0A : kind == UInt8(ascii: "r") ? 0x0D : 0x0C])
                begins(atomBytes)
                return .text(0)
            case UInt8(ascii: "z"), UInt8(ascii: "Z"):
                return .endAnchor
            case UInt8(ascii: "A"):
                return .startAnchor
            case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "G"), UInt8(ascii: "K"), UInt8(ascii: "E"):
                return .zeroWidth
            case UInt8(ascii: "x"):
                return .text(hexCharacterCost(bytes[(index + 2)..<end]))
            case UInt8(ascii: "1")...UInt8(ascii: "9"), UInt8(ascii: "k"), UInt8(ascii: "g"), UInt8(ascii: "X"):
                begins(.all)
                atomBytes = .all
                // A backreference `\1`…`\9` to a group parsed before it matches what that group matched: at most its
                // cost (`([\p{Lu}][\w.]{1,20}) is part of the \1 family`); others (and grapheme clusters) are unknown.
                if end == index + 2, kind != UInt8(ascii: "k"), kind != UInt8(ascii: "g"), kind != UInt8(ascii: "X"), !unknownNumbers,
                   let group = captured[Int(kind - UInt8(ascii: "0"))] {
                    return .text(group.cost, nullable: true)
                }
                return .unknown  // backreferences (which may be empty), grapheme clusters
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                atomBytes = kind == UInt8(ascii: "d") ? Parser.digits : kind == UInt8(ascii: "w") ? Parser.word : .all
                begins(atomBytes)
                return .text(1)  // \d \w \p{…} \S \R \N \o{…} \c…: at most one character
            default:
                atomBytes = ByteSet([kind])
                begins(atomBytes)
                return .text(spacing[Int(kind)] ? 0 : 1)  // an escaped ASCII punctuation character
            }
        }

        /// The cost of `\xhh` or `\x{h…}`.
        mutating func hexCharacterCost(_ digits: ArraySlice<UInt8>) -> Int {
            let hex = digits.filter(LiteralExtractor.isHexDigit)
            guard let value = UInt32(String(decoding: hex, as: UTF8.self), radix: 16), let scalar = Unicode.Scalar(value) else {
                begins(.all)
                atomBytes = .all
                return 1
            }
            let encoded = ArraySlice(String(scalar).utf8)
            begins(lead: encoded.first ?? 0)
            atomBytes = ByteSet(encoded).union(first(lead: encoded.first ?? 0))
            return cost(of: encoded)
        }

        /// A bracketed class: the largest cost of its members (1 when negated or holding a POSIX class or a range
        /// beyond ASCII). The bytes it begins with are its members' (any, for those).
        mutating func characterClass() -> Int? {
            let end = LiteralExtractor.classEnd(bytes, from: index, limit: bytes.count)
            let open = index + 1
            var at = open
            index = end
            // The bytes of its members (``atomBytes``): any, where the analysis does not read them.
            atomBytes = .all
            if at < end, bytes[at] == UInt8(ascii: "^") { begins(.all); return 1 }
            var members = ByteSet()
            var largest = 0
            var previousASCII = false
            var previous: UInt8? = nil  // the last member, when it was a plain ASCII character
            var sub = Parser(bytes: bytes, caseless: caseless, multiline: multiline, spacing: spacing)
            sub.beginsMatch = beginsMatch
            defer { begins(sub.firstBytes) }
            while at < end - 1 {
                let byte = bytes[at]
                if byte == UInt8(ascii: "["), at + 1 < end, bytes[at + 1] == UInt8(ascii: ":") { begins(.all); return 1 }  // POSIX
                if byte == UInt8(ascii: "-"), previousASCII, at + 1 < end - 1, bytes[at + 1] < 0x80, bytes[at + 1] != UInt8(ascii: "\\") {
                    // An ASCII range: each member one character.
                    largest = max(largest, 1)
                    if let low = previous, low <= bytes[at + 1] {
                        if beginsMatch { for member in low...bytes[at + 1] { sub.begins(lead: member) } }
                        for member in low...bytes[at + 1] { members.formUnion(first(lead: member)) }
                    } else {
                        begins(.all)  // from an escape: not a range the analysis reads
                        members = .all
                    }
                    at += 2
                    previous = nil
                    continue
                }
                if byte == UInt8(ascii: "-"), at > open, at + 1 < end - 1 { begins(.all); return 1 }  // a range beyond ASCII or to an escape
                sub.index = at
                let member: Int?
                if byte == UInt8(ascii: "\\"), at + 1 < end, bytes[at + 1] == UInt8(ascii: "b") {
                    member = 1  // a backspace in a class
                    sub.begins(ByteSet([0x08]))
                    members.insert(0x08)
                    sub.index = at + 2
                } else if byte == UInt8(ascii: "\\") {
                    let escape = sub.escape()
                    // A class matches one character: an escape that stands for none (an anchor) is not one the
                    // analysis knows there.
                    if escape.nullable { begins(.all) }
                    members.formUnion(escape.nullable ? .all : sub.atomBytes)
                    member = escape.cost
                } else {
                    member = sub.character()
                    members.formUnion(sub.atomBytes)
                }
                guard let member else { begins(.all); return 1 }
                largest = max(largest, member)
                previousASCII = byte < 0x80
                previous = byte < 0x80 && byte != UInt8(ascii: "\\") ? byte : nil
                at = sub.index
            }
            atomBytes = members
            return largest
        }

        /// A parenthesised group: its content; nothing for lookbehinds, negative lookaheads, options and comments;
        /// no bound for conditionals, subroutine calls and verbs. A positive lookahead counts whole, as if consumed, where
        /// it holds literal text and the parse counts lookaheads; else nothing.
        mutating func group() -> Item {
            index += 1  // "("
            // An option set inside the group ends with it (below); `(?i)` itself sets it for the rest of the enclosing one.
            let outerCaseless = caseless
            var kind = Item.unknown  // how the content counts: .text for a group, zero-width for a skipped look
            var lookahead = false, lookbehind = false
            var name: String? = nil
            if index < bytes.count, bytes[index] == UInt8(ascii: "*") { return unknownGroup() }
            var capturing = index < bytes.count && bytes[index] != UInt8(ascii: "?")
            if index < bytes.count, bytes[index] == UInt8(ascii: "?") {
                let next = index + 1 < bytes.count ? bytes[index + 1] : 0
                switch next {
                case UInt8(ascii: ":"), UInt8(ascii: ">"), UInt8(ascii: "|"):
                    if next == UInt8(ascii: "|") { unknownNumbers = true }
                    index += 2
                case UInt8(ascii: "="):
                    index += 2
                    lookahead = true
                case UInt8(ascii: "!"):
                    index += 2
                    kind = .zeroWidth
                case UInt8(ascii: "<") where index + 2 < bytes.count && (bytes[index + 2] == UInt8(ascii: "=") || bytes[index + 2] == UInt8(ascii: "!")):
                    lookbehind = bytes[index + 2] == UInt8(ascii: "=")
                    index += 3
                    kind = .zeroWidth
                case UInt8(ascii: "<"), UInt8(ascii: "'"):
                    // A named group: (?<name>…) or (?'name'…).
                    guard let close = bytes[(index + 2)...].firstIndex(of: next == UInt8(ascii: "'") ? next : UInt8(ascii: ">")) else { return unknownGroup() }
                    name = String(decoding: bytes[(index + 2)..<close], as: UTF8.self)
                    index = close + 1
                case UInt8(ascii: "P") where index + 2 < bytes.count && bytes[index + 2] == UInt8(ascii: "<"):
                    guard let close = bytes[(index + 3)...].firstIndex(of: UInt8(ascii: ">")) else { return unknownGroup() }
                    name = String(decoding: bytes[(index + 3)..<close], as: UTF8.self)
                    index = close + 1
                case _ where next == UInt8(ascii: "&") || (next == UInt8(ascii: "P") && index + 2 < bytes.count && bytes[index + 2] == UInt8(ascii: ">")):
                    // A call of a named group, (?&name) or (?P>name): what that group holds, once the group is parsed
                    // (before the call, not around it: no recursion) and its name is not given twice.
                    let from = index + (next == UInt8(ascii: "&") ? 2 : 3)
                    guard let close = bytes[from...].firstIndex(of: UInt8(ascii: ")")),
                          case let called?? = named[String(decoding: bytes[from..<close], as: UTF8.self)] else { return unknownGroup() }
                    index = close + 1
                    begins(.all)  // the group's first bytes were noted only where it stands
                    return called
                case UInt8(ascii: "#"):
                    guard let close = bytes[index...].firstIndex(of: UInt8(ascii: ")")) else { return unknownGroup() }
                    index = close + 1
                    return .zeroWidth
                default:
                    // Options, (?i) or (?i:…); anything else (recursion, conditionals, calls, callouts) is not known.
                    // In extended mode (`x`) spaces and `#` are not text: not a syntax the analysis reads.
                    var at = index + 1, on = true, setsCaseless: Bool? = nil
                    while at < bytes.count, "imnsJU-^".utf8.contains(bytes[at]) {
                        switch bytes[at] {
                        case UInt8(ascii: "-"): on = false
                        case UInt8(ascii: "^"): setsCaseless = false  // unsets imnsx
                        case UInt8(ascii: "i"): setsCaseless = on
                        case UInt8(ascii: "n"): unknownNumbers = true  // no auto capture: groups are numbered otherwise
                        default: break
                        }
                        at += 1
                    }
                    guard at < bytes.count, at > index + 1 else { return unknownGroup() }
                    if bytes[at] == UInt8(ascii: ")") {
                        index = at + 1
                        if let setsCaseless { caseless = setsCaseless }
                        return .zeroWidth
                    }
                    guard bytes[at] == UInt8(ascii: ":") else { return unknownGroup() }
                    index = at + 1
                    if let setsCaseless { caseless = setsCaseless }
                }
            }
            if name != nil { capturing = true }
            let number = capturing ? nextCapture : nil
            if capturing { nextCapture += 1 }
            if lookbehind { behind += 1 }
            // A lookaround consumes nothing: what it holds begins no match.
            let outer = beginsMatch
            let look = lookahead || !kind.holds
            if look { beginsMatch = false; around += 1 }
            let literalsBefore = literalText
            let content = alternation()
            caseless = outerCaseless
            beginsMatch = outer
            if lookbehind { behind -= 1 }
            if look { around -= 1 }
            guard index < bytes.count, bytes[index] == UInt8(ascii: ")") else { return unknownGroup() }
            index += 1
            if !kind.holds || (lookahead && (!countsLookaheads || literalText == literalsBefore)) { return .zeroWidth }
            // A literal may be anywhere in a lookahead: its whole cost is its lead. A lookahead consumes nothing
            // (it is an assertion): its `$` ends no match, and its `^` starts none.
            let item = Item(cost: content.cost, lead: lookahead ? content.cost : content.lead, holds: true,
                            assertion: lookahead, endsLine: !lookahead && content.endsLine,
                            nullable: lookahead || content.nullable, startsLine: !lookahead && content.startsLine,
                            hits: !lookahead && content.hits, alwaysHits: !lookahead && content.alwaysHits, before: content.before)
            if let name { named[name] = named[name] == nil ? .some(item) : .some(nil) }
            if let number { captured[number] = item }
            return item
        }

        /// A group whose syntax the analysis does not know: no bound, and no start bound for the pattern.
        mutating func unknownGroup() -> Item {
            unknown = true
            return .unknown
        }
    }
}
