import ArgumentParser
import Testing

@testable import TwipCommands

@Suite struct ArgumentRewriteTests {
    @Test(arguments: [
        (["train", "up", "--wait"], ["up", "--env", "train", "--wait"]),
        (["-f", "x.yml", "config"], ["config", "--file", "x.yml"]),
        (["version"], ["version"]),
        (["--help"], ["--help"]),
    ])
    func environmentFormIsRewrittenToActionForm(input: [String], expected: [String]) throws {
        #expect(try CLI.rewrite(input) == expected)
    }

    @Test func missingActionAfterEnvironmentIsAUsageError() {
        #expect(throws: UsageError.self) { try CLI.rewrite(["train"]) }
    }
}

@Suite struct CommandParsingTests {
    @Test(arguments: [
        ["train", "logs", "-f", "web"], ["train", "up", "--wait", "--timeout", "60"], ["prod", "scale", "web=3"],
        ["prod", "ps", "--format", "json"], ["prod", "down", "--volumes"], ["train", "restart", "web"],
        ["train", "build", "-q"], ["train", "config"], ["-f", "x.yml", "up"], ["status", "--format", "json"],
        ["test", "train", "/Read.action"], ["train", "test", "/"],
        ["pack", "prod", "--registry", "r:5000", "--no-push"],
        ["clean", "all", "--base"], ["images"], ["setup"], ["base", "--force"], ["bench", "http://127.0.0.1:1/", "-k"],
        ["prod", "bench", "-n", "10", "-c", "2"],
    ])
    func everyCommandOfTheContractParses(arguments: [String]) throws {
        _ = try Twip.parseAsRoot(try CLI.rewrite(arguments))
    }
}

@Suite struct EnvironmentHelpTests {
    @Test(arguments: [["train", "--help"], ["train", "-h"], ["train", "help"]])
    func environmentHelpListsTheActionsWithTheEnvironmentInTheUsage(arguments: [String]) throws {
        let help = try #require(CLI.environmentHelp(arguments))
        #expect(help.contains("USAGE: twip train ACTION [ARGS]"))
        for action in CLI.environmentActions { #expect(help.contains("\n  \(action) "), "\(action) missing") }
    }

    @Test(arguments: [
        (["prod", "up", "--help"], "USAGE: twip prod up [--profile <profile> ...] [--wait]"),
        (["train", "ps", "-h"], "USAGE: twip train ps [--profile <profile> ...] [--format <format>]"),
        (["train", "scale", "--help"], "USAGE: twip train scale "),
    ])
    func actionHelpShowsTheEnvironmentInTheUsage(arguments: [String], usage: String) throws {
        let help = try #require(CLI.environmentHelp(arguments))
        #expect(help.contains(usage), "\(help)")
        #expect(!help.contains("USAGE: twip \(arguments[1])"))
    }

    @Test(arguments: [["up", "--help"], ["train", "up", "--wait"], ["--help"], ["train"], ["status", "-h"]])
    func otherCommandLinesAreLeftToTheParser(arguments: [String]) {
        #expect(CLI.environmentHelp(arguments) == nil)
    }
}

@Suite struct ColourTests {
    @Test(
        arguments: [
            ([:], true), (["NO_COLOR": ""], true), (["NO_COLOR": "1"], false), (["NO_COLOR": "yes"], false),
        ] as [([String: String], Bool)])
    func noColorSetToAnythingButEmptyForbidsColour(environment: [String: String], allowed: Bool) {
        #expect(Terminal.colourAllowed(environment) == allowed)
    }
}
