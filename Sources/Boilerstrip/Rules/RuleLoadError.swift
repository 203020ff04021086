/// Why a rule file could not be loaded: always names the file, the line and, when known, the rule.
public struct RuleLoadError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let line: Int
    public let column: Int?
    public let ruleID: String?
    public let message: String

    public init(file: String, line: Int, column: Int? = nil, ruleID: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.ruleID = ruleID
        self.message = message
    }

    /// `Rules/paywall/fr.yaml:12:5: error: rule lemonde-remaining-fr: …`
    public var description: String {
        let place = column.map { "\(file):\(line):\($0)" } ?? "\(file):\(line)"
        let rule = ruleID.map { "rule \($0): " } ?? ""
        return "\(place): error: \(rule)\(message)"
    }
}
