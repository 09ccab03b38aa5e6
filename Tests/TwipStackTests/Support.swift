import TwipStack

/// Loads YAML text as `stacks/test.yml` in a fixed directory, with an explicit environment.
func loadText(_ yaml: String, environment: [String: String] = [:]) throws(StackErrors) -> LoadedStack {
    try StackLoader(environment: environment).load(
        yaml: yaml, path: "/srv/twiptest-stack/stacks/test.yml", displayPath: "stacks/test.yml")
}

/// The problems loading `yaml` produces, rendered as text; empty when it loads.
func problems(_ yaml: String, environment: [String: String] = [:]) -> [String] {
    do {
        _ = try loadText(yaml, environment: environment)
        return []
    } catch {
        return error.problems.map(\.description)
    }
}

/// The directory holding the test fixtures.
let fixturesDirectory: String = {
    let file = #filePath
    return String(file[..<(file.lastIndex(of: "/") ?? file.endIndex)]) + "/Fixtures"
}()
