// swift-tools-version:6.1
import PackageDescription

// Arrows point down only: Core imports nothing of ours; Imaging never touches the database;
// SQL lives in the Postgres, Database and Queue targets, and each owns its part of the schema.
let package = Package(
    name: "illuminati",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "illuminati", targets: ["Coordinator"]),
        .executable(name: "illuminati-worker", targets: ["Worker"]),
        .executable(name: "illuminati-queue-test-worker", targets: ["QueueTestWorker"]),
        .executable(name: "illuminati-queue-bench", targets: ["QueueBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0", traits: []),
    ],
    targets: [
        // System libraries (shim headers only).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4", providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        // zlib: deflate for gzip-encoded JSON responses, CRC-32 for tile shards.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libdeflate: whole-buffer inflate, several times zlib's speed, for PNG image data.
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        // libpng's classic API needs setjmp, which Swift cannot call; the simplified API
        // converts 16-bit samples when a gAMA/sRGB chunk is present.
        .target(name: "CPNGShim", dependencies: ["CPNG"]),
        // libtiff decodes from a memory map; a file truncated meanwhile raises SIGBUS, which
        // only C can turn back into an error (sigsetjmp).
        .target(name: "CTIFFShim", dependencies: ["CTIFF"]),
        // The private cluster's watcher, forked from a threaded process: async-signal-safe C only.
        .target(name: "CClusterWatch"),

        // Experiment model, manifest, plate geometry, stitch helpers, tile grid: pure, no I/O.
        .target(name: "IlluminatiCore"),
        // The storage: where an experiment's files lie, atomic writes, private folders made
        // without following links, and the tile sink/source seam that pyramids are kept behind.
        .target(name: "IlluminatiStorage", dependencies: ["IlluminatiCore", "CZlib"]),
        // Pixels: readers, writers, encoders.
        .target(name: "IlluminatiImaging",
                dependencies: ["IlluminatiCore", "IlluminatiStorage", "CTIFF", "CTIFFShim", "CPNGShim", "CDeflate", "CTurboJPEG",
                               .product(name: "Logging", package: "swift-log")]),
        // Tile planning and rendering: lossless intermediate levels, DeepZoom output, descriptors.
        .target(name: "IlluminatiPyramid",
                dependencies: ["IlluminatiCore", "IlluminatiImaging", "IlluminatiStorage", .product(name: "Logging", package: "swift-log")]),
        // Synthetic fluorescence plates for demos, tests and benchmarks.
        .target(name: "IlluminatiSample", dependencies: ["IlluminatiCore", "IlluminatiImaging"]),
        // Child processes: helper programs run to completion, long-running children, their lifeline.
        .target(name: "IlluminatiProcess"),
        // The database driver: libpq connection, errors, values, results, named statements, the
        // reconnecting connection and its backoff, LISTEN/NOTIFY, the migrator, the private cluster.
        .target(name: "IlluminatiPostgres",
                dependencies: ["IlluminatiProcess", "CLibPQ", "CClusterWatch", .product(name: "Logging", package: "swift-log")],
                exclude: ["Queries"],
                plugins: ["EmbedSQL"]),
        // Experiment and map-object persistence, and their tables (Migrations/).
        .target(name: "IlluminatiDatabase",
                dependencies: ["IlluminatiCore", "IlluminatiPostgres"],
                exclude: ["Queries", "Migrations"],
                plugins: ["EmbedSQL"]),
        // The job queue: claims, fencing, heartbeats, reaper, retries, stage barrier, worker loop,
        // and its tables and functions (Migrations/).
        .target(name: "IlluminatiQueue",
                dependencies: ["IlluminatiCore", "IlluminatiPostgres", "IlluminatiMetrics",
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "Metrics", package: "swift-metrics")],
                exclude: ["Queries", "Migrations"],
                plugins: ["EmbedSQL"]),
        // The whole schema: every owner's migrations, for whoever migrates a database.
        .target(name: "IlluminatiSchema", dependencies: ["IlluminatiDatabase", "IlluminatiQueue", "IlluminatiPostgres"]),
        // Every metric family the programs export, and their Prometheus text export.
        .target(name: "IlluminatiMetrics",
                dependencies: [.product(name: "Metrics", package: "swift-metrics"),
                               .product(name: "Prometheus", package: "swift-prometheus")]),
        // A build: planning an experiment into queue jobs, and running those jobs in a worker.
        .target(name: "IlluminatiBuild",
                dependencies: ["IlluminatiCore", "IlluminatiImaging", "IlluminatiPyramid", "IlluminatiStorage", "IlluminatiPostgres",
                               "IlluminatiQueue", .product(name: "Logging", package: "swift-log")]),

        // The tile server and web viewer: TissueMAPS, DeepZoom, XYZ and IIIF tile routes, experiment
        // and map-object JSON, the queue dashboard, static viewer files embedded at build time, and
        // /metrics with the queue's state.
        .target(name: "IlluminatiServer",
                dependencies: ["IlluminatiCore", "IlluminatiImaging", "IlluminatiPyramid", "IlluminatiStorage", "IlluminatiDatabase",
                               "IlluminatiPostgres", "IlluminatiQueue", "IlluminatiMetrics", "CZlib",
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "Metrics", package: "swift-metrics")],
                exclude: ["Viewer"],
                plugins: ["EmbedFiles"]),
        // Build tool: turns a target's Viewer/ files into Swift byte arrays.
        .executableTarget(name: "FileEmbedder"),
        .plugin(name: "EmbedFiles", capability: .buildTool(), dependencies: ["FileEmbedder"]),

        // The coordinator's use cases: create an experiment, plan a build, drive it, collect
        // map objects, build locally, export, local workers, serve the viewer. No terminal, no arguments.
        .target(name: "IlluminatiCoordinator", dependencies: [
            "IlluminatiCore", "IlluminatiImaging", "IlluminatiPyramid", "IlluminatiStorage", "IlluminatiDatabase", "IlluminatiPostgres",
            "IlluminatiQueue", "IlluminatiBuild", "IlluminatiServer", "IlluminatiProcess",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // What every program's command line shares: --log-level and -v.
        .target(name: "IlluminatiCommandLine", dependencies: [
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // illuminati: verbs parsed into use cases, progress drawn on the terminal, errors into exit codes.
        .executableTarget(name: "Coordinator", dependencies: [
            "IlluminatiCoordinator", "IlluminatiCommandLine",
            "IlluminatiCore", "IlluminatiImaging", "IlluminatiSample", "IlluminatiDatabase", "IlluminatiPostgres", "IlluminatiPyramid",
            "IlluminatiStorage", "IlluminatiQueue", "IlluminatiSchema", "IlluminatiBuild", "IlluminatiServer", "IlluminatiProcess",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "Worker", dependencies: [
            "IlluminatiCommandLine", "IlluminatiPostgres", "IlluminatiQueue", "IlluminatiBuild", "IlluminatiStorage", "IlluminatiMetrics", "IlluminatiProcess",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // Queue throughput benchmark (bench/queue).
        .executableTarget(name: "QueueBench",
                          dependencies: ["IlluminatiQueue", "IlluminatiSchema", "IlluminatiPostgres"],
                          path: "bench/queue/QueueBench"),

        // Build tool: turns a target's Migrations/*.sql into its list of migrations and its
        // annotated Queries/*.sql into typed statement accessors (docs/sql.md), so an installed
        // binary carries its schema and statements and a malformed annotation fails the build.
        .target(name: "SQLCodegen"),
        .executableTarget(name: "SQLEmbedder", dependencies: ["SQLCodegen"]),
        .plugin(name: "EmbedSQL", capability: .buildTool(), dependencies: ["SQLEmbedder"]),

        // Throwaway PostgreSQL clusters, temporary folders and process helpers for tests.
        .target(name: "IlluminatiTestSupport",
                dependencies: ["IlluminatiPostgres", "IlluminatiSchema", "CLibPQ", .product(name: "Logging", package: "swift-log")],
                path: "Tests/Support"),
        .testTarget(name: "IlluminatiCoreTests", dependencies: ["IlluminatiCore"]),
        .testTarget(name: "IlluminatiStorageTests", dependencies: ["IlluminatiStorage", "IlluminatiCore", "IlluminatiTestSupport"]),
        .testTarget(name: "SQLCodegenTests", dependencies: ["SQLCodegen"]),
        // A worker with trivial job kinds, for the queue's process tests.
        .executableTarget(name: "QueueTestWorker",
                          dependencies: ["IlluminatiQueue", "IlluminatiPostgres", "IlluminatiMetrics",
                                         .product(name: "Logging", package: "swift-log")],
                          path: "Tests/QueueTestWorker"),
        .testTarget(name: "IlluminatiBuildTests", dependencies: ["IlluminatiBuild", "IlluminatiStorage"]),
        .testTarget(name: "IlluminatiImagingTests", dependencies: ["IlluminatiImaging", "IlluminatiSample"]),
        .testTarget(name: "IlluminatiPyramidTests",
                    dependencies: ["IlluminatiPyramid", "IlluminatiBuild", "IlluminatiImaging", "IlluminatiCore", "IlluminatiSample",
                                   "IlluminatiStorage", "IlluminatiTestSupport"]),
        .testTarget(name: "IlluminatiQueueTests",
                    dependencies: ["IlluminatiQueue", "IlluminatiCore", "IlluminatiDatabase", "IlluminatiPostgres", "IlluminatiSchema",
                                   "IlluminatiMetrics", "IlluminatiTestSupport",
                                   .product(name: "Metrics", package: "swift-metrics")]),
        .testTarget(name: "IlluminatiPostgresTests",
                    dependencies: ["IlluminatiPostgres", "IlluminatiDatabase", "IlluminatiQueue", "IlluminatiSchema", "IlluminatiTestSupport",
                                   "IlluminatiProcess"]),
        .testTarget(name: "IlluminatiDatabaseTests",
                    dependencies: ["IlluminatiDatabase", "IlluminatiPostgres", "IlluminatiCore", "IlluminatiTestSupport"]),
        .testTarget(name: "IlluminatiCoordinatorTests",
                    dependencies: ["IlluminatiCoordinator", "IlluminatiBuild", "IlluminatiQueue", "IlluminatiDatabase", "IlluminatiPostgres",
                                   "IlluminatiPyramid",
                                   "IlluminatiStorage", "IlluminatiCore", "IlluminatiSample", "IlluminatiTestSupport"]),
        .testTarget(name: "CommandLineTests",
                    dependencies: ["IlluminatiDatabase", "IlluminatiPostgres", "IlluminatiCore", "IlluminatiTestSupport",
                                   "IlluminatiSample", "IlluminatiQueue", "IlluminatiSchema", "IlluminatiMetrics",
                                   "IlluminatiCommandLine", "IlluminatiProcess"]),
        .testTarget(name: "IlluminatiServerTests",
                    dependencies: ["IlluminatiServer", "IlluminatiBuild", "IlluminatiPyramid", "IlluminatiStorage", "IlluminatiImaging", "IlluminatiCore",
                                   "IlluminatiSample", "IlluminatiDatabase", "IlluminatiPostgres", "IlluminatiQueue", "IlluminatiTestSupport",
                                   "IlluminatiProcess",
                                   "CZlib", "CPNG"]),
    ]
)
