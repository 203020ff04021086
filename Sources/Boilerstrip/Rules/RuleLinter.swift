import PCRE2

/// Checks a catalogue for rules that can run away, shadow each other, or escape the screen.
public struct RuleLinter {
    public struct Finding: Sendable, CustomStringConvertible {
        public enum Severity: String, Sendable { case error, warning }
        public let severity: Severity
        public let rule: Rule
        public let message: String
        public var description: String { "\(rule.location): \(severity.rawValue): rule \(rule.id): \(message)" }
    }

    public let catalogue: Catalogue
    /// Occurrences per million bytes of news text (``LiteralFrequency``) from which a group the filter looks for is
    /// reported as common (one every 3 KB: the literals twelve rules required before session 10, "the", "les", "su",
    /// "qui", "is", estimated at 490 to 1,870, were each one every 1 to 2 KB of the corpus).
    static let commonLiteral = 300

    /// A tighter match limit than production, so a pattern that merely works hard shows up.
    public var limits = MatchScratch.Limits(match: 100_000, depth: 2_000)

    public init(catalogue: Catalogue) { self.catalogue = catalogue }

    public func lint() throws -> [Finding] {
        var findings: [Finding] = []
        let scratch = MatchScratch(limits: limits)
        let cleaner = try Cleaner(catalogue: catalogue)
        let workspace = cleaner.makeWorkspace()
        for (index, rule) in catalogue.rules.enumerated() {
            // 1. Backtracking: adversarial subjects built from the rule's own examples.
            if let subject = runaway(rule, scratch: scratch) {
                findings.append(Finding(severity: .error, rule: rule, message: "the pattern hits the match limit on \(subject): catastrophic backtracking"))
            } else if let construct = nestedQuantifier(in: rule.expandedPattern) {
                findings.append(Finding(severity: .warning, rule: rule, message: "nested unbounded quantifier near \(construct.debugDescription)"))
            }
            // 2. Screen.
            if rule.literals.isEmpty {
                findings.append(Finding(severity: .warning, rule: rule, message: "the screen cannot pre-filter this rule (no literal found; add `requires`)"))
            } else if Screen.groups(of: rule).filtered.isEmpty {
                // No group the filter can look for (each has a one-byte literal, or a two-byte one free in front: "©",
                // "/"): the rule's bytes are searched in the whole text. A two-byte word bounded before ("\bAP") fills
                // a window with the byte before it, and is filtered.
                findings.append(Finding(severity: .warning, rule: rule, message: "weak screen literal \(rule.literals) lets many lines through"))
            }
            // A group the filter looks for that news text holds every few kilobytes: each occurrence is confirmed and
            // handed to the rule, mostly for nothing when a rarer group must be on the line too (on the corpus, twelve
            // rules' "the", "les", "mit", "is" were a third of all occurrences).
            for group in Screen.groups(of: rule).filtered {
                // A word kept in several spellings ("Reuter", "REUTER") is one place for the filter to stop: counted once.
                var literals: [ScreenLiteral] = []
                for literal in rule.screenLiterals[group.origin]
                where !literals.contains(where: { $0.text == literal.text && $0.boundedBefore == literal.boundedBefore }) {
                    literals.append(literal)
                }
                let estimates = literals.map(LiteralFrequency.perMillion)
                let total = estimates.reduce(0, +)
                if total >= RuleLinter.commonLiteral, let commonest = estimates.indices.max(by: { estimates[$0] < estimates[$1] }) {
                    findings.append(Finding(severity: .warning, rule: rule, message: "screen literals \(literals.map(\.description)) occur about \(total) times per MB of news text (\(literals[commonest].description): \(estimates[commonest])): require literals its matches hold and news text seldom does"))
                }
            }
            // A declared literal the pattern spells only in another case than the screen folds (it folds ASCII
            // and Latin-1 capitals): "čtk" for a pattern that writes "ČTK" hides every match with that form.
            if rule.literalsDeclared, !LiteralExtractor.isCaseless(Array(rule.pattern.utf8)) {
                let pattern = Array(rule.pattern.utf8).map(Screen.fold)
                let lowered = rule.pattern.lowercased()
                for literal in rule.literals.joined() where lowered.contains(literal.lowercased()) {
                    let needle = Array(literal.utf8).map(Screen.fold)
                    if !pattern.indices.contains(where: { pattern[$0...].starts(with: needle) }) {
                        findings.append(Finding(severity: .warning, rule: rule, message: "declared literal \(literal.debugDescription) is spelled in the pattern only in a case the screen does not fold (it folds ASCII and Latin-1): write it as the pattern does"))
                    }
                }
            }
            // 3. Shadowing: another rule removes this rule's match examples.
            var shadowers: [String: Int] = [:]
            for example in rule.matchExamples {
                let decision = cleaner.clean(Document(example.text), in: workspace)
                for span in decision.removed where span.evidence.rule != index {
                    let ownSpan = example.span ?? 0..<example.text.utf8.count
                    if span.span.overlaps(ownSpan) { shadowers[catalogue.rules[span.evidence.rule].id, default: 0] += 1 }
                }
            }
            for (other, count) in shadowers.sorted(by: { $0.key < $1.key }) {
                let all = count == rule.matchExamples.count
                findings.append(Finding(severity: .warning, rule: rule, message: "rule \(other) \(all ? "removes every" : "also removes \(count) of its") match example\(all ? "" : "s") (shadowing)"))
            }
        }
        return findings
    }

    /// A description of an adversarial subject on which the pattern hits a limit, or nil.
    func runaway(_ rule: Rule, scratch: MatchScratch) -> String? {
        var subjects: [(String, [UInt8])] = []
        for example in rule.matchExamples.prefix(2) {
            let bytes = Array(example.text.utf8)
            // The example repeated without its last characters: lazy and greedy runs must give up.
            let stem = Array(bytes.dropLast(min(3, bytes.count / 2)))
            subjects.append(("its match example repeated", Array((0..<40).map { _ in stem + [0x20] }.joined())))
        }
        subjects.append(("a long run of one letter", [UInt8](repeating: UInt8(ascii: "a"), count: 20_000)))
        subjects.append(("a long run of spaces", [UInt8](repeating: 0x20, count: 20_000) + [UInt8(ascii: "x")]))
        for (name, subject) in subjects {
            let result = subject.withUnsafeBufferPointer { buffer -> MatchError? in
                do throws(MatchError) { _ = try rule.regex.firstMatch(in: buffer, scratch: scratch); return nil } catch { return error }
            }
            if result != nil { return name }
        }
        return nil
    }

    /// A group holding an unbounded quantifier, itself repeated without bound: `(a+)+`, `(?:x*)*`.
    func nestedQuantifier(in pattern: String) -> String? {
        let bytes = Array(pattern.utf8)
        var stack: [(start: Int, unbounded: Bool)] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") { index += 2; continue }
            if byte == UInt8(ascii: "[") { index = LiteralExtractor.classEnd(bytes, from: index, limit: bytes.count); continue }
            if byte == UInt8(ascii: "(") { stack.append((index, false)) }
            else if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "*") {
                let previous = index > 0 ? bytes[index - 1] : 0
                if previous != UInt8(ascii: "(") && previous != UInt8(ascii: "?"), !stack.isEmpty { stack[stack.count - 1].unbounded = true }
            } else if byte == UInt8(ascii: ")"), let group = stack.popLast() {
                let next = index + 1 < bytes.count ? bytes[index + 1] : 0
                let possessive = index + 2 < bytes.count && bytes[index + 2] == UInt8(ascii: "+")
                if group.unbounded, next == UInt8(ascii: "+") || next == UInt8(ascii: "*"), !possessive,
                   !isAtomic(bytes, group.start), !isSimpleSpaceRun(bytes, group.start..<(index + 1)) {
                    return String(decoding: bytes[group.start...min(index + 1, bytes.count - 1)], as: UTF8.self)
                }
                if group.unbounded, !stack.isEmpty { stack[stack.count - 1].unbounded = true }
            }
            index += 1
        }
        return nil
    }

    private func isAtomic(_ bytes: [UInt8], _ start: Int) -> Bool {
        start + 2 < bytes.count && bytes[start + 1] == UInt8(ascii: "?") && bytes[start + 2] == UInt8(ascii: ">")
    }

    /// The `{sp}` expansion and similar alternations of single spaces: repeated, but each branch is fixed-width.
    private func isSimpleSpaceRun(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        let text = String(decoding: bytes[range], as: UTF8.self)
        return PatternExpander.tokens.values.contains { $0.contains(text) }
    }
}
