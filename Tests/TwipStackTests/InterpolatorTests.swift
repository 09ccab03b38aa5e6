import Testing
import TwipStack

@Suite struct InterpolatorTests {
    let interpolator = Interpolator(variables: ["A": "a", "EMPTY": "", "PORT": "8080", "B_2": "b2"])

    @Test(arguments: [
        ("plain text", "plain text"),
        ("$A", "a"),
        ("${A}", "a"),
        ("x${A}y$A", "xaya"),
        ("$A-suffix", "a-suffix"),
        ("${B_2}", "b2"),
        ("${MISSING:-def}", "def"),
        ("${EMPTY:-def}", "def"),
        ("${EMPTY-def}", ""),
        ("${MISSING-def}", "def"),
        ("${A:-def}", "a"),
        ("${A:+alt}", "alt"),
        ("${MISSING:+alt}", ""),
        ("${EMPTY+alt}", "alt"),
        ("$$A", "$A"),
        ("cost $$5", "cost $5"),
        ("${MISSING:-${A}}", "a"),
        ("${MISSING:-${OTHER:-x}}", "x"),
        ("${A:-${MISSING:?never evaluated}}", "a"),
        ("${MISSING:-port ${PORT}}", "port 8080"),
        ("${PORT:?must be set}", "8080"),
    ])
    func substitutesReferences(input: String, expected: String) throws {
        #expect(try interpolator.interpolate(input).value == expected)
    }

    @Test func unsetPlainVariablesBecomeEmptyAndAreReported() throws {
        let outcome = try interpolator.interpolate("a${NOPE}b$ALSO_NOPE")
        #expect(outcome.value == "ab")
        #expect(outcome.unsetVariables == ["NOPE", "ALSO_NOPE"])
    }

    @Test(arguments: [
        ("${X:?must be set}", "required variable \"X\" is missing a value: must be set"),
        ("${X?}", "required variable \"X\" is missing a value"),
        ("${EMPTY:?empty}", "required variable \"EMPTY\" is missing a value: empty"),
    ])
    func requiredVariablesFailWithTheirMessage(input: String, message: String) {
        #expect(throws: Interpolator.Failure.self) { try interpolator.interpolate(input) }
        do {
            _ = try interpolator.interpolate(input)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test(arguments: ["${", "${A", "${1X}", "${}", "${A:x}", "$", "a $1", "${A:-${B}"])
    func malformedReferencesAreErrors(input: String) {
        do {
            let outcome = try interpolator.interpolate(input)
            Issue.record("expected a failure, got \(outcome.value)")
        } catch {
            guard case .malformed = error else {
                Issue.record("expected malformed, got \(error)")
                return
            }
            #expect(error.description.contains("invalid interpolation"))
        }
    }

    @Test func requiredOnSetButEmptyVariableWithoutColonPasses() throws {
        #expect(try interpolator.interpolate("${EMPTY?x}").value == "")
    }
}
