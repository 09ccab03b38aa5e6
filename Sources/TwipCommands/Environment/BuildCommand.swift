import ArgumentParser
import Foundation
import TwipCore
import TwipStack

/// `twip ENV build`: build the environment's images through the engine.
struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the environment's images through the engine, streaming one line per step.")

    @OptionGroup var stackOptions: StackOptions

    @Flag(name: [.short, .long], help: "Print only the result of each build (for pipelines).")
    var quiet = false

    @Flag(help: "Print every line of the engine's output, not only the steps.")
    var verbose = false

    @Flag(help: "Do not use the engine's build cache.")
    var noCache = false

    @Argument(help: "Services to build; all that have a build section when none.")
    var services: [String] = []

    func run() async throws {
        let loaded = try stackOptions.load()
        try loaded.checkServices(services)
        guard
            loaded.stack.services.contains(where: {
                $0.build != nil && (services.isEmpty || services.contains($0.name))
            })
        else {
            throw UsageError("\(loaded.displayPath): no service to build (none has a build section)")
        }
        let quiet = quiet
        let verbose = verbose
        let noCache = noCache
        let selection = services
        let results = try await loaded.withEnvironment { environment in
            try await environment.build(services: selection, noCache: noCache) { service, line in
                guard !quiet else { return }
                let step = line.hasPrefix("Step ") || line.hasPrefix("Successfully")
                if verbose || step {
                    Terminal.standardOutput.write("\(service) | \(Terminal.standardOutput.shown(line))\n")
                }
            }
        }
        for result in results {
            let id = result.imageID.replacingOccurrences(of: "sha256:", with: "").prefix(12)
            Terminal.standardOutput.write(
                String(
                    format: "built %@ (%@) for service %@ in %.1f s\n", result.image, String(id), result.service,
                    result.seconds))
        }
    }
}
