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

    /// Its place in ``Captures``.
    var index: Int {
        switch self {
        case .title: 0
        case .site: 1
        case .url: 2
        case .percent: 3
        case .chars: 4
        case .credit: 5
        }
    }
}

/// The ranges of a match's named captures, by ``Capture``: a value of fixed size, where a dictionary took an
/// allocation and a hash for every match (and every read of the metadata).
public struct Captures: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// Bounds by capture: the lower bound -1 for none.
    private var lowers: (Int, Int, Int, Int, Int, Int) = (-1, -1, -1, -1, -1, -1)
    private var uppers: (Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0)

    public init() {}

    public init(dictionaryLiteral elements: (Capture, Range<Int>)...) {
        for (capture, range) in elements { self[capture] = range }
    }

    public subscript(capture: Capture) -> Range<Int>? {
        get {
            let lower = withUnsafeBytes(of: lowers) { $0.load(fromByteOffset: capture.index * 8, as: Int.self) }
            guard lower >= 0 else { return nil }
            return lower..<withUnsafeBytes(of: uppers) { $0.load(fromByteOffset: capture.index * 8, as: Int.self) }
        }
        set {
            withUnsafeMutableBytes(of: &lowers) { $0.storeBytes(of: newValue?.lowerBound ?? -1, toByteOffset: capture.index * 8, as: Int.self) }
            withUnsafeMutableBytes(of: &uppers) { $0.storeBytes(of: newValue?.upperBound ?? 0, toByteOffset: capture.index * 8, as: Int.self) }
        }
    }

    /// Whether no capture is set.
    public var isEmpty: Bool { Capture.allCases.allSatisfy { self[$0] == nil } }

    /// The captures with each range transformed.
    public func mapValues(_ transform: (Range<Int>) -> Range<Int>) -> Captures {
        var mapped = Captures()
        for capture in Capture.allCases { if let range = self[capture] { mapped[capture] = transform(range) } }
        return mapped
    }

    public static func == (a: Captures, b: Captures) -> Bool { Capture.allCases.allSatisfy { a[$0] == b[$0] } }
}

/// A rule that failed on a document (a limit stopped it): the document is then left unchanged.
public struct MatchFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let ruleID: String
    public let reason: String
    public var description: String { "rule \(ruleID): \(reason); the document is left unchanged" }
}
