// swift-tools-version:6.0
import PackageDescription

/// fleet: one executable that drives many hosts over SSH (libssh2).
///
/// Layers, lowest first: `CLibSSH2` (system library + shim) → `FleetSSH` (sessions,
/// channels, SFTP, known hosts; nothing about playbooks) and `FleetCore` (inventory,
/// playbooks, templates, scheduler, state; speaks to hosts only through its `Transport`
/// protocol) → `FleetConnect` (FleetCore's transport over FleetSSH) → `FleetKeep` (sessions
/// kept between runs by a background keeper, `--persist`) → `fleet` (thin CLI).
/// `FleetLab` starts real local sshd hosts for demos and tests.
let package = Package(
    name: "fleet",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fleet", targets: ["fleet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibSSH2",
            pkgConfig: "libssh2",
            providers: [.apt(["libssh2-1-dev"]), .brew(["libssh2"])]
        ),
        .target(name: "FleetSSH", dependencies: ["CLibSSH2"]),
        .target(name: "FleetCore", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "FleetLab"),
        .target(name: "FleetConnect", dependencies: ["FleetCore", "FleetSSH"]),
        .target(name: "FleetKeep", dependencies: ["FleetConnect", "FleetCore", "FleetSSH"]),
        .executableTarget(
            name: "fleet",
            dependencies: [
                "FleetCore", "FleetConnect", "FleetKeep", "FleetLab", "FleetSSH",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "FleetSSHTests", dependencies: ["FleetSSH", "FleetLab"]),
        // Helpers more than one test target uses.
        .target(name: "FleetTestSupport", path: "Tests/FleetTestSupport"),
        .testTarget(
            name: "FleetCoreTests",
            dependencies: ["FleetCore", "FleetTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "FleetLabTests", dependencies: ["FleetLab"]),
        .testTarget(name: "FleetCLITests", dependencies: ["FleetLab"], exclude: ["Doubles"]),
        .testTarget(name: "FleetKeepTests", dependencies: ["FleetKeep", "FleetSSH"]),
        .testTarget(name: "FleetConnectTests", dependencies: ["FleetConnect", "FleetCore", "FleetLab", "FleetTestSupport"]),
    ]
)
