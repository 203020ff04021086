/// Renderings of rules for `rules list` and `rules export`.
public enum RuleListing {
    /// One rule as a JSON object: id, family, language, position, weight, description, match_examples, keep_examples.
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
        key("description"); string(rule.description); out.append(UInt8(ascii: ","))
        key("file"); string(rule.location.description); out.append(UInt8(ascii: ","))
        key("literals"); out.append(UInt8(ascii: "["))
        for (index, literal) in rule.literals.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            string(literal)
        }
        out.append(contentsOf: "],".utf8)
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

    /// Every rule's pattern as one alternation, with duplicate capture names allowed.
    public static func alternation(_ rules: [Rule]) -> String {
        "(?J)" + rules.map { "(?:" + $0.expandedPattern + ")" }.joined(separator: "|")
    }
}
