/// A typographic variant of an example: the suite runs every example in each of them.
public enum ExampleVariant: String, CaseIterable, Sendable {
    /// ’ → '
    case asciiApostrophe = "ascii-apostrophe"
    /// ' → ’
    case curlyApostrophe = "curly-apostrophe"
    /// spaces → NBSP
    case nbsp
    /// ’ → &#8217;, spaces → &nbsp; (HTML entities left in the text by a feed)
    case entities
    /// CRLF line breaks
    case crlf
    /// a line of multi-byte text before the example (after it, for `head` rules)
    case prefix

    static let multiByteLine = "Ünïcødé — 日本語のテキスト, ελληνικά, 🇫🇷👩‍👩‍👧 et fin."

    /// The example text and span under this variant; nil when the variant does not change the example.
    func apply(to example: RuleExample, position: Position) -> (text: String, span: Range<Int>)? {
        let bytes = Array(example.text.utf8)
        let span = example.span ?? 0..<bytes.count
        var pieces = [bytes[..<span.lowerBound], bytes[span], bytes[span.upperBound...]].map { String(decoding: $0, as: UTF8.self) }
        switch self {
        case .asciiApostrophe: pieces = pieces.map { $0.replacingAll("’", with: "'") }
        case .curlyApostrophe: pieces = pieces.map { $0.replacingAll("'", with: "’") }
        case .nbsp: pieces = pieces.map { $0.replacingAll(" ", with: "\u{00A0}") }
        case .entities: pieces = pieces.map { $0.replacingAll("’", with: "&#8217;").replacingAll(" ", with: "&nbsp;") }
        case .crlf:
            pieces = pieces.map { $0.replacingAll("\n", with: "\r\n") }
            pieces[2] += "\r\n"
        case .prefix:
            if position == .head { pieces[2] += "\n" + Self.multiByteLine } else { pieces[0] = Self.multiByteLine + "\n" + pieces[0] }
        }
        let text = pieces.joined()
        if text == example.text { return nil }
        let lower = pieces[0].utf8.count
        return (text, lower..<(lower + pieces[1].utf8.count))
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }
}

import Foundation

/// A rule example that did not behave.
public struct ExampleFailure: Sendable, CustomStringConvertible {
    public let ruleID: String
    /// `file:line` of the example.
    public let location: RuleLocation
    /// `as written` or a variant name.
    public let variant: String
    public let example: String
    public let problem: String

    public var description: String {
        "\(location): rule \(ruleID): \(problem) [\(variant)]\n    \(example.debugDescription)"
    }
}

/// Runs every rule's examples through the whole pipeline, as written and in every typographic variant.
///
/// A `match` example, alone as a document, must be removed by its rule at the marked span (or whole), and the
/// screen must let it through. A `keep` example must not make its rule fire at all.
public struct RuleExampleRunner {
    public let cleaner: Cleaner

    public init(cleaner: Cleaner) { self.cleaner = cleaner }

    /// The number of example runs made by the last ``run(ruleIDs:)``.
    public private(set) var runs = 0

    /// Runs the examples of the given rules (all when nil); returns the failures.
    public mutating func run(ruleIDs: Set<String>? = nil) -> [ExampleFailure] {
        var failures: [ExampleFailure] = []
        let workspace = cleaner.makeWorkspace()
        for (index, rule) in cleaner.catalogue.rules.enumerated() where ruleIDs?.contains(rule.id) ?? true {
            // The pattern alone first (what loading checks for user rules).
            runs += 1
            do throws(RuleLoadError) {
                try RuleLoader.checkExamples(of: rule)
            } catch {
                failures.append(ExampleFailure(ruleID: rule.id, location: RuleLocation(file: error.file, line: error.line),
                                               variant: "pattern", example: rule.pattern, problem: error.message))
            }
            for example in rule.matchExamples {
                for (variant, text, span) in variants(of: example, rule: rule) {
                    runs += 1
                    if let problem = checkMatch(text, span: span, rule: index, workspace: workspace) {
                        failures.append(ExampleFailure(ruleID: rule.id, location: RuleLocation(file: rule.location.file, line: example.line),
                                                       variant: variant, example: text, problem: problem))
                    }
                }
            }
            for example in rule.keepExamples {
                for (variant, text, _) in variants(of: example, rule: rule) {
                    runs += 1
                    let document = Document(text)
                    let fired: Bool
                    do {
                        fired = try cleaner.evidence(in: document, in: workspace).contains { $0.rule == index }
                    } catch {
                        failures.append(ExampleFailure(ruleID: rule.id, location: RuleLocation(file: rule.location.file, line: example.line),
                                                       variant: variant, example: text, problem: error.description))
                        continue
                    }
                    if fired {
                        failures.append(ExampleFailure(ruleID: rule.id, location: RuleLocation(file: rule.location.file, line: example.line),
                                                       variant: variant, example: text, problem: "keep example fires"))
                    }
                }
            }
        }
        return failures
    }

    private func variants(of example: RuleExample, rule: Rule) -> [(String, String, Range<Int>)] {
        var list = [("as written", example.text, example.span ?? 0..<example.text.utf8.count)]
        for variant in ExampleVariant.allCases where rule.skipVariants[variant.rawValue] == nil {
            if let (text, span) = variant.apply(to: example, position: rule.position) { list.append((variant.rawValue, text, span)) }
        }
        return list
    }

    private func checkMatch(_ text: String, span: Range<Int>, rule index: Int, workspace: Cleaner.Workspace) -> String? {
        let document = Document(text)
        let decision = cleaner.clean(document, in: workspace)
        if let failure = decision.failure { return failure.description }
        let expected = trimmedForComparison(span, document.bytes)
        if let removed = decision.removed.first(where: { $0.evidence.rule == index }) {
            let got = trimmedForComparison(removed.span, document.bytes)
            if got == expected { return nil }
            return "removes \(String(decoding: document.bytes[got], as: UTF8.self).debugDescription), expected \(String(decoding: document.bytes[expected], as: UTF8.self).debugDescription)"
        }
        // Why not: the pattern, the screen, the score, or another rule.
        let rule = cleaner.catalogue.rules[index]
        let screened = cleaner.catalogue.screen.candidates(in: document).contains { $0.rule == Int32(index) }
        if !screened {
            let matches = (try? RuleLoader.patternMatches(rule, text, MatchScratch())) ?? false
            return matches ? "the screen hides it (literals: \(rule.literals))" : "the pattern does not match"
        }
        if let other = decision.removed.first(where: { $0.span.overlaps(span) }) {
            return "removed by rule \(cleaner.catalogue.rules[other.evidence.rule].id) instead"
        }
        if let flagged = decision.flagged.first(where: { $0.evidence.rule == index }) {
            return "only flagged: score \(flagged.score) below the threshold \(cleaner.thresholds.remove)"
        }
        return "the pattern does not match"
    }

    private func trimmedForComparison(_ range: Range<Int>, _ bytes: [UInt8]) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        func isSpace(_ index: Int) -> Int? {
            if bytes[index] == 0x0A || bytes[index] == 0x0D { return 1 }
            return Spacing.width(at: index, in: bytes, limit: upper)
        }
        while lower < upper, let width = isSpace(lower) { lower += width }
        while lower < upper {
            if bytes[upper - 1] == 0x0A || bytes[upper - 1] == 0x0D { upper -= 1; continue }
            guard let width = Spacing.widthBefore(upper, in: bytes, limit: lower) else { break }
            upper -= width
        }
        // Entities standing for spaces at the edges.
        let nbsp = Array("&nbsp;".utf8)
        while upper - lower >= nbsp.count, Array(bytes[lower..<(lower + nbsp.count)]) == nbsp { lower += nbsp.count }
        while upper - lower >= nbsp.count, Array(bytes[(upper - nbsp.count)..<upper]) == nbsp { upper -= nbsp.count }
        return lower..<upper
    }
}

import PCRE2
