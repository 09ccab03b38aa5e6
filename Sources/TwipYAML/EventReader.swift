internal import CYAML

/// Pulls events out of libyaml; the only place that touches libyaml's C types.
///
/// The parser is created in `init` and deleted in `deinit`, and every event is deleted right after it is
/// copied into an `Event`, whether the copy succeeds or parsing fails.
struct EventReader: ~Copyable {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeBufferPointer<UInt8>
    private let file: String

    /// Starts reading `input`, which must stay alive (and non-empty) for the reader's lifetime.
    init(_ input: UnsafeBufferPointer<UInt8>, file: String) throws(YAMLError) {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        guard yaml_parser_initialize(parser) == 1, let base = input.baseAddress else {
            parser.deallocate()
            throw YAMLError(file: file, mark: Mark(line: 1, column: 1), message: "cannot start the YAML parser")
        }
        yaml_parser_set_input_string(parser, base, input.count)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        self.parser = parser
        self.input = input
        self.file = file
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    /// The next event; `path` is where the caller is in the document, computed only for syntax errors.
    mutating func next(path: @autoclosure () -> String) throws(YAMLError) -> Event {
        var event = yaml_event_t()
        defer { yaml_event_delete(&event) }
        guard yaml_parser_parse(parser, &event) == 1 else {
            throw syntaxError(path: path())
        }
        let mark = Self.mark(event.start_mark)
        switch event.type {
        case YAML_STREAM_START_EVENT:
            return .streamStart
        case YAML_STREAM_END_EVENT:
            return .streamEnd
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart(mark)
        case YAML_DOCUMENT_END_EVENT:
            return .documentEnd
        case YAML_ALIAS_EVENT:
            return .alias(Self.string(event.data.alias.anchor) ?? "", mark)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let value =
                scalar.value.map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
                } ?? ""
            let properties = Self.properties(anchor: scalar.anchor, tag: scalar.tag)
            return .scalar(value, Self.style(scalar.style), properties, mark)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            return .sequenceStart(Self.properties(anchor: start.anchor, tag: start.tag), mark)
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            return .mappingStart(Self.properties(anchor: start.anchor, tag: start.tag), mark)
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd
        default:
            throw YAMLError(file: file, mark: mark, path: path(), message: "unexpected YAML parser event")
        }
    }

    /// libyaml's error as a `YAMLError`: its problem, its context, at its problem mark made 1-based.
    private func syntaxError(path: String) -> YAMLError {
        let state = parser.pointee
        let problem = Self.string(state.problem) ?? "invalid YAML"
        switch state.error {
        case YAML_MEMORY_ERROR:
            return YAMLError(file: file, mark: Mark(line: 1, column: 1), path: path, message: "out of memory")
        case YAML_READER_ERROR:
            // Reader errors carry a byte offset instead of a mark.
            let mark = SourceText.mark(ofByte: state.problem_offset, in: input)
            var message = problem
            if state.problem_value >= 0 {
                message += " (character 0x\(String(state.problem_value, radix: 16, uppercase: true)))"
            }
            return YAMLError(file: file, mark: mark, path: path, message: message)
        default:
            var message = problem
            if let context = Self.string(state.context) {
                let at = Self.mark(state.context_mark)
                message += " (\(context) at line \(at.line), column \(at.column))"
            }
            return YAMLError(file: file, mark: Self.mark(state.problem_mark), path: path, message: message)
        }
    }

    private static func mark(_ mark: yaml_mark_t) -> Mark {
        Mark(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafePointer($0)) }
    }

    private static func properties(
        anchor: UnsafeMutablePointer<yaml_char_t>?, tag: UnsafeMutablePointer<yaml_char_t>?
    ) -> Event.Properties {
        Event.Properties(anchor: string(anchor), tag: Event.Properties.shortTag(string(tag)))
    }

    private static func style(_ style: yaml_scalar_style_t) -> ScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }
}
