import Testing

@testable import TwipCore

@Suite struct ImageBuildTests {
    @Test(arguments: [
        ("\u{1B}[91merror: missing semicolon\n", "error: missing semicolon"),
        ("\u{1B}[0m", ""),
        ("plain line", "plain line"),
        ("a\u{1B}[1;31mb\u{1B}[0mc", "abc"),
    ])
    func colourSequencesAreStrippedFromBuildOutput(line: String, expected: String) {
        #expect(ImageBuild.plain(line) == expected)
    }
}
