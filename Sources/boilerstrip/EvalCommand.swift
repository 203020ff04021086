import ArgumentParser
import Boilerstrip
import Foundation

/// `boilerstrip eval FILE…`: precision and recall against labelled documents.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure the cleaner against labelled documents (JSON Lines).",
        discussion: """
        Each line: id, lang, source, text, boilerplate (the exact substrings that are boilerplate), truncated, \
        paywalled, remaining_percent, original_title, original_site, hard_negative. Prints character precision and \
        recall, the truncated-verdict F1, paywalled and metadata accuracy, and the hard negatives touched.
        """
    )

    @Argument(help: ArgumentHelp("Labelled JSON Lines files.", valueName: "file")) var files: [String]
    @Flag(help: "Print the report as one JSON object.") var json = false
    @Flag(help: "List every document that is not perfect.") var verbose = false
    @Flag(help: "Fit the threshold and position constants on half the documents and check them on the other half.") var calibrate = false
    @Option(help: ArgumentHelp("Removal threshold.", valueName: "score")) var threshold = Scorer.Thresholds().remove
    @OptionGroup var rules: RuleOptions

    func run() throws {
        let catalogue = try rules.catalogue()
        var documents: [LabelledDocument] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                Diagnostics.say("\(file): cannot read the file")
                throw ExitCode(Exit.noInput)
            }
            do { documents += try LabelledDocument.load(jsonl: data, name: file) } catch {
                Diagnostics.say("\(error)")
                throw ExitCode(Exit.dataError)
            }
        }
        if calibrate {
            let ranked = try Calibration(catalogue: catalogue).run(documents)
            let current = ranked.first { $0.threshold == Scorer.Thresholds().remove && $0.parameters == Scorer.Parameters() }
            func line(_ name: String, _ candidate: Calibration.Candidate) -> String {
                let p = candidate.parameters
                return String(format: "%@ threshold %.2f far %.2f decay %@ farChars %d | fit P %.4f R %.4f F1t %.4f hn %d | check P %.4f R %.4f F1t %.4f hn %d",
                              name, candidate.threshold, p.far, p.decay.map { String($0) }.joined(separator: "/"), p.farChars,
                              candidate.fit.precision, candidate.fit.recall, candidate.fit.truncatedF1, candidate.fit.hardNegativesTouched,
                              candidate.check.precision, candidate.check.recall, candidate.check.truncatedF1, candidate.check.hardNegativesTouched)
            }
            if let current { print(line("defaults:", current)) }
            print(line("chosen:  ", ranked[0]))
            print("grid points: \(ranked.count); the next best:")
            for candidate in ranked.dropFirst().prefix(5) { print(line("         ", candidate)) }
            return
        }
        let cleaner = try Cleaner(catalogue: catalogue, thresholds: Scorer.Thresholds(remove: threshold, flag: min(Scorer.Thresholds().flag, threshold)))
        let report = Evaluator(cleaner: cleaner).evaluate(documents)
        if verbose { for problem in report.problems { print(problem) } }
        print(json ? report.json : report.summary)
    }
}
