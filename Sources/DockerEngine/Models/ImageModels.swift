/// One row of `GET /images/json`.
public struct ImageSummary: Decodable, Sendable, Equatable {
    public var id: String
    public var parentID: String?
    public var repoTags: [String]?
    public var repoDigests: [String]?
    public var created: Int64?
    public var size: Int64?
    public var labels: [String: String]?
    public var containers: Int?

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case parentID = "ParentId"
        case repoTags = "RepoTags"
        case repoDigests = "RepoDigests"
        case created = "Created"
        case size = "Size"
        case labels = "Labels"
        case containers = "Containers"
    }
}

/// The answer to `GET /images/{name}/json`.
public struct ImageInspect: Decodable, Sendable, Equatable {
    public var id: String
    public var repoTags: [String]?
    public var repoDigests: [String]?
    public var parent: String?
    public var created: String?
    public var size: Int64?
    public var architecture: String?
    public var os: String?
    public var config: InspectConfig?

    /// The image's labels (from its config).
    public var labels: [String: String] { config?.labels ?? [:] }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case repoTags = "RepoTags"
        case repoDigests = "RepoDigests"
        case parent = "Parent"
        case created = "Created"
        case size = "Size"
        case architecture = "Architecture"
        case os = "Os"
        case config = "Config"
    }
}

/// One entry of `DELETE /images/{name}`: a tag removed or a layer deleted.
public struct ImageDeleteItem: Decodable, Sendable, Equatable {
    public var untagged: String?
    public var deleted: String?

    enum CodingKeys: String, CodingKey {
        case untagged = "Untagged"
        case deleted = "Deleted"
    }
}

/// What an image or volume prune removed.
public struct PruneReport: Decodable, Sendable, Equatable {
    public var imagesDeleted: [ImageDeleteItem]?
    public var volumesDeleted: [String]?
    public var spaceReclaimed: Int64

    enum CodingKeys: String, CodingKey {
        case imagesDeleted = "ImagesDeleted"
        case volumesDeleted = "VolumesDeleted"
        case spaceReclaimed = "SpaceReclaimed"
    }

    /// Decodes leniently: a missing `SpaceReclaimed` reads as 0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        imagesDeleted = try container.decodeIfPresent([ImageDeleteItem].self, forKey: .imagesDeleted)
        volumesDeleted = try container.decodeIfPresent([String].self, forKey: .volumesDeleted)
        spaceReclaimed = try container.decodeIfPresent(Int64.self, forKey: .spaceReclaimed) ?? 0
    }
}

/// The answer to `GET /distribution/{name}/json`: what the registry holds under a name.
public struct DistributionInspect: Decodable, Sendable, Equatable {
    public var descriptor: DistributionDescriptor

    enum CodingKeys: String, CodingKey {
        case descriptor = "Descriptor"
    }
}

/// A manifest in a registry: its digest (`sha256:...`), media type and size.
public struct DistributionDescriptor: Decodable, Sendable, Equatable {
    public var mediaType: String?
    public var digest: String
    public var size: Int64?
}
