import PCRE2

/// Renderings of rules for `rules list` and `rules export`.
public enum RuleListing {
    /// One rule as a JSON object: id, family, language, position, weight, credit, to_end, description, file, literals
    /// (as the screen checks them: `\b` on the sides it checks, the spelling where it is exact), match_reach (the
    /// most non-spacing characters a match holds, null when unbounded; see ``MatchReach``), literal_reach (per literal
    /// group, the most before its literal), ends_line (whether every match ends its line), starts_line (whether
    /// every match starts its line, so that only lines beginning with one of ``Rule/lineStart`` are tried),
    /// match_examples, keep_examples.
    public static func json(_ rule: Rule) -> String {
        var out: [UInt8] = []
        func key(_ name: String) { out.append(contentsOf: "\"\(name)\":".utf8) }
        func string(_ value: String) { JSONString.encode(Array(value.utf8), to: &out) }
        out.append(UInt8(ascii: "{"))
        key("id"); string(rule.id); out.append(UInt8(ascii: ","))
        key("family"); string(rule.family.rawValue); out.append(UInt8(ascii: ","))
        key("language"); string(rule.language); out.append(UInt8(ascii: ","))
        key("position"); string(rule.position.rawValue); out.append(UInt8(ascii: ","))
        key("weight"); out.append(contentsOf: String(rule.weight).utf8); out.append(UInt8(ascii: ","))
        key("credit"); out.append(contentsOf: (rule.isCredit ? "true" : "false").utf8); out.append(UInt8(ascii: ","))
        key("to_end"); out.append(contentsOf: (rule.extendsToEnd ? "true" : "false").utf8); out.append(UInt8(ascii: ","))
        key("description"); string(rule.description); out.append(UInt8(ascii: ","))
        key("file"); string(rule.location.description); out.append(UInt8(ascii: ","))
        key("literals"); out.append(UInt8(ascii: "["))
        for (index, group) in rule.screenLiterals.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            for (position, literal) in group.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                string(literal.description)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(contentsOf: "],".utf8)
        key("match_reach"); out.append(contentsOf: (rule.matchReach.map(String.init) ?? "null").utf8); out.append(UInt8(ascii: ","))
        key("literal_reach"); out.append(contentsOf: ("[" + rule.literalReach.map { $0.map(String.init) ?? "null" }.joined(separator: ",") + "],").utf8)
        key("literal_tail"); out.append(contentsOf: ("[" + rule.literalTail.map { $0.map(String.init) ?? "null" }.joined(separator: ",") + "],").utf8)
        key("ends_line"); out.append(contentsOf: (rule.matchEndsLine ? "true," : "false,").utf8)
        key("starts_line"); out.append(contentsOf: (rule.lineStart != nil ? "true," : "false,").utf8)
        key("match_examples"); out.append(contentsOf: String(rule.matchExamples.count).utf8); out.append(UInt8(ascii: ","))
        key("keep_examples"); out.append(contentsOf: String(rule.keepExamples.count).utf8)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// The expanded pattern, prefixed with `(?J)` when it repeats a capture name (as `grep -P` needs).
    public static func grepPattern(_ rule: Rule) -> String {
        let repeated = rule.regex.namedGroups.values.contains { $0.count > 1 }
        return (repeated ? "(?J)" : "") + rule.expandedPattern
    }

    /// Every rule's pattern as alternations, with duplicate capture names allowed and the spacing tokens written
    /// once, as subroutines. As few patterns as PCRE2's compiled-size limit allows (the limit `grep -P` has too):
    /// usually one or two.
    public static func alternations(_ rules: [Rule]) -> [String] {
        let prefix = "(?J)" + PatternExpander.definitions
        let branches = rules.map { "(?:" + ((try? PatternExpander.expand($0.pattern, form: .compact).pattern) ?? $0.expandedPattern) + ")" }
        func fits(_ part: ArraySlice<String>) -> Bool { (try? Regex(prefix + part.joined(separator: "|"), jit: false)) != nil }
        var result: [String] = []
        var start = 0
        while start < branches.count {
            // Grow the chunk by doubling, then settle on the largest size that compiles.
            var good = 1, step = 1
            while start + good + step <= branches.count, fits(branches[start..<(start + good + step)]) { good += step; step *= 2 }
            while step > 1 {
                step /= 2
                if start + good + step <= branches.count, fits(branches[start..<(start + good + step)]) { good += step }
            }
            result.append(prefix + branches[start..<(start + good)].joined(separator: "|"))
            start += good
        }
        return result
    }

    /// The catalogue as a Markdown page (Rules/README.md): counts, then every rule by family and language with
    /// what it matches and one example.
    public static func markdown(_ catalogue: Catalogue) -> String {
        let rules = catalogue.rules
        func cell(_ text: String) -> String {
            text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        }
        var out = "<!-- GENERATED FILE. DO NOT EDIT! Regenerate with `make rules-readme` (boilerstrip rules doc). -->\n"
        out += "# The rule catalogue\n\n"
        let languages = Set(rules.map(\.language))
        out += "\(rules.count) rules in \(languages.count) language codes. Every rule carries `match` and `keep` examples; "
        out += "`boilerstrip rules test` runs them all. See CONTRIBUTING.md for the format.\n\n"
        out += "| family | rules | languages |\n|---|---:|---|\n"
        for family in Family.allCases {
            let members = rules.filter { $0.family == family }
            out += "| \(family.rawValue) | \(members.count) | \(Set(members.map(\.language)).sorted().joined(separator: " ")) |\n"
        }
        for family in Family.allCases {
            let members = rules.filter { $0.family == family }
            guard !members.isEmpty else { continue }
            out += "\n## \(family.rawValue)\n\n| id | language | position | weight | matches | example |\n|---|---|---|---:|---|---|\n"
            for rule in members.sorted(by: { ($0.language, $0.id) < ($1.language, $1.id) }) {
                let example = rule.matchExamples.first.map { example -> String in
                    guard let span = example.span else { return example.text }
                    let bytes = Array(example.text.utf8)
                    return String(decoding: bytes[..<span.lowerBound], as: UTF8.self) + "«" + String(decoding: bytes[span], as: UTF8.self)
                        + "»" + String(decoding: bytes[span.upperBound...], as: UTF8.self)
                } ?? ""
                out += "| `\(rule.id)` | \(rule.language) | \(rule.position.rawValue) | \(rule.weight) | \(cell(rule.description)) | \(cell(example)) |\n"
            }
        }
        return out
    }
}
