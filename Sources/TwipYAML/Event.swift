/// One parse event, copied out of libyaml so no C memory outlives the call that produced it.
enum Event: Sendable, Equatable {
    /// The properties written before a node: `&anchor` and `!tag`.
    struct Properties: Sendable, Equatable {
        var anchor: String?
        var tag: String?
    }

    case streamStart
    case streamEnd
    case documentStart(Mark)
    case documentEnd
    case alias(String, Mark)
    case scalar(String, ScalarStyle, Properties, Mark)
    case sequenceStart(Properties, Mark)
    case sequenceEnd
    case mappingStart(Properties, Mark)
    case mappingEnd
}

extension Event.Properties {
    /// Tags of the YAML core schema are shown in their short `!!name` form, the way they are written.
    static func shortTag(_ tag: String?) -> String? {
        guard let tag else { return nil }
        let prefix = "tag:yaml.org,2002:"
        if tag.hasPrefix(prefix) {
            return "!!" + tag.dropFirst(prefix.count)
        }
        return tag
    }
}
