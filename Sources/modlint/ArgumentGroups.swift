/// Module paths given by the thousand (`modlint check $(find … -name '*.ko')`) are handed to
/// the argument parser in a few tokens: it records every value of a repeated argument in a
/// way that makes parsing n paths cost n² (4000 paths took a second). Every token of a run of
/// plain words after the first can only be a path, since an option takes at most one value:
/// such tokens are joined with NUL, which no path contains, and split again by `expand`.
enum ArgumentGroups {
    static let separator: Character = "\u{0}"

    /// The subcommands whose positional arguments are module paths.
    static let pathCommands: Set<String> = ["check", "sizes"]

    static func group(_ arguments: [String], subcommands: Set<String>) -> [String] {
        // Only for a command that takes paths: elsewhere the parser's own messages about
        // unexpected words stay as they were typed.
        guard let command = arguments.first(where: { !$0.hasPrefix("-") }),
              pathCommands.contains(command) || !subcommands.contains(command) else { return arguments }
        var result: [String] = []
        result.reserveCapacity(arguments.count)
        var run: [String] = []
        var afterTerminator = false
        func flush() {
            if run.count > 1 { result.append(run.joined(separator: String(separator))) } else { result += run }
            run.removeAll()
        }
        for (index, argument) in arguments.enumerated() {
            if afterTerminator {
                run.append(argument)
            } else if argument == "--" {
                result.append(argument)
                afterTerminator = true
            } else if argument.hasPrefix("-") || index == 0 || arguments[index - 1].hasPrefix("-") {
                // An option, or a word that may be the value of the option before it.
                flush()
                result.append(argument)
            } else {
                run.append(argument)
            }
        }
        flush()
        return result
    }

    static func expand(_ paths: [String]) -> [String] {
        paths.flatMap { path in
            path.contains(separator) ? path.split(separator: separator, omittingEmptySubsequences: false).map(String.init) : [path]
        }
    }
}
