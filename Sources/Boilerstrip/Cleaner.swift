import PCRE2

/// The façade: cleans documents with a catalogue of rules.
///
/// ```swift
/// let cleaner = try Cleaner()                          // the embedded catalogue
/// let workspace = cleaner.makeWorkspace()               // one per thread
/// let decision = cleaner.clean(Array(text.utf8), in: workspace)
/// print(String(decoding: decision.cleanedBytes, as: UTF8.self), decision.metadata.paywalled)
/// ```
///
/// The pipeline is Document → Screen → Matcher → Scorer → Decider. A `Cleaner` is immutable and can be shared
/// between threads; each thread brings its own ``Workspace``.
public struct Cleaner: Sendable {
    public let catalogue: Catalogue
    public let thresholds: Scorer.Thresholds
    let matcher: RuleMatcher
    let scorer: Scorer
    let decider: Decider

    /// A cleaner over `catalogue` (the embedded one by default).
    public init(catalogue: Catalogue? = nil, thresholds: Scorer.Thresholds = Scorer.Thresholds()) throws(RuleLoadError) {
        let catalogue = if let catalogue { catalogue } else { try Catalogue.builtin() }
        self.catalogue = catalogue
        self.thresholds = thresholds
        matcher = RuleMatcher(catalogue: catalogue)
        scorer = Scorer(catalogue: catalogue, thresholds: thresholds)
        decider = Decider(catalogue: catalogue, thresholds: thresholds)
    }

    /// Per-thread state: PCRE2 match data and limits. Use one from one thread at a time.
    public final class Workspace: @unchecked Sendable {
        let scratch: MatchScratch
        /// Set to collect per-rule matching costs.
        public var timings: RuleTimings?
        public init(limits: MatchScratch.Limits = MatchScratch.Limits()) { scratch = MatchScratch(limits: limits) }
    }

    public func makeWorkspace() -> Workspace { Workspace() }

    /// Cleans one document.
    public func clean(_ bytes: [UInt8], in workspace: Workspace) -> Decision {
        clean(Document(bytes: bytes), in: workspace)
    }

    /// Cleans one document.
    public func clean(_ document: Document, in workspace: Workspace) -> Decision {
        let candidates = catalogue.screen.candidates(in: document)
        if candidates.isEmpty {
            return Decision(document: document, removed: [], flagged: [], metadata: Metadata(removed: [], flagged: [], document: document, catalogue: catalogue), failure: nil)
        }
        let evidence: [Evidence]
        do {
            evidence = try matcher.evidence(in: document, candidates: candidates, scratch: workspace.scratch, timings: workspace.timings)
        } catch {
            return Decision(document: document, removed: [], flagged: [], metadata: Metadata(), failure: error)
        }
        return decider.decide(scorer.score(evidence, in: document), in: document)
    }

    /// All evidence for a document, before scoring (for `rules test` and diagnostics).
    public func evidence(in document: Document, in workspace: Workspace) throws(MatchFailure) -> [Evidence] {
        try matcher.evidence(in: document, candidates: catalogue.screen.candidates(in: document), scratch: workspace.scratch)
    }
}
