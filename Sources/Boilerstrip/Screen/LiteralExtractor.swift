/// Derives, from a rule pattern as written, literals that every match must contain.
///
/// The analysis is conservative: it only reports text that a match cannot avoid (mandatory items of the
/// top-level sequence, and of groups that are neither optional nor lookarounds). When the top level or a
/// group has alternatives, each alternative must yield a literal, and the result is the set of them (any one
/// may occur). Spaces, apostrophes and tokens break literals, since loose spacing lets them vary.
/// In a caseless pattern, literals stop at non-ASCII letters other than Latin-1's (which the screen folds), since
/// they could match in another case.
public enum LiteralExtractor {
    /// A requirement: one of these literals occurs in every match.
    public typealias AnyOf = [String]

    /// The most selective requirement of `pattern`, or nil when none can be proven.
    public static func requiredLiterals(of pattern: String) -> AnyOf? {
        let bytes = Array(pattern.utf8)
        let caseless = pattern.contains("(?i")
        let requirements = sequenceRequirements(bytes, 0..<bytes.count, caseless: caseless)
        // Prefer the requirement whose shortest literal is longest, then with the fewest alternatives.
        return requirements.max { a, b in
            let la = a.map(\.utf8.count).min() ?? 0, lb = b.map(\.utf8.count).min() ?? 0
            return la != lb ? la < lb : a.count > b.count
        }
    }

    /// Up to `limit` requirements of `pattern`, most selective first: a line must meet all of them.
    public static func requiredLiteralGroups(of pattern: String, limit: Int = 3) -> [AnyOf] {
        let bytes = Array(pattern.utf8)
        let caseless = pattern.contains("(?i")
        var requirements: [AnyOf] = []
        for requirement in sequenceRequirements(bytes, 0..<bytes.count, caseless: caseless) {
            let folded = Array(Set(requirement)).sorted()
            if !requirements.contains(folded) { requirements.append(folded) }
        }
        func strength(_ any: AnyOf) -> Int { any.map(\.utf8.count).min() ?? 0 }
        let ranked = requirements.sorted { strength($0) != strength($1) ? strength($0) > strength($1) : $0.count < $1.count }
        // Short literals add little selectivity; keep them only when nothing better exists.
        let strong = ranked.filter { strength($0) >= 3 }
        return Array((strong.isEmpty ? ranked.prefix(1) : strong.prefix(limit)))
    }

    /// Requirements of a pattern range that may contain top-level alternatives.
    static func sequenceRequirements(_ bytes: [UInt8], _ range: Range<Int>, caseless: Bool) -> [AnyOf] {
        let branches = splitAlternatives(bytes, range)
        if branches.count == 1 { return branchRequirements(bytes, branches[0], caseless: caseless) }
        // Each alternative must contribute; take each one's best literal.
        var union: AnyOf = []
        for branch in branches {
            let requirements = branchRequirements(bytes, branch, caseless: caseless)
            guard let best = requirements.max(by: { ($0.map(\.utf8.count).min() ?? 0) < ($1.map(\.utf8.count).min() ?? 0) })
            else { return [] }
            union.append(contentsOf: best)
        }
        return [Array(Set(union)).sorted()]
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
    static func branchRequirements(_ bytes: [UInt8], _ range: Range<Int>, caseless: Bool) -> [AnyOf] {
        var requirements: [AnyOf] = []
        var run: [UInt8] = []
        func flush() {
            if let literal = String(validating: run, as: UTF8.self) {
                let trimmed = literal.trimmingSpaces()
                if !trimmed.isEmpty { requirements.append([asciiLowercased(trimmed)]) }
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
            switch byte {
            case UInt8(ascii: "\\"):
                itemEnd = escapeEnd(bytes, from: index, limit: range.upperBound)
                if itemEnd == index + 2 {
                    let escaped = bytes[index + 1]
                    if isASCIIPunctuation(escaped) { literal = [escaped] }
                    else if escaped == UInt8(ascii: "Q") {
                        var end = index + 2
                        while end + 1 < range.upperBound, !(bytes[end] == UInt8(ascii: "\\") && bytes[end + 1] == UInt8(ascii: "E")) { end += 1 }
                        literal = Array(bytes[(index + 2)..<min(end, range.upperBound)])
                        itemEnd = min(end + 2, range.upperBound)
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
                    default:
                        // Lookarounds, options, comments, conditionals: no requirement.
                        groupIsLookaround = true
                    }
                }
                if !groupIsLookaround { group = contentStart..<close }
            case UInt8(ascii: "{"):
                if let close = bytes[index..<range.upperBound].firstIndex(of: UInt8(ascii: "}")),
                   bytes[(index + 1)..<close].allSatisfy({ (0x61...0x7A).contains($0) || $0 == 0x5F }), close > index + 1 {
                    itemEnd = close + 1  // a token: breaks literals
                } else {
                    literal = [byte]
                }
            case UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: " "), UInt8(ascii: "'"),
                 UInt8(ascii: "|"), UInt8(ascii: ")"):
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
            var quantifierEnd = itemEnd
            var optional = false
            var repeated = false
            if quantifierEnd < range.upperBound {
                let next = bytes[quantifierEnd]
                if next == UInt8(ascii: "?") || next == UInt8(ascii: "*") {
                    optional = true; repeated = next == UInt8(ascii: "*"); quantifierEnd += 1
                } else if next == UInt8(ascii: "+") {
                    repeated = true; quantifierEnd += 1
                } else if next == UInt8(ascii: "{"), let close = bytes[quantifierEnd..<range.upperBound].firstIndex(of: UInt8(ascii: "}")),
                          let text = String(validating: bytes[(quantifierEnd + 1)..<close], as: UTF8.self),
                          let minimum = Int(text.split(separator: ",", omittingEmptySubsequences: false).first ?? ""),
                          text.allSatisfy({ $0.isNumber || $0 == "," }) {
                    optional = minimum == 0; repeated = true; quantifierEnd = close + 1
                }
                if quantifierEnd > itemEnd, quantifierEnd < range.upperBound,
                   bytes[quantifierEnd] == UInt8(ascii: "?") || bytes[quantifierEnd] == UInt8(ascii: "+") {
                    quantifierEnd += 1
                }
            }
            if let literal, !optional {
                run.append(contentsOf: literal)
                if repeated { flush() }
            } else {
                flush()
                if let group, !optional {
                    requirements.append(contentsOf: sequenceRequirements(bytes, group, caseless: caseless))
                }
            }
            index = max(quantifierEnd, index + 1)
        }
        flush()
        return requirements
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

    static func isASCIIPunctuation(_ byte: UInt8) -> Bool {
        (0x21...0x2F).contains(byte) || (0x3A...0x40).contains(byte) || (0x5B...0x60).contains(byte) || (0x7B...0x7E).contains(byte)
    }
}

/// ASCII-lowercases a string: what the screen compares.
func asciiLowercased(_ text: String) -> String {
    String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars = scalars.dropFirst() }
        while scalars.last == " " { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
