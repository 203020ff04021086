import Foundation

/// One labelled document of an evaluation set (JSON Lines; see Tests/Fixtures/labelled/README.md).
public struct LabelledDocument: Sendable {
    public let id: String
    public let lang: String
    public let text: String
    /// The exact substrings of `text` that are boilerplate.
    public let boilerplate: [String]
    public let truncated: Bool
    public let paywalled: Bool?
    public let remainingPercent: Double?
    public let originalTitle: String?
    public let originalSite: String?
    public let hardNegative: Bool

    /// Reads a labelled set; errors name the line.
    public static func load(jsonl data: Data, name: String) throws -> [LabelledDocument] {
        var documents: [LabelledDocument] = []
        for (number, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
            func fail(_ message: String) -> EvaluationError { EvaluationError(description: "\(name):\(number + 1): \(message)") }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { throw fail("not a JSON object") }
            guard let id = object["id"] as? String, let text = object["text"] as? String else { throw fail("needs string fields id and text") }
            let boilerplate = object["boilerplate"] as? [String] ?? []
            for piece in boilerplate where !text.contains(piece) { throw fail("boilerplate \(piece.debugDescription) is not in the text of \(id)") }
            documents.append(LabelledDocument(
                id: id, lang: object["lang"] as? String ?? "", text: text, boilerplate: boilerplate,
                truncated: object["truncated"] as? Bool ?? false, paywalled: object["paywalled"] as? Bool,
                remainingPercent: (object["remaining_percent"] as? NSNumber)?.doubleValue,
                originalTitle: object["original_title"] as? String, originalSite: object["original_site"] as? String,
                hardNegative: object["hard_negative"] as? Bool ?? boilerplate.isEmpty))
        }
        return documents
    }
}

public struct EvaluationError: Error, CustomStringConvertible { public let description: String }

/// Scores a cleaner against labelled documents: character precision and recall of the removals, the truncated
/// and paywalled verdicts, and the metadata.
public struct Evaluator {
    /// The totals of an evaluation.
    public struct Report: Sendable {
        public var documents = 0
        /// Non-space characters removed that are boilerplate / removed in all / boilerplate in all.
        public var truePositiveChars = 0, predictedChars = 0, goldChars = 0
        public var truncatedTP = 0, truncatedFP = 0, truncatedFN = 0
        public var paywalledRight = 0, paywalledLabelled = 0
        public var percentRight = 0, percentStated = 0
        public var titleRight = 0, titleStated = 0
        public var siteRight = 0, siteStated = 0
        public var hardNegatives = 0, hardNegativesTouched = 0
        /// One line per document that is not perfect.
        public var problems: [String] = []

        public var precision: Double { predictedChars == 0 ? 1 : Double(truePositiveChars) / Double(predictedChars) }
        public var recall: Double { goldChars == 0 ? 1 : Double(truePositiveChars) / Double(goldChars) }
        public var truncatedF1: Double {
            let denominator = 2 * truncatedTP + truncatedFP + truncatedFN
            return denominator == 0 ? 1 : Double(2 * truncatedTP) / Double(denominator)
        }
        static func ratio(_ right: Int, _ all: Int) -> Double { all == 0 ? 1 : Double(right) / Double(all) }
        public var paywalledAccuracy: Double { Self.ratio(paywalledRight, paywalledLabelled) }
        public var percentAccuracy: Double { Self.ratio(percentRight, percentStated) }
        public var titleAccuracy: Double { Self.ratio(titleRight, titleStated) }
        public var siteAccuracy: Double { Self.ratio(siteRight, siteStated) }

        public var summary: String {
            func f(_ value: Double) -> String { String(format: "%.4f", value) }
            return """
            documents                 \(documents)
            character precision       \(f(precision))   (\(truePositiveChars) of \(predictedChars) removed characters are boilerplate)
            character recall          \(f(recall))   (\(truePositiveChars) of \(goldChars) boilerplate characters removed)
            truncated F1              \(f(truncatedF1))   (tp \(truncatedTP), fp \(truncatedFP), fn \(truncatedFN))
            paywalled accuracy        \(f(paywalledAccuracy))   (\(paywalledRight) of \(paywalledLabelled))
            remaining_percent exact   \(f(percentAccuracy))   (\(percentRight) of \(percentStated))
            original_title exact      \(f(titleAccuracy))   (\(titleRight) of \(titleStated))
            original_site exact       \(f(siteAccuracy))   (\(siteRight) of \(siteStated))
            hard negatives touched    \(hardNegativesTouched) of \(hardNegatives)
            """
        }

        public var json: String {
            func f(_ value: Double) -> String { String(format: "%.6f", value) }
            return "{\"documents\":\(documents),\"precision\":\(f(precision)),\"recall\":\(f(recall)),\"truncated_f1\":\(f(truncatedF1)),"
                + "\"paywalled_accuracy\":\(f(paywalledAccuracy)),\"remaining_percent_accuracy\":\(f(percentAccuracy)),"
                + "\"original_title_accuracy\":\(f(titleAccuracy)),\"original_site_accuracy\":\(f(siteAccuracy)),"
                + "\"hard_negatives\":\(hardNegatives),\"hard_negatives_touched\":\(hardNegativesTouched)}"
        }
    }

    public let cleaner: Cleaner

    public init(cleaner: Cleaner) { self.cleaner = cleaner }

    public func evaluate(_ documents: [LabelledDocument]) -> Report {
        var report = Report()
        let workspace = cleaner.makeWorkspace()
        for document in documents {
            report.documents += 1
            let bytes = Array(document.text.utf8)
            let decision = cleaner.clean(bytes, in: workspace)
            // Gold: every occurrence of every boilerplate substring, as byte flags.
            var gold = [Bool](repeating: false, count: bytes.count)
            for piece in document.boilerplate {
                let needle = Array(piece.utf8)
                guard !needle.isEmpty, needle.count <= bytes.count else { continue }
                var start = 0
                while start + needle.count <= bytes.count {
                    if bytes[start] == needle[0], Array(bytes[start..<(start + needle.count)]) == needle {
                        for index in start..<(start + needle.count) { gold[index] = true }
                        start += needle.count
                    } else {
                        start += 1
                    }
                }
            }
            var predicted = [Bool](repeating: false, count: bytes.count)
            for span in decision.removed { for index in span.span { predicted[index] = true } }
            var tp = 0, pred = 0, goldCount = 0
            for index in bytes.indices {
                let byte = bytes[index]
                // Count characters (lead bytes), not spaces or line breaks.
                guard byte & 0xC0 != 0x80, byte != 0x20, byte != 0x0A, byte != 0x0D, byte != 0x09 else { continue }
                if predicted[index] { pred += 1 }
                if gold[index] { goldCount += 1 }
                if predicted[index] && gold[index] { tp += 1 }
            }
            report.truePositiveChars += tp
            report.predictedChars += pred
            report.goldChars += goldCount
            var problems: [String] = []
            if pred > tp { problems.append("removed \(pred - tp) characters of text") }
            if goldCount > tp { problems.append("missed \(goldCount - tp) boilerplate characters") }
            if document.hardNegative {
                report.hardNegatives += 1
                if !decision.removed.isEmpty { report.hardNegativesTouched += 1; problems.append("hard negative touched") }
            }
            let meta = decision.metadata
            switch (document.truncated, meta.truncated) {
            case (true, true): report.truncatedTP += 1
            case (false, true): report.truncatedFP += 1; problems.append("called truncated (\(meta.truncatedBy ?? "?"))")
            case (true, false): report.truncatedFN += 1; problems.append("truncation missed")
            default: break
            }
            if let paywalled = document.paywalled {
                report.paywalledLabelled += 1
                if paywalled == meta.paywalled { report.paywalledRight += 1 } else { problems.append("paywalled \(meta.paywalled), labelled \(paywalled)") }
            }
            if let percent = document.remainingPercent {
                report.percentStated += 1
                if meta.remainingPercent == percent { report.percentRight += 1 } else { problems.append("remaining_percent \(meta.remainingPercent.map { "\($0)" } ?? "null"), labelled \(percent)") }
            }
            if let title = document.originalTitle {
                report.titleStated += 1
                if meta.syndication.originalTitle == title { report.titleRight += 1 } else { problems.append("original_title \(meta.syndication.originalTitle.debugDescription), labelled \(title.debugDescription)") }
            }
            if let site = document.originalSite {
                report.siteStated += 1
                if meta.syndication.originalSite == site { report.siteRight += 1 } else { problems.append("original_site \(meta.syndication.originalSite.debugDescription), labelled \(site.debugDescription)") }
            }
            if !problems.isEmpty { report.problems.append("\(document.id) [\(document.lang)]: " + problems.joined(separator: "; ")) }
        }
        return report
    }
}

/// Fits the scorer's threshold and position constants on labelled documents.
///
/// The documents are split in two by a hash of their id: the constants are chosen on the fitting half — the
/// highest recall with character precision ≥ 0.995 and no hard negative touched, then the best truncated F1,
/// then the values closest to the defaults — and reported on both halves, so that the held-back half shows
/// whether the choice generalises.
public struct Calibration {
    public struct Candidate: Sendable {
        public let threshold: Double
        public let parameters: Scorer.Parameters
        public let fit: Evaluator.Report
        public let check: Evaluator.Report
    }

    public let catalogue: Catalogue

    public init(catalogue: Catalogue) { self.catalogue = catalogue }

    /// The fitting and checking halves: a stable split on the id.
    public static func split(_ documents: [LabelledDocument]) -> (fit: [LabelledDocument], check: [LabelledDocument]) {
        var fit: [LabelledDocument] = [], check: [LabelledDocument] = []
        for document in documents {
            var hash: UInt32 = 2_166_136_261  // FNV-1a
            for byte in document.id.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
            if hash % 2 == 0 { fit.append(document) } else { check.append(document) }
        }
        return (fit, check)
    }

    /// Every grid point, evaluated on both halves; the chosen one first.
    public func run(_ documents: [LabelledDocument]) throws -> [Candidate] {
        let (fit, check) = Calibration.split(documents)
        var candidates: [Candidate] = []
        for threshold in stride(from: 0.3, through: 0.8, by: 0.05) {
            for far in [0.2, 0.3, 0.35, 0.45] {
                for decay in [[1.0, 0.8, 0.6], [1.0, 0.9, 0.7], [1.0, 0.7, 0.5]] {
                    for farChars in [800, 1500, 3000] {
                        var parameters = Scorer.Parameters()
                        parameters.far = far
                        parameters.decay = decay
                        parameters.farChars = farChars
                        let cleaner = try Cleaner(catalogue: catalogue, thresholds: Scorer.Thresholds(remove: threshold, flag: min(0.25, threshold)),
                                                  parameters: parameters)
                        let evaluator = Evaluator(cleaner: cleaner)
                        candidates.append(Candidate(threshold: threshold, parameters: parameters,
                                                    fit: evaluator.evaluate(fit), check: evaluator.evaluate(check)))
                    }
                }
            }
        }
        let defaults = Scorer.Parameters()
        func distance(_ candidate: Candidate) -> Double {
            abs(candidate.threshold - 0.5) + abs(candidate.parameters.far - defaults.far)
                + abs(candidate.parameters.decay[1] - defaults.decay[1]) + abs(Double(candidate.parameters.farChars - defaults.farChars)) / 10_000
        }
        func admissible(_ report: Evaluator.Report) -> Bool { report.precision >= 0.995 && report.hardNegativesTouched == 0 }
        return candidates.sorted { a, b in
            if admissible(a.fit) != admissible(b.fit) { return admissible(a.fit) }
            if abs(a.fit.recall - b.fit.recall) > 1e-9 { return a.fit.recall > b.fit.recall }
            if abs(a.fit.truncatedF1 - b.fit.truncatedF1) > 1e-9 { return a.fit.truncatedF1 > b.fit.truncatedF1 }
            return distance(a) < distance(b)
        }
    }
}
