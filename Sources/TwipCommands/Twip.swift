import ArgumentParser

/// `twip`: build, run, scale and ship a containerized web stack through the Docker Engine API.
struct Twip: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "twip",
        abstract: "Build, run, scale and ship a containerized web stack through the Docker Engine API.",
        usage: """
            twip ENV ACTION [ARGS]      (ENV is stacks/ENV.yml)
              twip -f FILE ACTION [ARGS]
              twip COMMAND [ARGS]
            """,
        discussion: """
            Environment actions: build, up, rollback, down, ps, scale, logs, restart, config, test, bench.
            Engine: --context NAME (before the command, as with docker), else DOCKER_HOST, else DOCKER_CONTEXT, \
            else the current context, else /var/run/docker.sock.
            Exit codes: 0 success, 1 operation failed, 2 bad usage or invalid stack, 3 engine unreachable.
            """,
        subcommands: [
            ConfigCommand.self, BuildCommand.self, UpCommand.self, DownCommand.self, PsCommand.self, ScaleCommand.self,
            LogsCommand.self, RestartCommand.self, RollbackCommand.self, TestCommand.self, BenchCommand.self,
            StatusCommand.self,
            PackCommand.self, CleanCommand.self, ImagesCommand.self, SetupCommand.self, BaseCommand.self,
            VersionCommand.self, SwarmCommand.self, LabCommand.self,
        ]
    )
}
