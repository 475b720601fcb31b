// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "quire",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "quire", targets: ["quire"]),
        // For Benchmarks/Micro, a separate package that depends on this one by path.
        .library(name: "QuireCore", targets: ["QuireCore"]),
        .library(name: "QuireStore", targets: ["QuireStore"]),
        .library(name: "QuireAPI", targets: ["QuireAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.0"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.0"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .executableTarget(
            name: "quire",
            dependencies: [
                "QuireApp", "QuireStore", "QuireExchange",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "quire-bench",
            dependencies: [
                "QuireJobs", "QuireStore", "QuireCore", "QuireExchange",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/quire-bench"
        ),
        .target(
            name: "QuireApp",
            dependencies: [
                "QuireAPI", "QuireWeb", "QuireStore", "QuireCore", "QuireJobs", "QuireExchange",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "QuireAPI",
            dependencies: [
                "QuireCore", "QuireStore", "QuireJobs", "QuireExchange",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("OpenAPI/openapi.json")]
        ),
        .target(
            name: "QuireWeb",
            dependencies: [
                "QuireAPI", "QuireCore", "QuireStore", "QuireJobs", "QuireExchange",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            resources: [.copy("Templates"), .copy("Static")]
        ),
        .target(name: "QuireCore"),
        .target(
            name: "QuireExchange",
            dependencies: [
                "QuireCore",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(name: "CQuireSQLite"),
        .target(
            name: "QuireStore",
            dependencies: [
                "QuireCore", "QuireExchange", "CQuireSQLite",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // PostgresClient's pool: its errors when it gives up connecting or was stopped (`PostgresOutage`).
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "QuireJobs",
            dependencies: [
                "QuireStore", "QuireCore", "QuireExchange",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "QuireApp", "QuireStore", "QuireJobs",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "QuireCoreTests", dependencies: ["QuireCore"]),
        .testTarget(
            name: "QuireExchangeTests",
            dependencies: [
                "QuireExchange", "QuireStore", "TestSupport", .product(name: "CSV", package: "CSV.swift"),
            ]
        ),
        .testTarget(
            name: "QuireJobsTests",
            dependencies: ["TestSupport", "QuireJobs", "QuireStore", .product(name: "SQLKit", package: "sql-kit")]
        ),
        .testTarget(
            name: "QuireAppTests",
            dependencies: ["TestSupport", "QuireStore", "QuireApp", "QuireJobs", .product(name: "HummingbirdTesting", package: "hummingbird")]
        ),
        .testTarget(name: "QuireStoreTests", dependencies: ["TestSupport", "QuireStore"]),
        .testTarget(
            name: "QuireAPITests",
            dependencies: [
                "TestSupport", "QuireApp", "QuireAPI", "QuireJobs",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        .testTarget(
            name: "QuireWebTests",
            dependencies: [
                "TestSupport", "QuireApp", "QuireWeb", "QuireStore", "QuireJobs",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
