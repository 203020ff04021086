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
        let cleaner = try Cleaner(catalogue: catalogue, thresholds: Scorer.Thresholds(remove: threshold, flag: min(Scorer.Thresholds().flag, threshold)))
        let report = Evaluator(cleaner: cleaner).evaluate(documents)
        if verbose { for problem in report.problems { print(problem) } }
        print(json ? report.json : report.summary)
    }
}
