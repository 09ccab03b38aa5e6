/// A YAML document that twip cannot accept, with the place and key path of the problem.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file name shown to the user (the display name given to the parser).
    public var file: String
    /// Where the problem is; line 0 means the problem concerns the whole file (it could not be read).
    public var mark: Mark
    /// The key path of the offending node, such as `services.web.ports[0]`; empty at the top level.
    public var path: String
    /// What is wrong, phrased so a person can fix it.
    public var message: String

    /// Creates an error at `mark` in `file`.
    public init(file: String, mark: Mark, path: String = "", message: String) {
        self.file = file
        self.mark = mark
        self.path = path
        self.message = message
    }

    /// `FILE:LINE:COL: path: message`, without `path: ` at the top level and without `LINE:COL` for line 0.
    public var description: String {
        var text = file
        if mark.line > 0 {
            text += ":\(mark.line):\(mark.column)"
        }
        text += ": "
        if !path.isEmpty {
            text += "\(path): "
        }
        return text + message
    }
}
