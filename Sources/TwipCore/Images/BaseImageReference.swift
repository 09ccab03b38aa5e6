import Foundation
public import TwipStack

/// A twip base image (`twip/NAME:TAG`) a Dockerfile starts from, directly or through an `ARG *_BASE=` default.
public struct BaseImageReference: Sendable, Hashable {
    /// The recipe's short name: `nginx`, `jdk`, ...
    public var name: String
    /// The full reference, `twip/nginx:bookworm`.
    public var reference: String

    /// The twip base images the Dockerfile of `build` starts from; none when the file cannot be read.
    public static func named(in build: Build) -> [BaseImageReference] {
        let file = build.dockerfile ?? "Dockerfile"
        let path = file.hasPrefix("/") ? file : build.context + "/" + file
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return named(inDockerfile: text, args: build.args)
    }

    /// The twip base images `FROM` lines of `dockerfile` name once `ARG` defaults and `args` are substituted.
    public static func named(inDockerfile dockerfile: String, args: [String: String]) -> [BaseImageReference] {
        var values: [String: String] = [:]
        var found: [BaseImageReference] = []
        for rawLine in dockerfile.split(whereSeparator: \.isNewline) {
            let words = rawLine.split(whereSeparator: \.isWhitespace).map(String.init)
            guard let instruction = words.first?.uppercased(), words.count >= 2 else { continue }
            if instruction == "ARG" {
                let parts = words[1].split(separator: "=", maxSplits: 1).map(String.init)
                if let value = args[parts[0]] ?? (parts.count == 2 ? parts[1] : nil) { values[parts[0]] = value }
            } else if instruction == "FROM" {
                let image = words.dropFirst().first { !$0.hasPrefix("--") } ?? ""
                let reference = substitute(image, values)
                guard reference.hasPrefix("twip/") else { continue }
                let name = String(reference.dropFirst("twip/".count).prefix { $0 != ":" && $0 != "@" })
                let base = BaseImageReference(name: name, reference: reference)
                if BaseImageRecipe.all.contains(where: { $0.name == name }), !found.contains(base) {
                    found.append(base)
                }
            }
        }
        return found
    }

    /// `text` with `$NAME` and `${NAME}` replaced by their values (unknown names by nothing, as the builder does).
    static func substitute(_ text: String, _ values: [String: String]) -> String {
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            let braced = rest.first == "{"
            if braced { rest = rest.dropFirst() }
            let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            rest = rest.dropFirst(name.count)
            if braced, rest.first == "}" { rest = rest.dropFirst() }
            result += values[String(name)] ?? ""
        }
        return result + rest
    }
}
