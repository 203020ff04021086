import Foundation
import PCRE2

/// What kind of boilerplate a rule finds; it decides what a match says about the document.
public enum Family: String, CaseIterable, Sendable, Codable {
    /// "The post … appeared first on …", wire credits: the item was published elsewhere first.
    case syndication
    /// A paywall or subscriber notice: the document is paywalled and truncated.
    case paywall
    /// "Read more", "[…]": the document is an excerpt, truncated.
    case truncation
    /// Share and like widgets.
    case share
    /// Teasers, newsletter and app sign-ups, ad labels inside the text.
    case promo
}

/// Where a rule's text is expected in a document.
public enum Position: String, CaseIterable, Sendable, Codable {
    /// Near the end: scores high in the last lines, low in the middle.
    case tail
    /// Near the start.
    case head
    /// Anywhere.
    case any
}

/// A compiled rule of the catalogue.
public struct Rule: Sendable {
    /// Unique id, e.g. `lemonde-remaining-fr`.
    public let id: String
    public let family: Family
    /// ISO 639-1 code, or `multi`.
    public let language: String
    public let description: String
    /// Where the phrase was seen or documented.
    public let source: String?
    /// The pattern as written in the rule file.
    public let pattern: String
    /// The pattern with tokens, loose spaces and apostrophes expanded: what PCRE2 compiles.
    public let expandedPattern: String
    /// The same with the tokens' plain spellings (``PatternExpander/plainTokens``, no HTML entities): what the
    /// matcher runs on a line without one of those entities, where it matches as ``expandedPattern`` does.
    public let plainPattern: String
    public let position: Position
    /// Prior that a match is boilerplate, 0…1.
    public let weight: Double
    /// A wire or agency credit ("(dpa)", "Reuter"): removed by default, kept in the text with `keepCredits`.
    public let isCredit: Bool
    /// A widget header (`to_end: true`): with no prose after it, its removal runs to the end of the text.
    public let extendsToEnd: Bool
    /// What the screen looks for, lowercased: every group must occur in a line, through any one of its literals.
    /// Empty when the rule cannot be screened.
    public let screenLiterals: [[ScreenLiteral]]
    /// The texts of ``screenLiterals``.
    public var literals: [[String]] { screenLiterals.map { group in group.map(\.text) } }
    /// Whether the literals were declared (`requires`) rather than derived from the pattern.
    public let literalsDeclared: Bool
    /// The most characters other than spacing that a match holds (``MatchReach``), nil when unbounded.
    public let matchReach: Int?
    /// Per group of ``screenLiterals``, the most characters other than spacing before the group's literal in a match,
    /// nil when unbounded: how far before the literal the matcher looks for a match start.
    public let literalReach: [Int?]
    /// Per group, for a rule whose every match ends its line: the most characters other than spacing from the start of
    /// a literal of the group, where the pattern spells one that every match holds, to the end of the match
    /// (``MatchReach/tail(of:literals:)``), nil when unknown or unbounded: an occurrence further from the end of its
    /// line than that is not the one a match holds there.
    public let literalTail: [Int?]
    /// Whether the literals are text of the match or of a lookahead (not of a lookbehind, ``MatchReach``), so that
    /// the last occurrence on a line bounds where a match starts, and the first one with ``literalReach``.
    public let literalsBoundStart: Bool
    /// Whether every match ends at the end of its line (the pattern ends in `{eos}`, `$`, `\z`; ``MatchReach``), so
    /// that, with ``matchReach``, the end of the line bounds how early a match starts.
    public let matchEndsLine: Bool
    /// For a rule whose every match starts its line (each alternative passes `^` or `\A`; ``MatchReach``) and holds
    /// a byte, the bytes a line can begin with to hold one: the screen lets no other line through. Nil for the others.
    public let lineStart: ByteSet?
    /// For a rule whose every match ends its line, the bytes a match can be made of (what it consumes, not its
    /// lookarounds; ``MatchReach``), nil when any byte can: a match lies in the run of such bytes that ends its line
    /// (an AFP desk slug's letters, "/" and "-": most lines end in a period, and none is looked at).
    public let matchBytes: ByteSet?
    public let matchExamples: [RuleExample]
    public let keepExamples: [RuleExample]
    /// Example variants the rule does not hold under, with the reason.
    public let skipVariants: [String: String]
    /// Where the rule is defined.
    public let location: RuleLocation
    /// The compiled pattern.
    public let regex: Regex
    /// ``plainPattern`` compiled (``regex`` itself when the two are the same).
    public let plainRegex: Regex

    /// The compiled pattern to run on `subject`: ``plainRegex`` unless the subject holds an entity a token's full
    /// form matches (``holdsEntity(_:)``).
    @inline(__always)
    public func regex(for subject: UnsafeBufferPointer<UInt8>) -> Regex {
        Rule.holdsEntity(subject) ? regex : plainRegex
    }

    /// Whether `subject` holds, after a `&`, one of the ``PatternExpander/entityStarts`` (in any case): only there
    /// can a token's full form match what its plain form does not. A `&` alone ("AT&T", "Q&A") does not count.
    static func holdsEntity(_ subject: UnsafeBufferPointer<UInt8>) -> Bool {
        guard var at = subject.baseAddress, !subject.isEmpty else { return false }
        let end = at + subject.count
        while let found = memchr(at, Int32(UInt8(ascii: "&")), end - at) {
            let after = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) + 1
            let rest = UnsafeBufferPointer(start: after, count: end - after)
            for start in PatternExpander.entityStarts where rest.count >= start.count {
                if zip(rest, start).allSatisfy({ Screen.fold($0) == $1 }) { return true }
            }
            at = after
        }
        return false
    }
}

/// A file and line in a rule file.
public struct RuleLocation: Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public var description: String { "\(file):\(line)" }
}

/// An example of a rule: the text, and for a `match` example the byte range the rule must remove
/// (nil: the whole text).
public struct RuleExample: Sendable, Equatable {
    public let text: String
    public let span: Range<Int>?
    public let line: Int

    /// An example taken as it is (a `keep` example).
    public init(text: String, line: Int) {
        self.init(text: text, span: nil, line: line)
    }

    /// A `match` example whose span is known (``CatalogueSnapshot``).
    init(text: String, span: Range<Int>?, line: Int) {
        self.text = text
        self.span = span
        self.line = line
    }

    /// Parses a `match` example, taking the span from `«…»` markers if present. `\\«` and `\\»` stand for
    /// literal guillemets.
    public init(marked: String, line: Int) throws(ExampleMarkerError) {
        // Most examples have no guillemets at all: skip the string work.
        let utf8 = marked.utf8
        var hasGuillemet = false
        var previous: UInt8 = 0
        for byte in utf8 {
            if previous == 0xC2 && (byte == 0xAB || byte == 0xBB) { hasGuillemet = true; break }
            previous = byte
        }
        guard hasGuillemet else {
            text = marked
            span = nil
            self.line = line
            return
        }
        let open = "«", close = "»"
        let escapedOpen = "\u{E000}", escapedClose = "\u{E001}"
        // Escaped guillemets (\« \») are rare: Foundation's replacing runs only for an example that has one.
        let escaped = marked.utf8.contains(UInt8(ascii: "\\"))
        let marked = escaped ? marked.replacingOccurrences(of: "\\«", with: escapedOpen).replacingOccurrences(of: "\\»", with: escapedClose) : marked
        func unescape(_ text: String) -> String {
            escaped ? text.replacingOccurrences(of: escapedOpen, with: "«").replacingOccurrences(of: escapedClose, with: "»") : text
        }
        guard let openRange = marked.range(of: open) else {
            text = unescape(marked)
            span = nil
            self.line = line
            return
        }
        guard let closeRange = marked.range(of: close, options: .backwards), closeRange.lowerBound >= openRange.upperBound
        else { throw ExampleMarkerError(message: "an example has « without a matching »") }
        let before = unescape(String(marked[..<openRange.lowerBound]))
        let inside = unescape(String(marked[openRange.upperBound..<closeRange.lowerBound]))
        let after = unescape(String(marked[closeRange.upperBound...]))
        text = before + inside + after
        span = before.utf8.count..<(before.utf8.count + inside.utf8.count)
        self.line = line
    }
}

/// A malformed `«…»` example.
public struct ExampleMarkerError: Error { public let message: String }
