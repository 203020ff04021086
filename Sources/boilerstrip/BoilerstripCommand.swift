import ArgumentParser
import Boilerstrip

@main
struct BoilerstripCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "boilerstrip",
        abstract: "Remove paywall notices, syndication footers and other boilerplate from scraped article text.",
        discussion: """
        Reads each FILE (or stdin) as one document and writes the cleaned text to stdout; --json adds the \
        metadata, --jsonl cleans JSON Lines records. Exit codes: 0 success, 64 usage, 65 a malformed record, \
        66 a missing input, 78 a bad rule file.
        """,
        version: BoilerstripVersion.string,
        subcommands: [Clean.self, RulesCommand.self, EvalCommand.self],
        defaultSubcommand: Clean.self
    )

    static func main() {
        let (arguments, files) = Operands.split(Array(CommandLine.arguments.dropFirst()))
        Operands.extracted = files
        main(arguments)
    }
}

enum BoilerstripVersion {
    static let string = "0.1.0"
}
