import TwipYAML

extension Service {
    /// A stable hash (FNV-1a 64, hex) of everything that defines one replica's container, except the replica count.
    ///
    /// Left out as well: `depends_on` and `deploy.update_config` (they order and pace changes, they are not
    /// container settings), `env_file` paths (their variables are in `environment`, which is hashed sorted by
    /// name) and `x-*` extensions.
    public var configHash: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func feed(_ text: String) {
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        func canonical(_ node: Node) {
            switch node.content {
            case .scalar(let text, _):
                feed("s\(text.utf8.count):")
                feed(text)
            case .sequence(let items):
                feed("[")
                items.forEach(canonical)
                feed("]")
            case .mapping(let pairs):
                feed("{")
                for pair in pairs {
                    canonical(pair.key)
                    canonical(pair.value)
                }
                feed("}")
            }
        }
        feed("name:")
        feed(name)
        canonical(normalizedNode(forHash: true))
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
