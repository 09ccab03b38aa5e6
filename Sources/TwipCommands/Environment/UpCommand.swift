import ArgumentParser
import Foundation
import TwipCore
import TwipStack

/// `twip ENV up`: converge the environment on the engine with its stack.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Create, recreate and start what differs from the stack; idempotent.")

    @OptionGroup var stackOptions: StackOptions

    @Flag(help: "Return only when every container is running and healthy.")
    var wait = false

    @Option(help: "Seconds to wait for readiness before failing.")
    var timeout: Int = 300

    @Flag(help: "Print the plan, step by step with each step's cause, and change nothing.")
    var dryRun = false

    @Flag(help: "Build every image of the selection first, even those that exist.")
    var build = false

    @Flag(help: "Build nothing: a missing image stops `up` (by default missing images are built first).")
    var noBuild = false

    @Option(
        help: ArgumentHelp(
            "On a swarm: the registry every node pulls from (HOST[:PORT]); images are pushed there and deployed by digest.",
            discussion: """
                Without it: TWIP_REGISTRY, then x-twip.registry in the stack, then the address a swarm service \
                labelled io.twip.registry carries; on a one-node swarm with none, tasks run this engine's images.
                """))
    var registry: String?

    @Option(help: "text (one line per step with its duration) or json (one event per line, for pipelines).")
    var format: ProgressFormat = .text

    @Argument(help: "Services to bring up (with what they depend on); all when none.")
    var services: [String] = []

    func run() async throws {
        let progress = ProgressRenderer(format: format, command: "up")
        try await progress.run {
            let loaded = try stackOptions.load()
            try loaded.checkServices(services)
            guard timeout > 0 else { throw UsageError("--timeout must be a positive number of seconds") }
            guard !(build && noBuild) else { throw UsageError("--build and --no-build exclude each other") }
            try await up(loaded, progress: progress)
        }
    }

    func up(_ loaded: LoadedEnvironment, progress: ProgressRenderer) async throws {
        let selection = services.isEmpty ? nil : services
        let policy: Environment.BuildPolicy = build ? .always : noBuild ? .never : .missing
        let (wait, timeout, dryRun) = (wait, timeout, dryRun)
        let given = try ImageRegistry.given(option: registry, environment: ProcessInfo.processInfo.environment)
        if registry != nil, loaded.stack.orchestrator != .swarm {
            throw UsageError(
                "--registry: \(loaded.displayPath) runs containers on one engine; a registry serves swarm stacks "
                    + "(to ship images, use `twip pack`)")
        }
        try await loaded.withEnvironment(progress: progress) { environment in
            environment.registry = given
            if dryRun, let lines = try await environment.swarmPreview(selection: selection) {
                if lines.isEmpty { progress.note("\(loaded.environment): nothing to change") }
                for line in lines { progress.note(line) }
                return
            }
            if dryRun {
                let plan = try await environment.plan(selection: selection, wait: wait)
                if plan.lines.isEmpty {
                    progress.note(
                        "\(loaded.environment): nothing to change; \(plan.unchanged.count) container(s) up to date")
                } else if progress.format == .json {
                    progress.planned(plan, names: environment.names)
                } else {
                    for line in plan.lines { progress.note(line) }
                }
                return
            }
            try await environment.up(selection: selection, wait: wait, timeout: .seconds(timeout), build: policy) {
                service, line in
                // One line per build step, as `twip ENV build` prints them.
                if line.hasPrefix("Step ") || line.hasPrefix("Successfully") || service == "base" {
                    progress.build(service: service, line: line)
                }
            }
        }
    }
}
