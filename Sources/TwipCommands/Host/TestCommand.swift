import ArgumentParser

/// `twip test [ENV] [PATH]`: one request through the environment's entry port, printed like `curl -I`.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Request PATH through the environment's entry port; print the status line and headers.",
        discussion: "Exits 1 on a non-2xx/3xx answer or no answer.")

    @OptionGroup var stackOptions: StackOptions

    @Argument(help: "ENV (default prod, or the one given as `twip ENV test`) and/or PATH (default /).")
    var arguments: [String] = []

    func run() throws {
        var options = stackOptions
        var path = "/"
        var rest = arguments
        if options.environment == nil, options.file == nil, let first = rest.first, !first.hasPrefix("/") {
            options.environment = first
            rest.removeFirst()
        }
        if let given = rest.first {
            path = given.hasPrefix("/") ? given : "/" + given
            rest.removeFirst()
        }
        guard rest.isEmpty else { throw UsageError("test takes at most ENV and PATH") }
        let loaded = try options.load(defaultEnvironment: "prod")
        let (host, port) = try entryPort(of: loaded)
        Terminal.standardOutput.write("GET http://\(host):\(port)\(path)\n")
        let result: (status: Int, head: String)
        do {
            result = try HeadRequest(host: host, port: port, path: path).perform()
        } catch {
            throw OperationFailed(String(describing: error))
        }
        Terminal.standardOutput.write(result.head + "\n")
        guard (200..<400).contains(result.status) else {
            throw OperationFailed("\(path) answered \(result.status)")
        }
    }
}
