// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

/// The data-path modules: as `strict`, and in release builds without the
/// dynamic exclusivity checks, which took a quarter of the CPU on the TCP
/// and forwarding paths (perf: swift_beginAccess and its TLS lookups).
/// Debug builds — the ones the tests run — keep every check, so an
/// overlapping access is still caught there.
let dataPath: [SwiftSetting] = strict + [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "NetKernel",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "NetCore", targets: ["NetCore"]),
        .library(name: "NDIS", targets: ["NDIS"]),
        .library(name: "TCPIP", targets: ["TCPIP"]),
        .library(name: "WSK", targets: ["WSK"]),
        .library(name: "NetSim", targets: ["NetSim"]),
        .executable(name: "netkernel", targets: ["netkernel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(name: "NetCore", swiftSettings: dataPath),
        // The Linux syscalls Swift cannot call itself (variadic ioctl, setns): for the TAP miniport.
        .target(name: "CNetKernelSystem"),
        .target(name: "NDIS", dependencies: ["NetCore", "CNetKernelSystem"], swiftSettings: dataPath),
        .target(name: "TCPIP", dependencies: ["NetCore", "NDIS", "CNetKernelSystem"], swiftSettings: dataPath),
        .target(name: "WSK", dependencies: ["NetCore", "TCPIP"], swiftSettings: dataPath),
        .target(name: "CHeapUsage"),
        .target(name: "NetSim", dependencies: ["NetCore", "NDIS", "TCPIP", "WSK", "CHeapUsage"], swiftSettings: dataPath),
        .executableTarget(
            name: "netkernel",
            dependencies: [
                "NetCore", "NDIS", "TCPIP", "NetSim", "WSK",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "NetKernelBenchmarks",
            dependencies: [
                "NetCore", "NetSim",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/NetKernelBenchmarks",
            swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "NetCoreTests", dependencies: ["NetCore"], swiftSettings: strict),
        .testTarget(name: "NDISTests", dependencies: ["NDIS", "NetCore", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "TCPIPTests", dependencies: ["TCPIP", "NDIS", "NetCore"], swiftSettings: strict),
        .testTarget(name: "WSKTests", dependencies: ["WSK", "NetSim", "TCPIP", "NDIS", "NetCore"], swiftSettings: strict),
        .testTarget(name: "NetSimTests", dependencies: ["NetSim", "WSK", "TCPIP", "NDIS", "NetCore", "TestSupport"], swiftSettings: strict),
        // Runs the built `netkernel` binary against the Linux kernel; the
        // dependency is there so that `swift test` builds it.
        .testTarget(name: "InteropTests", dependencies: ["netkernel", "TestSupport"], swiftSettings: strict),
    ]
)
