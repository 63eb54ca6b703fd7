// swift-tools-version:6.0
import Foundation
import PackageDescription

/// fleet: one executable that drives many hosts over SSH (libssh2).
///
/// Layers, lowest first: `CLibSSH2` (libssh2 + shim, see `libssh2Target`) → `FleetSSH` (sessions,
/// channels, SFTP, known hosts; nothing about playbooks) and `FleetCore` (inventory,
/// playbooks, templates, scheduler, state; speaks to hosts only through its `Transport`
/// protocol) → `FleetConnect` (FleetCore's transport over FleetSSH) → `FleetKeep` (sessions
/// kept between runs by a background keeper, `--persist`; `CFleetProcess` splits a first run
/// into a waiting parent and the child that becomes its keeper) → `fleet` (thin CLI).
/// `FleetLab` starts real local sshd hosts for demos and tests.
/// On Linux, fleet builds the libssh2 in `Sources/CLibSSH2/libssh2`: Debian 12's 1.10.0 with its
/// security patches, plus one patch that encrypts and decrypts whole packets instead of one
/// 16-byte block per OpenSSL call, which made bulk transfers CPU-bound (see the README there).
/// `FLEET_SYSTEM_LIBSSH2=1` at build time, and macOS always, link the system's libssh2 instead
/// (pkg-config), e.g. to take a distribution's security updates without rebuilding fleet.
let useSystemLibSSH2: Bool = {
    #if os(Linux)
    return ProcessInfo.processInfo.environment["FLEET_SYSTEM_LIBSSH2"] == "1"
    #else
    return true
    #endif
}()

let libssh2Target: Target = useSystemLibSSH2
    ? .systemLibrary(
        name: "CLibSSH2",
        path: "Sources/CLibSSH2System",
        pkgConfig: "libssh2",
        providers: [.apt(["libssh2-1-dev"]), .brew(["libssh2"])]
    )
    : .target(
        name: "CLibSSH2",
        exclude: ["libssh2/COPYING", "libssh2/README.md", "libssh2/patches"],
        cSettings: [
            .headerSearchPath("libssh2"),
            // libssh2 1.10 uses OpenSSL 1.1 calls that OpenSSL 3 marks deprecated (still supported).
            .define("OPENSSL_API_COMPAT", to: "0x10101000L"),
        ],
        linkerSettings: [.linkedLibrary("crypto")]
    )

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
        libssh2Target,
        // <sys/epoll.h>, which Swift's Glibc module lacks (FleetSSH's SocketPoller).
        .systemLibrary(name: "CEpoll", path: "Sources/CEpoll"),
        .target(name: "FleetSSH", dependencies: ["CLibSSH2", "CEpoll"]),
        .target(name: "FleetCore", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "FleetLab"),
        .target(name: "FleetConnect", dependencies: ["FleetCore", "FleetSSH"]),
        // The fork of a first run into a waiting parent and a child that keeps its sessions.
        .target(name: "CFleetProcess"),
        .target(name: "FleetKeep", dependencies: ["CFleetProcess", "FleetConnect", "FleetCore", "FleetSSH"]),
        .executableTarget(
            name: "fleet",
            dependencies: [
                "FleetCore", "FleetConnect", "FleetKeep", "FleetLab", "FleetSSH",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "FleetSSHTests", dependencies: ["FleetSSH", "FleetLab", "FleetTestSupport"]),
        // Helpers more than one test target uses.
        .target(name: "FleetTestSupport", path: "Tests/FleetTestSupport"),
        .testTarget(
            name: "FleetCoreTests",
            dependencies: ["FleetCore", "FleetTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "FleetLabTests", dependencies: ["FleetLab"]),
        .testTarget(name: "FleetCLITests", dependencies: ["FleetLab", "FleetTestSupport"], exclude: ["Doubles"]),
        .testTarget(name: "FleetKeepTests", dependencies: ["FleetKeep", "FleetSSH"]),
        .testTarget(name: "FleetConnectTests", dependencies: ["FleetConnect", "FleetCore", "FleetLab", "FleetTestSupport"]),
    ]
)
