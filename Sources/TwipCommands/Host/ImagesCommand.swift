import ArgumentParser
import DockerEngine
import Foundation
import TwipCore

/// One image twip built or imported, as `images` shows it.
struct ImageRow: Codable {
    var reference: String
    var kind: String
    var environment: String?
    var service: String?
    var id: String
    var sizeMB: Double
    var created: Int64

    init(_ summary: ImageSummary) {
        let labels = summary.labels ?? [:]
        reference = summary.repoTags?.first(where: { $0 != "<none>:<none>" }) ?? "<none>"
        // Images built on a base image inherit its io.twip.base label; what was built for a service is not a base.
        kind =
            labels[TwipLabel.environment] != nil
            ? "environment" : labels[TwipLabel.service] != nil ? "built" : "base"
        environment = labels[TwipLabel.environment]
        service = labels[TwipLabel.service]
        id = String(summary.id.replacingOccurrences(of: "sha256:", with: "").prefix(12))
        sizeMB = Double(summary.size ?? 0) / 1_000_000
        created = summary.created ?? 0
    }
}

/// Lists twip's images: base images and the images built for environments.
func twipImages(_ client: DockerClient) async throws -> [ImageSummary] {
    let built = try await client.listImages(filters: .labels([TwipLabel.environment]))
    let base = try await client.listImages(filters: .labels([TwipLabel.base]))
    var seen = Set<String>()
    return (base + built).filter { seen.insert($0.id).inserted }
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
        let rows = try await withEngine { client in try await twipImages(client).map(ImageRow.init) }
            .sorted { ($0.kind, $0.reference) < ($1.kind, $1.reference) }
        switch format {
        case .json:
            Terminal.standardOutput.write(try jsonText(rows))
        case .table:
            Terminal.standardOutput.write(
                table(
                    ["IMAGE", "KIND", "ENV", "SERVICE", "ID", "SIZE", "CREATED"],
                    rows.map {
                        [
                            $0.reference, $0.kind, $0.environment ?? "-", $0.service ?? "-", $0.id,
                            String(format: "%.1f MB", $0.sizeMB), age(since: $0.created),
                        ]
                    }))
        }
    }
}
