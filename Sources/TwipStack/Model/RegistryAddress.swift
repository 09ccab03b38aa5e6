/// A registry's address as image names carry it: `HOST[:PORT]` with an optional `/path`, no scheme and no tag.
/// One rule for every place an operator names a registry (`--registry`, `TWIP_REGISTRY`, `x-twip.registry`, the
/// label of a registry service on a swarm).
public enum RegistryAddress {
    /// Why `text` cannot name a registry, or nil when it can.
    public static func problem(_ text: String) -> String? {
        guard let reason = reason(text) else { return nil }
        return "invalid registry \"\(text)\": \(reason); expected HOST[:PORT] with an optional /path, "
            + "e.g. registry.example.com:5000"
    }

    private static func reason(_ text: String) -> String? {
        if text.isEmpty { return "it is empty" }
        if text.contains("://") { return "a registry is not a URL" }
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let authority = parts[0]
        var host = Substring(authority)
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return "an IPv6 address needs its closing ]" }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return "unexpected \"\(rest)\" after the IPv6 address" }
                port = rest.dropFirst()
            }
            if host.isEmpty || !host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) {
                return "\"\(host)\" is not an IPv6 address"
            }
        } else {
            if let colon = authority.firstIndex(of: ":") {
                host = authority[..<colon]
                port = authority[authority.index(after: colon)...]
            }
            if host.isEmpty { return "the host is missing" }
            if let bad = host.first(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-")) })
            {
                return "'\(bad)' cannot be in a host name"
            }
            if host.hasPrefix("-") || host.hasPrefix(".") || host.hasSuffix("-") || host.hasSuffix(".") {
                return "a host name starts and ends with a letter or digit"
            }
        }
        if port == nil, !host.contains("."), !authority.hasPrefix("["), host != "localhost" {
            // Docker reads a first name part without a dot or a port as a Docker Hub account, not a registry.
            return "image names would read \"\(host)\" as a Docker Hub account: write it with its port or domain"
        }
        if let port {
            guard let number = Int(port), port.allSatisfy(\.isASCII), (1...65535).contains(number) else {
                return "the port \"\(port)\" is not a number from 1 to 65535"
            }
        }
        guard parts.count == 2 else { return nil }
        for component in parts[1].split(separator: "/", omittingEmptySubsequences: false) {
            if component.isEmpty { return "the path has an empty part" }
            if let bad = component.first(where: {
                !($0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-"))
            }) {
                return "'\(bad)' cannot be in the path (lowercase letters, digits, '.', '_' and '-')"
            }
        }
        return nil
    }
}
