/// Takes the file operands out of a long `boilerstrip [clean] …` command line before swift-argument-parser sees
/// them. The parser handles each positional value in time that grows with the values before it, so
/// `boilerstrip *.txt` over 15,000 files spent seconds in parsing alone; with many operands they bypass it.
enum Operands {
    /// The clean command's options that take a value (a test checks this against `--help`).
    static let valueOptions: Set<String> = ["--text-field", "--meta-field", "--threshold", "--flag-threshold", "--on-error", "--jobs", "--rules"]
    /// Up to this many operands the parser takes them as usual.
    static let threshold = 64
    /// The operands taken out, in order, for `Clean.run`.
    nonisolated(unsafe) static var extracted: [String] = []

    /// Splits `arguments` (without the program name) into what the parser gets and the file operands taken out.
    /// Other subcommands, and command lines with few operands, are left whole.
    static func split(_ arguments: [String]) -> (arguments: [String], files: [String]) {
        var kept: [String] = []
        var index = 0
        if let first = arguments.first, !first.hasPrefix("-") {
            if first == "clean" { kept.append(first); index = 1 } else if ["rules", "eval", "help"].contains(first) { return (arguments, []) }
        }
        var files: [String] = []
        while index < arguments.count {
            let token = arguments[index]
            if token == "--" {
                files.append(contentsOf: arguments[(index + 1)...])
                break
            }
            if token == "-" || !token.hasPrefix("-") {
                files.append(token)
            } else {
                kept.append(token)
                if valueOptions.contains(token), index + 1 < arguments.count {
                    kept.append(arguments[index + 1])
                    index += 1
                }
            }
            index += 1
        }
        return files.count > threshold ? (kept, files) : (arguments, [])
    }
}
