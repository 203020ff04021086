import PCRE2
import Yams

/// Reads rule files (YAML, the schema in CONTRIBUTING.md) into compiled rules.
///
/// Checks as it loads: the schema, that patterns expand and compile, that every rule has `match` and `keep`
/// examples and that they behave at the pattern level (each `match` example matches, no `keep` example does).
/// The full check of examples (spans, scores, typographic variants) is ``RuleExampleRunner``.
public enum RuleLoader {
    static let knownRuleKeys: Set<String> = [
        "id", "description", "source", "pattern", "position", "weight", "requires", "examples", "skip_variants", "credit", "to_end",
    ]
    static let knownFileKeys: Set<String> = ["family", "language", "rules", "source", "description"]

    /// Loads the rules of one file.
    /// - Parameters:
    ///   - text: the YAML text.
    ///   - path: the name used in errors (and in ``RuleLocation``).
    ///   - checkExamples: whether each pattern must match its `match` examples and none of its `keep` examples
    ///     (see ``checkExamples(of:)``); the embedded catalogue leaves that to `rules test`.
    public static func load(yaml text: String, path: String, checkExamples: Bool = true) throws(RuleLoadError) -> [Rule] {
        let root: Node
        do {
            // Every scalar stays a string (Resolver.basic): the schema says which are numbers, and the default
            // resolver's regular expressions cost more than all the rest of loading.
            // UTF-8 said outright: Yams's default reads the whole environment on every parse (and prints to stdout
            // when YAMS_DEFAULT_ENCODING is set).
            guard let node = try Yams.compose(yaml: text, .basic, .default, .utf8) else {
                throw RuleLoadError(file: path, line: 1, message: "the file is empty")
            }
            root = node
        } catch let error as RuleLoadError {
            throw error
        } catch let error as YamlError {
            throw yamlError(error, path: path)
        } catch {
            throw RuleLoadError(file: path, line: 1, message: "cannot parse YAML: \(error)")
        }
        guard let top = root.mapping else {
            throw RuleLoadError(file: path, line: line(root), message: "the file must be a mapping with family, language and rules")
        }
        for (key, _) in top where !knownFileKeys.contains(key.string ?? "") {
            throw RuleLoadError(file: path, line: line(key), message: "unknown key '\(key.string ?? "?")' (expected \(knownFileKeys.sorted().joined(separator: ", ")))")
        }
        guard let familyName = top["family"]?.string else {
            throw RuleLoadError(file: path, line: line(root), message: "missing 'family'")
        }
        guard let family = Family(rawValue: familyName) else {
            throw RuleLoadError(file: path, line: line(top["family"]!), message: "unknown family '\(familyName)' (expected \(Family.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard let language = top["language"]?.string, !language.isEmpty else {
            throw RuleLoadError(file: path, line: line(root), message: "missing 'language'")
        }
        guard let rulesNode = top["rules"], let list = rulesNode.sequence else {
            throw RuleLoadError(file: path, line: line(root), message: "missing 'rules' (a list)")
        }
        var rules: [Rule] = []
        for node in list {
            rules.append(try rule(from: node, family: family, language: language, path: path, checkExamples: checkExamples))
        }
        return rules
    }

    /// A mapping's values by key. Yams looks a key up by building a node for it and comparing nodes, thousands of
    /// instructions a lookup; the parser has already refused duplicate keys.
    static func fields(of mapping: Node.Mapping) -> [String: Node] {
        var fields: [String: Node] = [:]
        for (key, value) in mapping { if let name = key.string { fields[name] = value } }
        return fields
    }

    static func rule(from node: Node, family: Family, language: String, path: String, checkExamples: Bool = true) throws(RuleLoadError) -> Rule {
        let at = line(node)
        guard let mapping = node.mapping else {
            throw RuleLoadError(file: path, line: at, message: "a rule must be a mapping")
        }
        let map = fields(of: mapping)
        let id = map["id"]?.string
        func fail(_ message: String, _ where: Node? = nil) -> RuleLoadError {
            RuleLoadError(file: path, line: `where`.map(line) ?? at, ruleID: id, message: message)
        }
        for (key, _) in mapping where !knownRuleKeys.contains(key.string ?? "") {
            throw fail("unknown key '\(key.string ?? "?")' (expected \(knownRuleKeys.sorted().joined(separator: ", ")))", key)
        }
        guard let id, !id.isEmpty else { throw fail("missing 'id'") }
        guard id.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }) else {
            throw fail("an id is lowercase letters, digits and '-'", map["id"])
        }
        guard let patternNode = map["pattern"], let pattern = patternNode.string, !pattern.isEmpty else {
            throw fail("missing 'pattern'")
        }
        let positionName = map["position"]?.string ?? "any"
        guard let position = Position(rawValue: positionName) else {
            throw fail("unknown position '\(positionName)' (expected tail, head or any)", map["position"])
        }
        // Optional true/false keys.
        func flag(_ key: String) throws(RuleLoadError) -> Bool {
            guard let node = map[key] else { return false }
            guard let value = node.string, ["true", "false"].contains(value) else { throw fail("\(key) must be true or false", node) }
            return value == "true"
        }
        let isCredit = try flag("credit"), extendsToEnd = try flag("to_end")
        var weight = 0.9
        if let weightNode = map["weight"] {
            guard let value = weightNode.string.flatMap(Double.init), (0...1).contains(value) else {
                throw fail("weight must be a number from 0 to 1", weightNode)
            }
            weight = value
        }
        // Pattern: expand, then compile.
        let expansion: PatternExpander.Expansion, plain: String
        do {
            expansion = try PatternExpander.expand(pattern)
            plain = try PatternExpander.expand(pattern, form: .plain).pattern
        } catch {
            throw fail("unknown token {\(error.name)} in pattern (known: \(PatternExpander.tokens.keys.sorted().map { "{\($0)}" }.joined(separator: " ")))", patternNode)
        }
        // The built-in catalogue's rules (loaded without checking their examples: `rules test` and the test suite
        // compile and run every one) compile at their first use, so that a start does not compile the hundreds an
        // input never needs; other rules compile here, where an error can name the file, line and rule.
        let regex: Regex
        do {
            regex = checkExamples ? try Regex(expansion.pattern) : Regex(deferred: expansion.pattern)
        } catch {
            let offset = expansion.sourceOffset(for: error.offset)
            throw fail("pattern does not compile: \(error.message) at offset \(offset) of the pattern: \(excerpt(pattern, at: offset))", patternNode)
        }
        // Its plain form has only fewer alternatives: it compiles if the full one does (a rule loaded here is checked
        // now, and falls back to the full form if not).
        let plainRegex = plain == expansion.pattern ? regex
            : checkExamples ? (try? Regex(plain)) ?? regex : Regex(deferred: plain)
        // Screen literals.
        // `requires: [a, b]`: one of a, b. `requires: [[a, b], [c]]`: one of a, b, and c.
        var declaredLiterals: [[String]] = []
        var literals: [[ScreenLiteral]] = []
        var declared = false
        var tied: [Bool] = []
        if let requires = map["requires"] {
            guard let items = requires.sequence, !items.isEmpty else { throw fail("'requires' must be a list of strings (or of lists of strings)", requires) }
            func strings(_ node: Node) throws(RuleLoadError) -> String {
                guard let literal = node.string, !literal.isEmpty else { throw fail("'requires' must hold non-empty strings", node) }
                return asciiLowercased(literal)
            }
            if items.allSatisfy({ $0.sequence != nil }) {
                for group in items {
                    var any: [String] = []
                    for item in group.sequence! { any.append(try strings(item)) }
                    guard !any.isEmpty else { throw fail("'requires' groups must not be empty", group) }
                    declaredLiterals.append(any)
                }
            } else {
                var any: [String] = []
                for item in items { any.append(try strings(item)) }
                declaredLiterals = [any]
            }
            let bounded = LiteralExtractor.boundedGroups(declaredLiterals, in: pattern)
            literals = bounded.map(\.literals)
            tied = bounded.map(\.tied)
            declared = true
        } else {
            literals = LiteralExtractor.screenLiterals(of: pattern)
            tied = literals.map { _ in true }  // derived from mandatory runs
        }
        // How far before each group's literal a match can start: up to its last mandatory item where the group is
        // tied to one, else across the whole match.
        let reach = MatchReach.bounds(of: expansion.pattern)
        var literalReach = tied.map { $0 ? reach.lead : reach.reach }
        // A group of single bytes ("/", "-" or "_"): a match reaches its first one within as many bytes as the pattern
        // allows before the first byte of the group it consumes (`^[a-z0-9]{1,30}(?:[-_]…`: 30).
        for (index, group) in literals.enumerated() where group.allSatisfy({ $0.text.utf8.count == 1 }) {
            let target = ByteSet((0...255).map(UInt8.init).filter { byte in group.contains { Screen.fold(byte) == $0.text.utf8.first } })
            if let before = MatchReach.bounds(of: expansion.pattern, target: target).beforeTarget {
                literalReach[index] = min(literalReach[index] ?? before, before)
            }
        }
        // How near the end of its line a group's literal is: where what follows it in every match ends the line (the
        // match's start may be unbounded), and in a rule whose matches end the line, hold at most `whole` characters
        // and hold their literals (not in a lookbehind before them).
        let wholeTail = reach.endsLine && reach.startBound ? reach.whole : nil
        let literalTail = literals.map { group in
            let spelled = MatchReach.tail(of: expansion.pattern, literals: group.map(\.text))
            return [spelled, wholeTail].compactMap { $0 }.min()
        }
        // Examples.
        guard let examples = map["examples"]?.mapping.map(fields) else { throw fail("missing 'examples' with 'match' and 'keep' lists") }
        func list(_ key: String, marked: Bool) throws(RuleLoadError) -> [RuleExample] {
            guard let items = examples[key]?.sequence, !items.isEmpty else {
                throw fail("needs at least one '\(key)' example", map["examples"])
            }
            var result: [RuleExample] = []
            for item in items {
                guard let text = item.string else { throw fail("examples are strings", item) }
                if !marked {
                    result.append(RuleExample(text: text, line: line(item)))
                    continue
                }
                do {
                    result.append(try RuleExample(marked: text, line: line(item)))
                } catch {
                    throw fail(error.message, item)
                }
            }
            return result
        }
        let matches = try list("match", marked: true)
        let keeps = try list("keep", marked: false)
        var skips: [String: String] = [:]
        if let skipNode = map["skip_variants"] {
            guard let skipMap = skipNode.mapping else { throw fail("'skip_variants' maps a variant to the reason", skipNode) }
            for (key, value) in skipMap {
                guard let name = key.string, ExampleVariant(rawValue: name) != nil else {
                    throw fail("unknown variant '\(key.string ?? "?")' (expected \(ExampleVariant.allCases.map(\.rawValue).joined(separator: ", ")))", key)
                }
                guard let reason = value.string, !reason.isEmpty else { throw fail("say why the rule does not hold under '\(name)'", value) }
                skips[name] = reason
            }
        }
        let rule = Rule(
            id: id, family: family, language: language, description: map["description"]?.string ?? "",
            source: map["source"]?.string, pattern: pattern, expandedPattern: expansion.pattern, plainPattern: plain,
            position: position, weight: weight, isCredit: isCredit, extendsToEnd: extendsToEnd, screenLiterals: literals, literalsDeclared: declared,
            matchReach: reach.whole, literalReach: literalReach, literalTail: literalTail, literalsBoundStart: reach.startBound, matchEndsLine: reach.endsLine,
            lineStart: reach.lineStart, matchBytes: reach.endsLine ? reach.matchBytes : nil,
            matchExamples: matches, keepExamples: keeps, skipVariants: skips,
            location: RuleLocation(file: path, line: at), regex: regex, plainRegex: plainRegex
        )
        if checkExamples { try RuleLoader.checkExamples(of: rule) }
        return rule
    }

    /// Checks that the rule's pattern matches each of its `match` examples and none of its `keep` examples.
    /// - Throws: ``RuleLoadError`` naming the example's line.
    public static func checkExamples(of rule: Rule) throws(RuleLoadError) {
        let (path, id) = (rule.location.file, rule.id)
        let (matches, keeps) = (rule.matchExamples, rule.keepExamples)
        let scratch = MatchScratch()
        for example in matches {
            if !(try patternMatches(rule, example.text, scratch)) {
                throw RuleLoadError(file: path, line: example.line, ruleID: id, message: "the match example does not match the pattern: \(example.text)")
            }
        }
        for example in keeps {
            if try patternMatches(rule, example.text, scratch) {
                throw RuleLoadError(file: path, line: example.line, ruleID: id, message: "the keep example matches the pattern: \(example.text)")
            }
        }
    }

    /// Whether the rule's pattern matches any line of `text`.
    static func patternMatches(_ rule: Rule, _ text: String, _ scratch: MatchScratch) throws(RuleLoadError) -> Bool {
        let document = Document(text)
        do {
            return try document.bytes.withUnsafeBufferPointer { buffer throws(MatchError) in
                for segment in document.segments {
                    let line = UnsafeBufferPointer(rebasing: buffer[segment.content])
                    if try rule.regex.matches(line, scratch: scratch) { return true }
                }
                return false
            }
        } catch {
            throw RuleLoadError(file: rule.location.file, line: rule.location.line, ruleID: rule.id, message: "matching an example failed: \(error)")
        }
    }

    static func line(_ node: Node) -> Int { node.mark?.line ?? 1 }

    static func excerpt(_ pattern: String, at offset: Int) -> String {
        let bytes = Array(pattern.utf8)
        let cut = min(max(offset, 0), bytes.count)
        return String(decoding: bytes[..<cut], as: UTF8.self) + "⟨here⟩" + String(decoding: bytes[cut...], as: UTF8.self)
    }

    static func yamlError(_ error: YamlError, path: String) -> RuleLoadError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let where_ = context.map { " \($0.text)" } ?? ""
            return RuleLoadError(file: path, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)\(where_)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return RuleLoadError(file: path, line: context.mark.line, column: context.mark.column,
                                 message: "duplicate keys \(duplicates.joined(separator: ", "))")
        default:
            return RuleLoadError(file: path, line: 1, message: "invalid YAML: \(error)")
        }
    }
}
