import ArgumentParser
import TwipStack

/// `twip ENV config`: the normalized stack after interpolation, as YAML.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Print the normalized stack (interpolated, merged, long syntax) as YAML.")

    @OptionGroup var stackOptions: StackOptions

    func run() throws {
        let loaded = try stackOptions.load()
        Terminal.standardOutput.write(loaded.stack.normalizedYAML())
    }
}
