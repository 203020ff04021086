/// One match of one rule in one line: what the scorer weighs.
public struct Evidence: Sendable, Equatable {
    /// Index of the rule in its catalogue.
    public let rule: Int
    /// Index of the line (segment).
    public let segment: Int
    /// The match, in bytes of the document.
    public let match: Range<Int>
    /// Named captures (`title`, `site`, `url`, `percent`, `chars`, `credit`), in bytes of the document.
    public let captures: Captures
}

/// The named captures that fill the metadata.
public enum Capture: String, CaseIterable, Sendable {
    case title, site, url, percent, chars, credit
}

/// The ranges of a match's named captures, by ``Capture``: a value of fixed size, where a dictionary took an
/// allocation and a hash for every match (and every read of the metadata).
public struct Captures: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    private var title, site, url, percent, chars, credit: Range<Int>?

    public init() {}

    public init(dictionaryLiteral elements: (Capture, Range<Int>)...) {
        for (capture, range) in elements { self[capture] = range }
    }

    public subscript(capture: Capture) -> Range<Int>? {
        get {
            switch capture {
            case .title: title
            case .site: site
            case .url: url
            case .percent: percent
            case .chars: chars
            case .credit: credit
            }
        }
        set {
            switch capture {
            case .title: title = newValue
            case .site: site = newValue
            case .url: url = newValue
            case .percent: percent = newValue
            case .chars: chars = newValue
            case .credit: credit = newValue
            }
        }
    }

    /// Whether no capture is set.
    public var isEmpty: Bool { self == Captures() }

    /// The captures with each range transformed.
    public func mapValues(_ transform: (Range<Int>) -> Range<Int>) -> Captures {
        var mapped = Captures()
        for capture in Capture.allCases { if let range = self[capture] { mapped[capture] = transform(range) } }
        return mapped
    }
}

/// A rule that failed on a document (a limit stopped it): the document is then left unchanged.
public struct MatchFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let ruleID: String
    public let reason: String
    public var description: String { "rule \(ruleID): \(reason); the document is left unchanged" }
}
