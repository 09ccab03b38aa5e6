public import Foundation
import TwipYAML

/// Reads a stack file: YAML parsing, `${VAR}` interpolation against the environment and `.env`, decoding, validation.
public struct StackLoader: Sendable {
    /// The process environment; it wins over the `.env` file beside the stack file.
    public var environment: [String: String]

    /// Creates a loader resolving variables against `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Loads and validates the stack at `path`; `displayPath` (the path as the user typed it) appears in messages.
    public func load(path: String, displayPath: String? = nil) throws(StackErrors) -> LoadedStack {
        let display = displayPath ?? path
        let absolute = normalizePath(path.hasPrefix("/") ? path : FileReading.currentDirectory() + "/" + path)
        let bytes: [UInt8]
        switch FileReading.bytes(atPath: absolute, limit: FileReading.stackLimit) {
        case .success(let b): bytes = b
        case .failure(let error):
            throw StackErrors(problems: [
                // A file that is there but refused (too large, a device) is reported at its start.
                StackProblem(
                    file: display, line: error.isMissing ? 0 : 1, column: error.isMissing ? 0 : 1, path: "",
                    message: "cannot read stack file: \(error.message)")
            ])
        }
        return try load(bytes: bytes, absolutePath: absolute, displayPath: display)
    }

    /// Loads a stack from YAML text as if it were the file at `path` (relative paths resolve against its directory).
    public func load(yaml: String, path: String, displayPath: String? = nil) throws(StackErrors) -> LoadedStack {
        let absolute = normalizePath(path.hasPrefix("/") ? path : FileReading.currentDirectory() + "/" + path)
        return try load(bytes: Array(yaml.utf8), absolutePath: absolute, displayPath: displayPath ?? path)
    }

    private func load(bytes: [UInt8], absolutePath: String, displayPath: String) throws(StackErrors) -> LoadedStack {
        let directory = absolutePath.split(separator: "/").dropLast().joined(separator: "/")
        let stackDirectory = "/" + directory
        var warnings: [StackProblem] = []
        var problems: [StackProblem] = []

        var variables: [String: String] = [:]
        let dotEnvPath = normalizePath(stackDirectory + "/.env")
        switch FileReading.bytes(atPath: dotEnvPath, limit: FileReading.envFileLimit) {
        case .success(let envBytes):
            for (key, value) in DotEnv.parse(String(decoding: envBytes, as: UTF8.self)) { variables[key] = value }
        case .failure(let error):
            if !error.isMissing {
                problems.append(
                    StackProblem(
                        file: dotEnvPath, line: 1, column: 1, path: "",
                        message: "cannot read .env file: \(error.message)"))
            }
        }
        variables.merge(environment) { _, process in process }

        let root: Node?
        do throws(YAMLError) {
            guard bytes.count <= FileReading.stackLimit else {
                throw YAMLError(
                    file: displayPath, mark: Mark(line: 1, column: 1),
                    message: "the stack is larger than \(FileBytes.describe(bytes: FileReading.stackLimit))")
            }
            root = try YAML.parse(bytes, file: displayPath)
        } catch {
            throw StackErrors(problems: [
                StackProblem(
                    file: error.file, line: error.mark.line, column: error.mark.column, path: error.path,
                    message: error.message)
            ])
        }
        guard let root else {
            throw StackErrors(problems: [
                StackProblem(file: displayPath, line: 1, column: 1, path: "", message: "the stack file is empty")
            ])
        }

        var interpolation = TreeInterpolator(interpolator: Interpolator(variables: variables), file: displayPath)
        var interpolated = interpolation.interpolate(root)
        problems += interpolation.problems
        warnings += interpolation.warnings

        var extends = ServiceExtends { path, display in
            Self.readExtendedFile(path, display: display, variables: variables)
        }
        interpolated = extends.resolve(interpolated, displayPath: displayPath, absolutePath: absolutePath)
        problems += extends.problems
        warnings += extends.warnings

        let context = DecodingContext(file: displayPath, directory: stackDirectory, variables: variables)
        context.settledMarks = interpolation.failedMarks
        let decoder = StackDecoder(context: context) { path in
            FileReading.bytes(atPath: path, limit: FileReading.envFileLimit).map {
                DotEnv.parse(String(decoding: $0, as: UTF8.self))
            }
        }
        let baseName = absolutePath.split(separator: "/").last.map(String.init) ?? "stack"
        let stem =
            baseName.split(separator: ".", omittingEmptySubsequences: false).count > 1
            ? String(baseName[..<(baseName.lastIndex(of: ".") ?? baseName.endIndex)]) : baseName
        // As compose does with a directory name: lowercased, keeping only what a stack name may hold.
        let cleaned = String(
            stem.lowercased().unicodeScalars.filter {
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
            }.map(Character.init))
        let defaultName =
            cleaned.drop { $0 == "-" || $0 == "_" }.isEmpty ? "stack" : String(cleaned.drop { $0 == "-" || $0 == "_" })
        let stack = decoder.decode(interpolated, defaultName: defaultName, filePath: absolutePath)
        problems += context.problems
        warnings += context.warnings

        guard problems.isEmpty, let stack else {
            throw StackErrors(problems: Self.sorted(problems))
        }
        return LoadedStack(stack: stack, warnings: Self.sorted(warnings))
    }

    /// Another stack file a service extends from, parsed and interpolated like the stack itself.
    static func readExtendedFile(_ path: String, display: String, variables: [String: String]) -> Result<
        ExtendedFile, StackErrors
    > {
        let bytes: [UInt8]
        switch FileReading.bytes(atPath: path, limit: FileReading.stackLimit) {
        case .success(let read): bytes = read
        case .failure(let error):
            return .failure(
                StackErrors(problems: [
                    StackProblem(
                        file: display, line: error.isMissing ? 0 : 1, column: error.isMissing ? 0 : 1, path: "",
                        message: "cannot read stack file: \(error.message)")
                ]))
        }
        let root: Node?
        do throws(YAMLError) {
            root = try YAML.parse(bytes, file: display)
        } catch {
            return .failure(
                StackErrors(problems: [
                    StackProblem(
                        file: error.file, line: error.mark.line, column: error.mark.column, path: error.path,
                        message: error.message)
                ]))
        }
        guard let root else {
            return .failure(
                StackErrors(problems: [
                    StackProblem(file: display, line: 1, column: 1, path: "", message: "the file is empty")
                ]))
        }
        var interpolation = TreeInterpolator(interpolator: Interpolator(variables: variables), file: display)
        let interpolated = interpolation.interpolate(root)
        guard interpolation.problems.isEmpty else { return .failure(StackErrors(problems: interpolation.problems)) }
        return .success(ExtendedFile(root: interpolated, warnings: interpolation.warnings))
    }

    /// Problems in file order; the sort is stable so problems at one place keep the order they were found in.
    static func sorted(_ problems: [StackProblem]) -> [StackProblem] {
        problems.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
    }
}
