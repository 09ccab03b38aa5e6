import DockerEngine
public import Foundation

extension EngineSession {
    /// Builds (or keeps) twip's base images from Debian packages and imports them into this engine.
    public func buildBaseImages(
        _ recipes: [BaseImageRecipe], options: BaseImageBuilder.Options, progress: @Sendable (String) -> Void
    ) async throws -> [BaseImageBuilder.Outcome] {
        try await BaseImageBuilder(options: options, engine: client).build(recipes, progress: progress)
    }
}
