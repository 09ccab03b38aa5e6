// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "twip",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "twip", targets: ["twip"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "TwipYAML", dependencies: ["CYAML"], swiftSettings: strict),
        .target(name: "TwipStack", dependencies: ["TwipYAML"], swiftSettings: strict),
        .target(
            name: "DockerEngine",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "TwipCore",
            dependencies: [
                "TwipStack", "DockerEngine",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "TwipBench",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "TwipCommands",
            dependencies: [
                "TwipStack", "TwipCore", "TwipBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(name: "twip", dependencies: ["TwipCommands"], swiftSettings: strict),
        .testTarget(name: "TwipYAMLTests", dependencies: ["TwipYAML"], swiftSettings: strict),
        .testTarget(
            name: "TwipStackTests", dependencies: ["TwipStack", "TwipYAML"], exclude: ["Fixtures"],
            swiftSettings: strict),
        .target(
            name: "EngineTestSupport", dependencies: ["DockerEngine"], path: "Tests/EngineTestSupport",
            swiftSettings: strict),
        .testTarget(
            name: "DockerEngineTests",
            dependencies: [
                "DockerEngine", "EngineTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "TwipCoreTests", dependencies: ["TwipCore", "TwipStack", "DockerEngine", "EngineTestSupport"],
            swiftSettings: strict),
        .testTarget(name: "TwipBenchTests", dependencies: ["TwipBench"], swiftSettings: strict),
        .testTarget(
            name: "TwipCommandsTests",
            dependencies: [
                "TwipCommands", "TwipCore", "EngineTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
    ]
)
