/// One match of one rule in one line: what the scorer weighs.
public struct Evidence: Sendable, Equatable {
    /// Index of the rule in its catalogue.
    public let rule: Int
    /// Index of the line (segment).
    public let segment: Int
    /// The match, in bytes of the document.
    public let match: Range<Int>
    /// Named captures (`title`, `site`, `url`, `percent`, `chars`, `credit`), in bytes of the document.
    public let captures: [Capture: Range<Int>]
}

/// The named captures that fill the metadata.
public enum Capture: String, CaseIterable, Sendable {
    case title, site, url, percent, chars, credit
}

/// A rule that failed on a document (a limit stopped it): the document is then left unchanged.
public struct MatchFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let ruleID: String
    public let reason: String
    public var description: String { "rule \(ruleID): \(reason); the document is left unchanged" }
}
