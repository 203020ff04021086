#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Derives, from a rule pattern as written, literals that every match must contain.
///
/// The analysis is conservative: it only reports text that a match cannot avoid (mandatory items of the
/// top-level sequence, and of groups that are neither optional nor lookarounds). When the top level or a
/// group has alternatives, each alternative must yield a literal, and the result is the set of them (any one
/// may occur). Spaces, apostrophes and tokens break literals, since loose spacing lets them vary.
/// In a caseless pattern, literals stop at non-ASCII letters other than Latin-1's (which the screen folds), since
/// they could match in another case.
///
/// A literal is *bounded* on a side when the pattern puts a word boundary (`\b` next to a letter or digit), a
/// space, `\h`, `\s`, `^`/`{bos}` (before) or `$`/`{eos}` (after) right there: then the text byte on that side
/// of any match cannot be an ASCII letter, digit or underscore, which the screen checks to drop "les" inside
/// "lesquels" or "mer" inside "mercredi". In a case-sensitive pattern a literal also keeps its spelling
/// (`exactCase`). Positive lookarounds count: what they hold is in the line too.
public enum LiteralExtractor {
    /// A requirement: one of these literals occurs in every match.
    public typealias AnyOf = [String]

    /// The most selective requirement of `pattern`, or nil when none can be proven.
    public static func requiredLiterals(of pattern: String) -> AnyOf? {
        requiredLiteralGroups(of: pattern, limit: 1).first
    }

    /// Up to `limit` requirements of `pattern`, most selective first: a line must meet all of them.
    public static func requiredLiteralGroups(of pattern: String, limit: Int = 3) -> [AnyOf] {
        screenLiterals(of: pattern, limit: limit).map { group in group.map(\.text).sortedUnique() }
    }

    /// Up to `limit` requirements of `pattern` with their boundaries, most selective first: the longest shortest
    /// literal, then the fewest alternatives.
    public static func screenLiterals(of pattern: String, limit: Int = 3) -> [[ScreenLiteral]] {
        let bytes = Array(pattern.utf8)
        let caseless = isCaseless(bytes)
        var requirements: [[ScreenLiteral]] = []
        for requirement in sequenceRequirements(bytes, 0..<bytes.count, caseless: caseless, before: .none, after: .none) {
            let merged = ScreenLiteral.merged(requirement)
            if !requirements.contains(merged) { requirements.append(merged) }
        }
        let ranked = requirements.sorted { strength($0) != strength($1) ? strength($0) > strength($1) : $0.count < $1.count }
        // Short literals add little selectivity; keep them only when nothing better exists.
        let strong = ranked.filter { strength($0) >= 3 }
        return Array((strong.isEmpty ? ranked.prefix(1) : strong.prefix(limit)))
    }

    /// Tokens that expand to spacing or punctuation only (see `PatternExpander`): never a word byte at either end.
    static let separatorTokens = ["sp", "apos", "dash", "ellipsis"]

    /// The byte length of a requirement's shortest literal.
    static func strength(_ any: [ScreenLiteral]) -> Int { any.map(\.text.utf8.count).min() ?? 0 }

    /// What an item of a pattern guarantees about the text next to it.
    enum Edge {
        case none
        /// A space, `\h`, `\s` or an anchor: the neighbouring text byte is never a word byte.
        case separator
        /// `\b`: likewise, when the literal's own byte next to it is a word byte.
        case wordBoundary

        func bounds(_ literalByte: UInt8?) -> Bool {
            switch self {
            case .none: false
            case .separator: true
            case .wordBoundary: literalByte.map(ScreenLiteral.isWordByte) ?? false
            }
        }
    }

    /// Requirements of a pattern range that may contain top-level alternatives; `before` and `after` are the
    /// edges of the group around the range.
    static func sequenceRequirements(_ bytes: [UInt8], _ range: Range<Int>, caseless: Bool, before: Edge, after: Edge,
                                     target: Target? = nil) -> [[ScreenLiteral]] {
        let branches = splitAlternatives(bytes, range)
        if branches.count == 1 { return branchRequirements(bytes, branches[0], caseless: caseless, before: before, after: after, target: target) }
        // Each alternative must contribute; take each one's best literal.
        var union: [ScreenLiteral] = []
        var complete = true
        for branch in branches {
            var requirements = branchRequirements(bytes, branch, caseless: caseless, before: before, after: after, target: target)
            // Looking for a declared group: each alternative must hold one of its literals.
            if let target { requirements = requirements.compactMap { ScreenLiteral.within($0, target) } }
            guard let best = requirements.max(by: { strength($0) < strength($1) }) else { complete = false; continue }
            union.append(contentsOf: best)
        }
        return complete ? [ScreenLiteral.merged(union)] : []
    }

    /// Declared screen literals (`requires`, lowercased) with the boundaries and spelling the pattern guarantees.
    ///
    /// For each declared group, the analysis looks for a requirement of the pattern made only of literals that
    /// contain one of the group's (every alternative holding one, through a mandatory run): those literals take
    /// the boundaries and spelling of the runs they sit in. The group's other literals stay plain, as does a group
    /// the analysis cannot tie to the pattern: in a match it may come from a class (`[Cc]lick`) or a wildcard,
    /// where nothing is known about its neighbours or its case.
    public static func bounded(_ groups: [[String]], in pattern: String) -> [[ScreenLiteral]] {
        boundedGroups(groups, in: pattern).map(\.literals)
    }

    /// ``bounded(_:in:)-([[String]],_)``, and for each group whether it is tied to a requirement of the pattern: then
    /// every match holds one of its literals in a mandatory run, with the boundaries and spelling given.
    public static func boundedGroups(_ groups: [[String]], in pattern: String) -> [(literals: [ScreenLiteral], tied: Bool)] {
        let bytes = Array(pattern.utf8)
        let caseless = isCaseless(bytes)
        return groups.map { group in
            let target = Target(group)
            let found = sequenceRequirements(bytes, 0..<bytes.count, caseless: caseless, before: .none, after: .none, target: target)
                .compactMap { ScreenLiteral.within($0, target) }
            // The requirement that bounds the most.
            func score(_ literals: [ScreenLiteral]) -> Int {
                literals.reduce(0) { $0 + ($1.boundedBefore ? 1 : 0) + ($1.boundedAfter ? 1 : 0) + ($1.exactCase != nil ? 1 : 0) }
            }
            guard let best = found.max(by: { score($0) < score($1) }) else { return (group.map { ScreenLiteral(text: $0) }, false) }
            // Every spelling of a text the pattern has (``ScreenLiteral/merged(_:)``), once for texts declared twice
            // ("Xem", "XEM").
            var literals: [ScreenLiteral] = []
            for text in group {
                let placed = best.filter { $0.text == text }
                for literal in placed.isEmpty ? [ScreenLiteral(text: text)] : placed where !literals.contains(literal) { literals.append(literal) }
            }
            return (literals, true)
        }
    }

    /// One declared literal with its boundaries; see ``bounded(_:in:)-([[String]],_)``.
    public static func bounded(_ literal: String, in pattern: String) -> ScreenLiteral {
        bounded([[literal]], in: pattern)[0][0]
    }

    /// A declared group looked for in a pattern (``boundedGroups(_:in:)``): its literals, and their bytes folded as
    /// the screen compares them, folded once for the whole analysis.
    struct Target {
        let texts: [String]
        let folded: [[UInt8]]
        /// The literals' indices, the longest first (in declared order among equals): the order ``ScreenLiteral/within(_:_:)``
        /// tries them in.
        let longestFirst: [Int]

        init(_ texts: [String]) {
            self.texts = texts
            let folded = texts.map { Array($0.utf8).map(Screen.fold) }
            self.folded = folded
            longestFirst = folded.indices.sorted { (folded[$1].count, $0) < (folded[$0].count, $1) }
        }
    }

    static func splitAlternatives(_ bytes: [UInt8], _ range: Range<Int>) -> [Range<Int>] {
        var branches: [Range<Int>] = []
        var depth = 0, start = range.lowerBound, index = range.lowerBound
        var inClass = false
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") { index += 2; continue }
            if inClass {
                if byte == UInt8(ascii: "]") { inClass = false }
            } else if byte == UInt8(ascii: "[") {
                inClass = true
                if index + 1 < range.upperBound, bytes[index + 1] == UInt8(ascii: "^") { index += 1 }
                if index + 1 < range.upperBound, bytes[index + 1] == UInt8(ascii: "]") { index += 1 }
            } else if byte == UInt8(ascii: "(") {
                depth += 1
            } else if byte == UInt8(ascii: ")") {
                depth -= 1
            } else if byte == UInt8(ascii: "|"), depth == 0 {
                branches.append(start..<index)
                start = index + 1
            }
            index += 1
        }
        branches.append(start..<min(range.upperBound, max(start, range.upperBound)))
        return branches
    }

    /// Requirements of a range without top-level alternatives.
    static func branchRequirements(_ bytes: [UInt8], _ range: Range<Int>, caseless: Bool, before: Edge, after: Edge,
                                   target: Target? = nil) -> [[ScreenLiteral]] {
        var requirements: [[ScreenLiteral]] = []
        var run: [UInt8] = []
        var runBoundedBefore = false
        // The edge the previous item leaves for a literal that starts now.
        var leftEdge = before
        func flush(_ edge: Edge) {
            // Spaces never enter a run (they break it), so the run's ends are its literal's ends.
            if let literal = String(validating: run, as: UTF8.self), !literal.isEmpty {
                let found = ScreenLiteral(text: asciiLowercased(literal), boundedBefore: runBoundedBefore, boundedAfter: edge.bounds(run.last),
                                          exactCase: caseless ? nil : literal)
                requirements.append([found])
            }
            run.removeAll()
        }
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            // The item starting here, and where it ends.
            var itemEnd = index + 1
            var literal: [UInt8]? = nil
            var group: Range<Int>? = nil
            var groupIsLookaround = false
            var lookaround: Range<Int>? = nil
            // What the item guarantees for a literal after it (for one before it: ``edgeAt``).
            var edgeForNext = Edge.none
            switch byte {
            case UInt8(ascii: "\\"):
                itemEnd = escapeEnd(bytes, from: index, limit: range.upperBound)
                if itemEnd == index + 2 {
                    let escaped = bytes[index + 1]
                    if isASCIIPunctuation(escaped) || escaped == UInt8(ascii: "_") { literal = [escaped] }
                    else if escaped == UInt8(ascii: "Q") {
                        var end = index + 2
                        while end + 1 < range.upperBound, !(bytes[end] == UInt8(ascii: "\\") && bytes[end + 1] == UInt8(ascii: "E")) { end += 1 }
                        literal = Array(bytes[(index + 2)..<min(end, range.upperBound)])
                        itemEnd = min(end + 2, range.upperBound)
                    } else if escaped == UInt8(ascii: "b") {
                        edgeForNext = .wordBoundary
                    } else if escaped == UInt8(ascii: "h") || escaped == UInt8(ascii: "s") {
                        edgeForNext = .separator
                    }
                }
            case UInt8(ascii: "["):
                itemEnd = classEnd(bytes, from: index, limit: range.upperBound)
            case UInt8(ascii: "("):
                let close = matchingParen(bytes, from: index, limit: range.upperBound)
                itemEnd = close + 1
                var contentStart = index + 1
                if contentStart < close, bytes[contentStart] == UInt8(ascii: "?") {
                    let kind = contentStart + 1 < close ? bytes[contentStart + 1] : 0
                    switch kind {
                    case UInt8(ascii: ":"), UInt8(ascii: ">"), UInt8(ascii: "|"): contentStart += 2
                    case UInt8(ascii: "<") where contentStart + 2 < close && bytes[contentStart + 2] != UInt8(ascii: "=") && bytes[contentStart + 2] != UInt8(ascii: "!"):
                        // Named group (?<name>…)
                        if let gt = bytes[contentStart..<close].firstIndex(of: UInt8(ascii: ">")) { contentStart = gt + 1 }
                    case UInt8(ascii: "P") where contentStart + 2 < close && bytes[contentStart + 2] == UInt8(ascii: "<"):
                        if let gt = bytes[contentStart..<close].firstIndex(of: UInt8(ascii: ">")) { contentStart = gt + 1 }
                    case UInt8(ascii: "="):
                        // A positive lookahead: what it holds is in the line too, next to nothing known.
                        groupIsLookaround = true
                        lookaround = (contentStart + 2)..<close
                    case UInt8(ascii: "<") where contentStart + 2 < close && bytes[contentStart + 2] == UInt8(ascii: "="):
                        groupIsLookaround = true
                        lookaround = (contentStart + 3)..<close
                    default:
                        // Negative lookarounds, options, comments, conditionals: no requirement.
                        groupIsLookaround = true
                    }
                }
                if !groupIsLookaround { group = contentStart..<close }
            case UInt8(ascii: "{"):
                if let close = bytes[index..<range.upperBound].firstIndex(of: UInt8(ascii: "}")),
                   bytes[(index + 1)..<close].allSatisfy({ (0x61...0x7A).contains($0) || $0 == 0x5F }), close > index + 1 {
                    itemEnd = close + 1  // a token: breaks literals
                    switch String(decoding: bytes[(index + 1)..<close], as: UTF8.self) {
                    case let token where separatorTokens.contains(token): edgeForNext = .separator
                    case "bos": edgeForNext = .separator
                    default: break
                    }
                } else {
                    literal = [byte]
                }
            case UInt8(ascii: " "):
                edgeForNext = .separator
            case UInt8(ascii: "^"):
                edgeForNext = .separator
            case UInt8(ascii: "$"):
                break
            case UInt8(ascii: "'"):
                edgeForNext = .separator  // any apostrophe form: never a word byte
            case UInt8(ascii: "."), UInt8(ascii: "|"), UInt8(ascii: ")"):
                break
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"):
                break  // a stray quantifier (handled with its item below)
            default:
                // One UTF-8 character.
                var end = index + 1
                while end < range.upperBound, bytes[end] & 0xC0 == 0x80 { end += 1 }
                itemEnd = end
                let character = Array(bytes[index..<end])
                if character == [0xE2, 0x80, 0x99] { literal = nil }  // ’ is loose
                else if caseless && byte >= 0x80 && !(byte == 0xC3 && character.count == 2) { literal = nil }
                else { literal = character }
            }
            // The quantifier that follows, if any.
            let (quantifierEnd, optional, repeated) = quantifier(bytes, at: itemEnd, limit: range.upperBound)
            // A literal byte that is not a word byte bounds its neighbours; so does a group whose every branch ends
            // (for what follows) with a separator.
            if let literal, let last = literal.last, !ScreenLiteral.isWordByte(last), last < 0x80 || !caseless { edgeForNext = .separator }
            if let group { edgeForNext = groupEndEdge(bytes, group, caseless: caseless) }
            if optional {
                // Absent, the edge before it holds; present, its own.
                if edgeForNext == .none { leftEdge = .none }
                edgeForNext = leftEdge
            }
            if let literal, !optional {
                if run.isEmpty { runBoundedBefore = leftEdge.bounds(literal.first) }
                run.append(contentsOf: literal)
                if repeated { flush(.none) }
                leftEdge = edgeForNext
            } else {
                flush(edgeAt(bytes, index, range, after, caseless: caseless))
                if let group, !optional {
                    let groupAfter = repeated ? .none : edgeAt(bytes, quantifierEnd, range, after, caseless: caseless)
                    requirements.append(contentsOf: sequenceRequirements(bytes, group, caseless: caseless,
                                                                         before: repeated ? .none : leftEdge, after: groupAfter, target: target))
                }
                if let lookaround, !optional {
                    requirements.append(contentsOf: sequenceRequirements(bytes, lookaround, caseless: caseless, before: .none, after: .none, target: target))
                }
                leftEdge = edgeForNext
            }
            index = max(quantifierEnd, index + 1)
        }
        flush(after)
        return requirements
    }

    /// What a group leaves for the literal after it: a separator when every branch ends with a space, an
    /// apostrophe, a spacing token or a literal byte that is not a word byte.
    static func groupEndEdge(_ bytes: [UInt8], _ group: Range<Int>, caseless: Bool) -> Edge {
        for branch in splitAlternatives(bytes, group) {
            guard let last = branch.last.map({ bytes[$0] }) else { return .none }
            if branch.count >= 2 && bytes[branch.upperBound - 2] == UInt8(ascii: "\\") {
                if isASCIIPunctuation(last) { continue }
                return .none
            }
            if last == UInt8(ascii: "}") {
                let tail = Array(bytes[branch].suffix(10))
                if separatorTokens.contains(where: { tail.ends(with: Array("{\($0)}".utf8)) }) { continue }
                return .none
            }
            if isSeparatorLiteral(last, caseless: caseless) || last == UInt8(ascii: " ") || last == UInt8(ascii: "'") { continue }
            return .none
        }
        return .separator
    }

    /// A pattern byte that stands for itself and is never a word byte in the text: plain ASCII punctuation (not a
    /// metacharacter), or a byte of a non-ASCII character (in a caseless pattern, a few of those match ASCII
    /// letters, so not there).
    static func isSeparatorLiteral(_ byte: UInt8, caseless: Bool) -> Bool {
        if byte >= 0x80 { return !caseless }
        return "!\"#%&,-/:;<=>@`~".utf8.contains(byte)
    }

    /// The quantifier after an item ending at `end` (before `limit`): where it ends (`end` without one), whether it
    /// lets the item be absent (`?`, `*`, `{0,…}`), and whether it repeats it (`*`, `+`, `{…}`); a lazy or possessive
    /// mark is part of it.
    static func quantifier(_ bytes: [UInt8], at end: Int, limit: Int) -> (end: Int, optional: Bool, repeated: Bool) {
        guard end < limit else { return (end, false, false) }
        var quantifierEnd = end, optional = false, repeated = false
        let next = bytes[end]
        if next == UInt8(ascii: "?") || next == UInt8(ascii: "*") {
            optional = true; repeated = next == UInt8(ascii: "*"); quantifierEnd += 1
        } else if next == UInt8(ascii: "+") {
            repeated = true; quantifierEnd += 1
        } else if next == UInt8(ascii: "{"), let close = bytes[end..<limit].firstIndex(of: UInt8(ascii: "}")),
                  let text = String(validating: bytes[(end + 1)..<close], as: UTF8.self),
                  let minimum = Int(text.split(separator: ",", omittingEmptySubsequences: false).first ?? ""),
                  text.allSatisfy({ $0.isNumber || $0 == "," }) {
            optional = minimum == 0; repeated = true; quantifierEnd = close + 1
        }
        if quantifierEnd > end, quantifierEnd < limit, bytes[quantifierEnd] == UInt8(ascii: "?") || bytes[quantifierEnd] == UInt8(ascii: "+") {
            quantifierEnd += 1
        }
        return (quantifierEnd, optional, repeated)
    }

    /// The edge that the item at `index` gives a literal ending right before it (`after` at the range's end). An
    /// optional item gives the weaker of its own edge and the next item's ("mer" in "Les mer(?: )?(?::|{dash})" is
    /// bounded: a space or a colon follows); a group, the weakest of its branches' first items (with what follows the
    /// group at a branch's end); a lookaround, which takes no text, the edge of what follows it.
    static func edgeAt(_ bytes: [UInt8], _ index: Int, _ range: Range<Int>, _ after: Edge, caseless: Bool) -> Edge {
        guard index < range.upperBound else { return after }
        // The item's own edge and where it ends.
        let own: Edge, end: Int
        switch bytes[index] {
        case UInt8(ascii: " "), UInt8(ascii: "$"), UInt8(ascii: "'"):
            (own, end) = (.separator, index + 1)
        case UInt8(ascii: "\\") where index + 1 < range.upperBound:
            switch bytes[index + 1] {
            case UInt8(ascii: "b"): return .wordBoundary
            case UInt8(ascii: "h"), UInt8(ascii: "s"): (own, end) = (.separator, index + 2)
            case let escaped where isASCIIPunctuation(escaped): (own, end) = (.separator, index + 2)
            default: return .none
            }
        case UInt8(ascii: "{"):
            guard let token = (separatorTokens + ["eos"]).map({ "{\($0)}" }).first(where: { bytes[index...].starts(with: $0.utf8) }) else { return .none }
            (own, end) = (.separator, index + token.utf8.count)
        case UInt8(ascii: "("):
            let close = matchingParen(bytes, from: index, limit: range.upperBound)
            (own, end) = (groupStartEdge(bytes, index, close, range, after, caseless: caseless), close + 1)
        case let byte where byte >= 0xC0 || (byte < 0x80 && isSeparatorLiteral(byte, caseless: caseless)):
            if byte >= 0xC0 && caseless { return .none }
            var characterEnd = index + 1
            while characterEnd < range.upperBound, bytes[characterEnd] & 0xC0 == 0x80 { characterEnd += 1 }
            (own, end) = (.separator, characterEnd)
        default:
            return .none
        }
        let (quantifierEnd, optional, _) = quantifier(bytes, at: end, limit: range.upperBound)
        guard optional else { return own }
        return weaker(own, edgeAt(bytes, quantifierEnd, range, after, caseless: caseless))
    }

    /// What the group `(`…`)` at `open`…`close` gives a literal ending right before it: the weakest first edge of its
    /// branches, each followed by what follows the group (nothing known when the group repeats); a lookaround takes
    /// no text, so the edge of what follows it; options, conditionals and the like, none.
    static func groupStartEdge(_ bytes: [UInt8], _ open: Int, _ close: Int, _ range: Range<Int>, _ after: Edge, caseless: Bool) -> Edge {
        var contentStart = open + 1
        let (quantifierEnd, _, repeated) = quantifier(bytes, at: close + 1, limit: range.upperBound)
        let following = repeated ? .none : edgeAt(bytes, quantifierEnd, range, after, caseless: caseless)
        if contentStart < close, bytes[contentStart] == UInt8(ascii: "?") {
            let kind = contentStart + 1 < close ? bytes[contentStart + 1] : 0
            let third = contentStart + 2 < close ? bytes[contentStart + 2] : 0
            switch kind {
            case UInt8(ascii: ":"), UInt8(ascii: ">"):
                contentStart += 2
            case UInt8(ascii: "="), UInt8(ascii: "!"):
                return quantifierEnd == close + 1 ? following : .none
            case UInt8(ascii: "<") where third == UInt8(ascii: "=") || third == UInt8(ascii: "!"):
                return quantifierEnd == close + 1 ? following : .none
            case UInt8(ascii: "<"), UInt8(ascii: "P"):
                guard let gt = bytes[contentStart..<close].firstIndex(of: UInt8(ascii: ">")) else { return .none }
                contentStart = gt + 1
            default:
                return .none
            }
        }
        return splitAlternatives(bytes, contentStart..<close).reduce(Edge.separator) { edge, branch in
            weaker(edge, edgeAt(bytes, branch.lowerBound, branch, following, caseless: caseless))
        }
    }

    /// The weaker of two edges: none < a word boundary < a separator.
    static func weaker(_ a: Edge, _ b: Edge) -> Edge {
        if a == .none || b == .none { return .none }
        return a == .wordBoundary || b == .wordBoundary ? .wordBoundary : .separator
    }

    /// The end of the escape sequence at `index` (`\x{…}`, `\p{…}`, `\xHH`, `\cX`, `\123`, or two bytes).
    static func escapeEnd(_ bytes: [UInt8], from index: Int, limit: Int) -> Int {
        guard index + 1 < limit else { return limit }
        let escaped = bytes[index + 1]
        var end = index + 2
        if "xpPNogk".utf8.contains(escaped), end < limit, bytes[end] == UInt8(ascii: "{") || bytes[end] == UInt8(ascii: "<") {
            let closer = bytes[end] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: ">")
            if let close = bytes[end..<limit].firstIndex(of: closer) { return close + 1 }
            return limit
        }
        switch escaped {
        case UInt8(ascii: "x"):
            while end < limit, end < index + 4, isHexDigit(bytes[end]) { end += 1 }
        case UInt8(ascii: "c"):
            end = min(end + 1, limit)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            while end < limit, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) { end += 1 }
        default:
            break
        }
        return end
    }

    /// Whether a pattern turns on caseless matching anywhere (`(?i)`, `(?i:…)`, `(?mi)`…: any `(?` option run with an
    /// `i` before its `)` or `:`). Read on bytes: Foundation's `contains` cost a measurable share of the start.
    static func isCaseless(_ bytes: [UInt8]) -> Bool { hasInlineOption(UInt8(ascii: "i"), in: bytes) }

    /// Whether an option setting (`(?i)`, `(?mi:`…) anywhere in the pattern names `option`.
    static func hasInlineOption(_ option: UInt8, in bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return false }
            var index = 0
            while index + 2 < bytes.count {
                // Most bytes are not "(": skip to the next one without looking at anything else.
                guard let open = memchr(base + index, Int32(UInt8(ascii: "(")), bytes.count - 2 - index) else { return false }
                index = base.distance(to: open.assumingMemoryBound(to: UInt8.self)) + 1
                guard bytes[index] == UInt8(ascii: "?") else { continue }
                var at = index + 1
                while at < bytes.count, (bytes[at] | 0x20) >= UInt8(ascii: "a"), (bytes[at] | 0x20) <= UInt8(ascii: "z") {
                    if bytes[at] == option { return true }
                    at += 1
                }
            }
            return false
        }
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    static func classEnd(_ bytes: [UInt8], from index: Int, limit: Int) -> Int {
        var end = index + 1
        if end < limit, bytes[end] == UInt8(ascii: "^") { end += 1 }
        if end < limit, bytes[end] == UInt8(ascii: "]") { end += 1 }
        while end < limit {
            if bytes[end] == UInt8(ascii: "\\") { end = escapeEnd(bytes, from: end, limit: limit); continue }
            if bytes[end] == UInt8(ascii: "["), end + 1 < limit, bytes[end + 1] == UInt8(ascii: ":") {
                if let close = (end + 2..<limit).first(where: { bytes[$0] == UInt8(ascii: "]") }) { end = close + 1; continue }
            }
            if bytes[end] == UInt8(ascii: "]") { return end + 1 }
            end += 1
        }
        return limit
    }

    static func matchingParen(_ bytes: [UInt8], from index: Int, limit: Int) -> Int {
        var depth = 0, cursor = index
        while cursor < limit {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "\\") { cursor += 2; continue }
            if byte == UInt8(ascii: "[") { cursor = classEnd(bytes, from: cursor, limit: limit); continue }
            if byte == UInt8(ascii: "(") { depth += 1 }
            if byte == UInt8(ascii: ")") { depth -= 1; if depth == 0 { return cursor } }
            cursor += 1
        }
        return limit - 1
    }

    /// ASCII punctuation, which is never a word byte: not `_` (an escaped `\_` is a literal underscore, a word byte
    /// that bounds nothing).
    static func isASCIIPunctuation(_ byte: UInt8) -> Bool {
        (0x21...0x2F).contains(byte) || (0x3A...0x40).contains(byte) || (0x5B...0x60).contains(byte) && byte != 0x5F
            || (0x7B...0x7E).contains(byte)
    }
}

/// ASCII-lowercases a string: what the screen compares.
func asciiLowercased(_ text: String) -> String {
    String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix) }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars = scalars.dropFirst() }
        while scalars.last == " " { scalars = scalars.dropLast() }
        return String(scalars)
    }
}

/// A literal the screen looks for, lowercased, with what the pattern guarantees around it.
public struct ScreenLiteral: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let text: String
    /// The text byte before an occurrence that matches cannot be an ASCII letter, digit or underscore.
    public let boundedBefore: Bool
    /// Likewise for the byte after it.
    public let boundedAfter: Bool
    /// The spelling every match uses, when the pattern is case-sensitive and spells the literal one way only
    /// ("PTI" never matches "pti" in "optimal"): the screen compares a hit's bytes with it.
    public let exactCase: String?

    public init(text: String, boundedBefore: Bool = false, boundedAfter: Bool = false, exactCase: String? = nil) {
        self.text = text
        self.boundedBefore = boundedBefore
        self.boundedAfter = boundedAfter
        self.exactCase = exactCase
    }

    /// The text, with `\b` on the sides the screen checks.
    public var description: String { (boundedBefore ? "\\b" : "") + (exactCase ?? text) + (boundedAfter ? "\\b" : "") }

    public static func < (a: ScreenLiteral, b: ScreenLiteral) -> Bool {
        if a.text != b.text { return a.text < b.text }
        if a.exactCase != b.exactCase { return (a.exactCase ?? "") < (b.exactCase ?? "") }
        return (a.boundedBefore ? 0 : 1, a.boundedAfter ? 0 : 1) < (b.boundedBefore ? 0 : 1, b.boundedAfter ? 0 : 1)
    }

    /// The most spellings of one text a requirement keeps apart (``merged(_:)``).
    static let mostSpellings = 4

    /// One entry per text and spelling, sorted; entries of one text and spelling keep only the boundaries they share.
    /// A text spelled several ways ("Share|SHARE") keeps each spelling with its own boundaries, up to
    /// ``mostSpellings``: an occurrence then must have one of them ("share" in running text has neither); a text
    /// found without a spelling (a caseless part), or in more spellings, is one caseless entry.
    static func merged(_ literals: [ScreenLiteral]) -> [ScreenLiteral] {
        var spellings: [String: Set<String?>] = [:]
        for literal in literals { spellings[literal.text, default: []].insert(literal.exactCase) }
        var byKey: [String: ScreenLiteral] = [:]
        for literal in literals {
            let kept = spellings[literal.text]!
            let exact = kept.contains(nil) || kept.count > mostSpellings ? nil : literal.exactCase
            let key = literal.text + "\u{0}" + (exact ?? "")
            if let seen = byKey[key] {
                byKey[key] = ScreenLiteral(text: literal.text, boundedBefore: seen.boundedBefore && literal.boundedBefore,
                                           boundedAfter: seen.boundedAfter && literal.boundedAfter, exactCase: exact)
            } else {
                byKey[key] = ScreenLiteral(text: literal.text, boundedBefore: literal.boundedBefore,
                                           boundedAfter: literal.boundedAfter, exactCase: exact)
            }
        }
        return byKey.values.sorted()
    }

    /// A requirement re-read as occurrences of `targets` (lowercased): each of its literals must contain one, and
    /// gives it the boundaries and spelling of where it sits (a literal equal to the target keeps its own). Nil
    /// when a literal of the requirement contains none of them. Several targets in one literal ("reading" holds
    /// "reading" and "read"): any one is enough, so the result keeps the longest, the rarest in text, whatever order
    /// the group declares them in.
    static func within(_ requirement: [ScreenLiteral], _ targets: LiteralExtractor.Target) -> [ScreenLiteral]? {
        var result: [ScreenLiteral] = []
        for literal in requirement {
            // Compared as the screen compares: ASCII and Latin-1 capitals folded ("ČTK" holds "čtk").
            let hay = Array(literal.text.utf8).map(Screen.fold)
            var placed: ScreenLiteral? = nil
            search: for (target, needle) in targets.longestFirst.map({ (targets.texts[$0], targets.folded[$0]) }) {
                guard !needle.isEmpty, needle.count <= hay.count else { continue }
                for start in 0...(hay.count - needle.count) where hay[start..<(start + needle.count)].elementsEqual(needle) {
                    let exact = literal.exactCase.map { String(decoding: Array($0.utf8)[start..<(start + needle.count)], as: UTF8.self) }
                    placed = ScreenLiteral(text: target, boundedBefore: start == 0 && literal.boundedBefore,
                                           boundedAfter: start + needle.count == hay.count && literal.boundedAfter, exactCase: exact)
                    break search
                }
            }
            guard let placed else { return nil }
            result.append(placed)
        }
        return merged(result)
    }

    /// ASCII letters, digits and the underscore: bytes that are always part of a word.
    @inline(__always)
    static func isWordByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F
    }
}
