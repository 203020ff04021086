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
    /// Runs PCRE2 on the lines the screen lets through.
    public let matcher: RuleMatcher
    let scorer: Scorer
    let decider: Decider

    /// A cleaner over `catalogue` (the embedded one by default).
    /// - Parameter keepCredits: leave wire credits ("(dpa)", "Reuter") in the text; they are still reported.
    public init(catalogue: Catalogue? = nil, thresholds: Scorer.Thresholds = Scorer.Thresholds(),
                parameters: Scorer.Parameters = Scorer.Parameters(), keepCredits: Bool = false) throws(RuleLoadError) {
        let catalogue = if let catalogue { catalogue } else { try Catalogue.builtin() }
        self.catalogue = catalogue
        self.thresholds = thresholds
        matcher = RuleMatcher(catalogue: catalogue)
        scorer = Scorer(catalogue: catalogue, thresholds: thresholds, parameters: parameters)
        decider = Decider(catalogue: catalogue, thresholds: thresholds, keepCredits: keepCredits)
    }

    /// Per-thread state: PCRE2 match data and limits. Use one from one thread at a time (so its properties skip the
    /// run-time exclusivity check, read on every document).
    public final class Workspace: @unchecked Sendable {
        let scratch: MatchScratch
        let screenScratch = Screen.Scratch()
        /// Set to collect per-rule matching costs.
        @exclusivity(unchecked) public var timings: RuleTimings?
        /// Set to collect run totals (`--stats`).
        @exclusivity(unchecked) public var stats: RunStats?
        public init(limits: MatchScratch.Limits = MatchScratch.Limits()) { scratch = MatchScratch(limits: limits) }
    }

    public func makeWorkspace() -> Workspace { Workspace() }

    /// Cleans one document.
    public func clean(_ bytes: [UInt8], in workspace: Workspace) -> Decision {
        clean(document(bytes), in: workspace)
    }

    /// The document of `bytes` as ``clean(_:in:)`` splits it: noting, in the pass that finds its lines, where
    /// it holds the bytes the screen would otherwise search the whole text for (``Screen/marking``).
    public func document(_ bytes: [UInt8]) -> Document {
        Document(bytes: bytes, marking: catalogue.screen.marking)
    }

    /// Cleans one document.
    ///
    /// Cleaning is idempotent: when a removal uncovers more boilerplate (two `[…]` in a row, a footer above a
    /// footer), the cleaned text is cleaned again, up to a few rounds, and the spans are merged into the input's
    /// coordinates, so that cleaning the result once more removes nothing.
    public func clean(_ document: Document, in workspace: Workspace) -> Decision {
        let decision = clean(document, in: workspace, reusingMatches: true)
        workspace.stats?.add(decision)
        return decision
    }

    /// The rounds of cleaning. With `reusingMatches` a later round screens and matches only the lines the round before
    /// changed (``CleaningRound``), else the whole of its text; `laterRound` is shown the round before and the text of
    /// each later round before it runs (``laterRoundCheck(_:in:)``).
    func clean(_ document: Document, in workspace: Workspace, reusingMatches: Bool,
               laterRound: ((CleaningRound, Document) -> Void)? = nil) -> Decision {
        var (decision, settled, evidence) = cleanOnce(document, in: workspace)
        // Most documents take one round: returned without the copies a next round keeps (a decision holds a dozen
        // references, each copy a retain and a release).
        guard !settled, !decision.removed.isEmpty, decision.failure == nil else { return decision }
        // The last round's document and decision: the next round looks again only at the lines it changed.
        var (roundDocument, roundDecision) = (document, decision)
        var round = 0
        while !settled, !decision.removed.isEmpty, decision.failure == nil, round < Cleaner.maximumRounds {
            let previous = CleaningRound(document: roundDocument, evidence: evidence, cuts: roundDecision.removed.map(\.span))
            roundDocument = Document(bytes: decision.cleanedBytes)
            laterRound?(previous, roundDocument)
            (roundDecision, settled, evidence) = cleanOnce(roundDocument, in: workspace, after: reusingMatches ? previous : nil)
            if roundDecision.removed.isEmpty || roundDecision.failure != nil { break }
            decision = merge(decision, roundDecision, in: document)
            round += 1
        }
        return decision
    }

    /// How many times a cleaned text is cleaned again at most.
    static let maximumRounds = 64

    /// Maps the spans of `later` (decided on `earlier`'s cleaned text) back onto `document` and merges them.
    func merge(_ earlier: Decision, _ later: Decision, in document: Document) -> Decision {
        let cuts = earlier.removed.map(\.span)
        // A cleaned offset to an input offset. At the place of a cut, `afterCut` picks the end of the cut.
        func original(_ offset: Int, afterCut: Bool) -> Int {
            var shift = 0
            for cut in cuts {
                let at = cut.lowerBound - shift  // where the cut sits in cleaned coordinates
                if at < offset || (afterCut && at == offset) { shift += cut.count } else { break }
            }
            return offset + shift
        }
        func map(_ range: Range<Int>) -> Range<Int> {
            let lower = original(range.lowerBound, afterCut: true)
            return lower..<max(lower, original(range.upperBound, afterCut: false))
        }
        var mapped: [ScoredSpan] = []
        for span in later.removed {
            let match = map(span.evidence.match)
            let segment = document.segments.first { $0.whole.contains(match.lowerBound) || $0.whole.upperBound == match.lowerBound }?.index ?? span.evidence.segment
            let evidence = Evidence(rule: span.evidence.rule, segment: segment, match: match,
                                    captures: span.evidence.captures.mapValues(map))
            mapped.append(ScoredSpan(evidence: evidence, span: map(span.span), wholeLine: span.wholeLine, score: span.score, factors: span.scoring))
        }
        // A later span that covers earlier ones (a whole line over its tail) replaces them.
        var removed = earlier.removed.filter { old in !mapped.contains { $0.span.covers(old.span) } }
        removed += mapped
        removed.sort { $0.span.lowerBound < $1.span.lowerBound }
        let flagged = earlier.flagged.filter { flag in !removed.contains { $0.span.overlaps(flag.span) } }
        let metadata = Metadata(removed: removed, flagged: flagged, document: document, catalogue: catalogue)
        return Decision(document: document, removed: removed, flagged: flagged, metadata: metadata, failure: nil)
    }

    /// One round: screen, match, score, decide; with the `previous` round, whose cleaned text `document` is, only the
    /// lines it changed are screened and matched (``CleaningRound``). Returns every match too, for a next round.
    ///
    /// `settled` says that another round would find nothing: every rule was tried on every line (the document
    /// fits in the head and tail windows), every match was removed, and only whole lines were: the lines left
    /// are the same bytes, where no rule matched.
    func cleanOnce(_ document: Document, in workspace: Workspace, after previous: CleaningRound? = nil)
        -> (decision: Decision, settled: Bool, evidence: [Evidence]) {
        let evidence: [Evidence]
        do throws(MatchFailure) {
            if let previous, let found = try previous.evidence(in: document, matcher: matcher, workspace: workspace) {
                evidence = found
            } else {
                let candidates = catalogue.candidates(in: document, scratch: workspace.screenScratch)
                evidence = candidates.isEmpty ? []
                    : try matcher.evidence(in: document, candidates: candidates, scratch: workspace.scratch, timings: workspace.timings)
            }
        } catch {
            return (Decision(document: document, removed: [], flagged: [], metadata: Metadata(), failure: error), true, [])
        }
        // Nothing matched (no candidate line, or PCRE2 found nothing on them: most documents): what scoring and deciding
        // would give, without their arrays and copies.
        if evidence.isEmpty {
            return (Decision(document: document, removed: [], flagged: [],
                             metadata: Metadata(removed: [], flagged: [], document: document, catalogue: catalogue), failure: nil), true, [])
        }
        var decision = decider.decide(scorer.score(evidence, in: document), in: document)
        extendRepeatedLineEnds(&decision, in: document, workspace: workspace)
        let settled = document.bytes.count <= RuleMatcher.window && evidence.count == decision.removed.count
            && decision.removed.allSatisfy(\.wholeLine)
        return (consume decision, settled, evidence)
    }

    /// A span cut from the end of a line takes with it the same rule's matches that its removal would expose
    /// (`… [&hellip;] […]`), so that cleaning the result again finds nothing more.
    func extendRepeatedLineEnds(_ decision: inout Decision, in document: Document, workspace: Workspace) {
        guard decision.removed.contains(where: { !$0.wholeLine }) else { return }
        var removed = decision.removed
        let bytes = document.bytes
        for index in removed.indices where !removed[index].wholeLine {
            let segment = document.segments[removed[index].evidence.segment]
            guard removed[index].span.upperBound >= segment.content.upperBound else { continue }
            let rule = catalogue.rules[removed[index].evidence.rule]
            while true {
                let start = removed[index].span.lowerBound
                let line = document.trimmed(segment.content.lowerBound..<start)
                guard !line.isEmpty else { break }
                let found: Range<Int>? = bytes.withUnsafeBufferPointer { buffer in
                    let subject = UnsafeBufferPointer(rebasing: buffer[segment.content.lowerBound..<line.upperBound])
                    let regex = rule.regex(for: subject)
                    var from = 0
                    var last: Range<Int>? = nil
                    while from <= subject.count, let match = try? regex.firstMatch(in: subject, from: from, scratch: workspace.scratch) {
                        last = match.range
                        from = max(match.range.upperBound, match.range.lowerBound + 1)
                    }
                    return last.map { ($0.lowerBound + segment.content.lowerBound)..<($0.upperBound + segment.content.lowerBound) }
                }
                guard let match = found, match.upperBound == line.upperBound, !match.isEmpty else { break }
                var newStart = match.lowerBound
                while newStart > segment.content.lowerBound, let width = Spacing.widthBefore(newStart, in: bytes, limit: segment.content.lowerBound) { newStart -= width }
                if removed.indices.contains(where: { $0 != index && removed[$0].span.overlaps(newStart..<start) }) { break }
                removed[index].span = newStart..<removed[index].span.upperBound
            }
        }
        decision = Decision(document: document, removed: removed, flagged: decision.flagged.filter { flag in !removed.contains { $0.span.overlaps(flag.span) } },
                            metadata: decision.metadata, failure: decision.failure)
    }

    /// All evidence for a document, before scoring (for `rules test` and diagnostics).
    public func evidence(in document: Document, in workspace: Workspace) throws(MatchFailure) -> [Evidence] {
        try matcher.evidence(in: document, candidates: catalogue.candidates(in: document, scratch: workspace.screenScratch), scratch: workspace.scratch)
    }
}
