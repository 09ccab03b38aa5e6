import ArgumentParser
import Foundation
import TwipCore

/// One image twip built or imported, as `images` shows it.
struct ImageRow: Codable {
    var reference: String
    var kind: String
    var environment: String?
    var service: String?
    var release: String?
    var id: String
    var sizeMB: Double
    var created: Int64

    init(_ image: TwipImage) {
        reference = image.reference
        kind = image.kind
        environment = image.environment
        service = image.service
        release = image.release
        id = image.id
        sizeMB = Double(image.size) / 1_000_000
        created = image.created
    }
}

/// "3 minutes ago", "2 days ago".
func age(since created: Int64, now: Date = Date()) -> String {
    let seconds = max(0, Int(now.timeIntervalSince1970) - Int(created))
    let (value, unit): (Int, String) =
        seconds < 60
        ? (seconds, "second")
        : seconds < 3600
            ? (seconds / 60, "minute") : seconds < 86400 ? (seconds / 3600, "hour") : (seconds / 86400, "day")
    return "\(value) \(unit)\(value == 1 ? "" : "s") ago"
}

/// `twip images`: twip's base and environment images with size and age.
struct ImagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "images", abstract: "List twip's base and environment images with size and age.")

    @Option(help: "table or json.")
    var format: OutputFormat = .table

    func run() async throws {
        let rows = try await EngineSession.with { try await $0.images() }.map(ImageRow.init)
            .sorted { ($0.kind, $0.reference) < ($1.kind, $1.reference) }
        switch format {
        case .json:
            Terminal.standardOutput.write(try jsonText(rows))
        case .table:
            Terminal.standardOutput.write(
                table(
                    ["IMAGE", "KIND", "ENV", "SERVICE", "RELEASE", "ID", "SIZE", "CREATED"],
                    rows.map {
                        [
                            $0.reference, $0.kind, $0.environment ?? "-", $0.service ?? "-", $0.release ?? "-", $0.id,
                            String(format: "%.1f MB", $0.sizeMB), age(since: $0.created),
                        ]
                    }))
        }
    }
}
