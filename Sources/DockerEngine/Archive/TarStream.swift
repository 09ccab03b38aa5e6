import Foundation
public import NIOCore

/// One entry to write into a streamed tar, with where its content comes from.
public struct TarItem: Sendable, Equatable {
    /// Where a regular file's bytes come from.
    public enum Content: Sendable, Equatable {
        case none
        case file(path: String)
        case bytes([UInt8])
    }

    public var entry: TarEntry
    public var content: Content

    /// Creates an item.
    public init(entry: TarEntry, content: Content = .none) {
        self.entry = entry
        self.content = content
    }

    /// A regular file held in memory (used for put-archive).
    public static func file(_ path: String, contents: [UInt8], mode: UInt32 = 0o644, mtime: Int = 0) -> TarItem {
        TarItem(
            entry: TarEntry(path: path, kind: .file(size: Int64(contents.count)), mode: mode, mtime: mtime),
            content: .bytes(contents))
    }
}

/// A tar archive produced lazily as buffers: file contents are read while the request body is sent.
public struct TarStream: AsyncSequence, Sendable {
    /// Each element is a chunk of the archive.
    public typealias Element = ByteBuffer

    /// The entries, in order.
    public let items: [TarItem]
    /// The largest chunk read from a file at once.
    public var chunkSize = 64 * 1024

    /// Creates a stream of `items`.
    public init(items: [TarItem]) { self.items = items }

    /// The stream as a request body for build, import or put-archive.
    public var body: RequestBody { .stream(self) }

    /// The whole archive in memory (for small archives and tests).
    public func collect() async throws -> [UInt8] {
        var out: [UInt8] = []
        for try await chunk in self { out += chunk.readableBytesView }
        return out
    }

    /// Starts producing the archive.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(items: items, chunkSize: chunkSize) }

    /// Produces the archive one header or file chunk at a time.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let items: [TarItem]
        let chunkSize: Int
        var index = 0
        var handle: FileHandle?
        var remaining: Int64 = 0
        var currentSize: Int64 = 0
        var finished = false

        init(items: [TarItem], chunkSize: Int) {
            self.items = items
            self.chunkSize = chunkSize
        }

        /// The next chunk, or nil after the end-of-archive blocks.
        public mutating func next() async throws -> ByteBuffer? {
            try Task.checkCancellation()
            if let handle {
                if remaining > 0 {
                    let wanted = Int(Swift.min(Int64(chunkSize), remaining))
                    var data = try handle.read(upToCount: wanted).map { [UInt8]($0) } ?? []
                    // A file that shrank since it was listed is padded so the archive stays consistent.
                    if data.isEmpty { data = [UInt8](repeating: 0, count: wanted) }
                    remaining -= Int64(data.count)
                    return ByteBuffer(bytes: data)
                }
                try? handle.close()
                self.handle = nil
                return ByteBuffer(bytes: TarHeader.padding(for: currentSize))
            }
            guard index < items.count else {
                if finished { return nil }
                finished = true
                return ByteBuffer(bytes: TarHeader.endOfArchive)
            }
            let item = items[index]
            index += 1
            var out = TarHeader.encode(item.entry)
            switch item.content {
            case .none:
                break
            case .bytes(let bytes):
                out += bytes
                out += TarHeader.padding(for: Int64(bytes.count))
            case .file(let path):
                guard item.entry.size > 0 else { break }
                guard let opened = FileHandle(forReadingAtPath: path) else {
                    throw TarError(path: path, reason: "cannot open for reading")
                }
                handle = opened
                remaining = item.entry.size
                currentSize = item.entry.size
            }
            return ByteBuffer(bytes: out)
        }
    }
}

/// A file that could not be put into a tar archive.
public struct TarError: Error, Equatable, CustomStringConvertible {
    /// The file's path on disk.
    public var path: String
    /// What went wrong.
    public var reason: String
    /// Renders `path: reason`.
    public var description: String { "\(path): \(reason)" }
}
