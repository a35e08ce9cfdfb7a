import AlexNet
import Foundation

/// Makes every executable run the best matrix-multiply kernel OpenBLAS has for the CPU.
///
/// OpenBLAS chooses its kernel once, when the program loads it, from a table of processor models
/// as old as the OpenBLAS build; on a newer CPU it falls back to its generic SSE3 kernels
/// (Prescott), several times slower. It reads `OPENBLAS_CORETYPE` at that moment only. So when
/// OpenBLAS chose a kernel below what the CPU runs (``BLASKernel/decide(cpu:chosen:userCoreType:)``)
/// and the user has not set `OPENBLAS_CORETYPE`, the program starts itself again — `execv` of
/// `/proc/self/exe` with the same arguments and the variable set — before it has done anything,
/// so nothing is lost but a few milliseconds. The restarted program says so in one line on
/// standard error. (The other way, loading OpenBLAS at run time with `dlopen` after setting the
/// variable, would route every BLAS call through function pointers looked up by name; the restart
/// keeps the ordinary link, and the library knows nothing of it.)
///
/// A user's own `OPENBLAS_CORETYPE` always wins. The restart sets a second variable,
/// ``handOffVariable``, so that the restarted program knows the kernel is ours, reports it and
/// never restarts again. It is a hand-off between a process and its restart, not a setting,
/// with one more value for tests: `openblas` makes the program treat the kernel that runs as
/// OpenBLAS's own choice, which reproduces on any x86-64 machine what a CPU unknown to OpenBLAS
/// gets: `OPENBLAS_CORETYPE=Prescott ALEXNET_BLAS_CORETYPE_SET_BY=openblas alexnet --version`.
package enum BLASKernelSelection {
    /// Who set `OPENBLAS_CORETYPE`: `alexnet:KERNEL` (a restart, after OpenBLAS chose KERNEL) or
    /// `openblas` (as if nobody had: for tests).
    package static let handOffVariable = "ALEXNET_BLAS_CORETYPE_SET_BY"

    /// For tests only: `fail-512` makes every 512-bit kernel fail ``kernelCheck``, as a kernel
    /// that computes wrongly would, so that the fallback can be seen on a machine whose kernels
    /// are right.
    package static let checkVariable = "ALEXNET_BLAS_CHECK"

    /// How the running kernel came to be chosen.
    package enum Origin: Equatable, Sendable {
        /// OpenBLAS's own choice, kept.
        case openBLAS
        /// The user's `OPENBLAS_CORETYPE`.
        case user
        /// This program restarted itself, replacing the kernel OpenBLAS had chosen.
        case restart(replaced: String)
        /// This program restarted itself because the 512-bit kernel `failed` failed the check.
        case checkFallback(failed: String)
    }

    /// The kernel that runs and how it was chosen.
    package static var origin: Origin {
        guard let setter = environment(handOffVariable) else {
            return environment("OPENBLAS_CORETYPE") == nil ? .openBLAS : .user
        }
        if setter.hasPrefix("alexnet:") { return .restart(replaced: String(setter.dropFirst("alexnet:".count))) }
        if setter.hasPrefix("alexnet-check:") { return .checkFallback(failed: String(setter.dropFirst("alexnet-check:".count))) }
        return .openBLAS
    }

    /// The check of the kernel that runs (``BLASKernelCheck``), made once, on first use.
    package static let kernelCheck: BLASKernelCheck = {
        if environment(checkVariable) == "fail-512", (BLASKernel.level(ofKernel: BLASKernel.current) ?? .sse) >= .avx512 {
            return BLASKernelCheck(worst: .infinity, worstCase: "a simulated failure (\(checkVariable)=fail-512)")
        }
        return BLASKernelCheck.run()
    }()

    /// Call first thing in `main`: restarts the program with a better kernel when OpenBLAS chose
    /// one below the CPU's level, and prints one line on standard error in the restarted program.
    /// Returns normally when the kernel stays; does not return when the restart succeeds.
    package static func ensureBestKernel(command: String) {
        let cpu = CPUFeatures.current, running = BLASKernel.current
        switch origin {
        case .user:
            if !kernelCheck.passed { say("\(command): OPENBLAS_CORETYPE=\(running), your choice: its \(kernelCheck).") }
            return
        case .checkFallback(let failed):
            say("\(command): OpenBLAS's \(failed) kernels (\(cpu.level)) failed the check against the naive product; "
                + "restarted with OPENBLAS_CORETYPE=\(running) (set it yourself to choose).")
            if !kernelCheck.passed { say("\(command): \(running) too: its \(kernelCheck).") }
            return
        case .restart(let replaced):
            let requested = environment("OPENBLAS_CORETYPE") ?? ""
            let chose = "OpenBLAS chose its \(replaced) kernels (\(BLASKernel.level(ofKernel: replaced).map { "\($0)" } ?? "?")) for this CPU, which runs \(cpu.level)"
            if running.lowercased() == requested.lowercased() {
                say("\(command): \(chose); restarted with OPENBLAS_CORETYPE=\(running) (set it yourself to choose).")
            } else {
                let slower = (BLASKernel.level(ofKernel: running) ?? .sse) < cpu.level ? ": matrix products will be several times slower" : ""
                say("\(command): \(chose); restarted with OPENBLAS_CORETYPE=\(requested), but OpenBLAS runs \(running) (a build without that kernel?)\(slower).")
            }
            fallBackIfTheCheckFails(command: command, cpu: cpu, running: running)
        case .openBLAS:
            let userCoreType = environment(handOffVariable) == nil ? environment("OPENBLAS_CORETYPE") : nil
            guard case .replace(let better) = BLASKernel.decide(cpu: cpu, chosen: running, userCoreType: userCoreType) else {
                fallBackIfTheCheckFails(command: command, cpu: cpu, running: running)
                return
            }
            // Only returns when the restart failed: go on with the slow kernel, and say so.
            let reason = restart(kernel: better, handOff: "alexnet:\(running)")
            say("\(command): OpenBLAS chose its \(running) kernels, below this CPU's \(cpu.level); restarting with "
                + "OPENBLAS_CORETYPE=\(better) failed (\(reason)). Set it yourself for matrix products several times faster.")
        }
    }

    /// Restarts the program on the CPU's AVX2 kernel when the 512-bit kernel that runs fails
    /// ``kernelCheck`` (``BLASKernel/fallback(cpu:running:check:userCoreType:)``); does not
    /// return when the restart succeeds.
    private static func fallBackIfTheCheckFails(command: String, cpu: CPUFeatures, running: String) {
        guard case .replace(let fallback) = BLASKernel.fallback(cpu: cpu, running: running, check: kernelCheck, userCoreType: nil) else {
            if !kernelCheck.passed { say("\(command): the \(running) kernel \(kernelCheck).") }
            return
        }
        let reason = restart(kernel: fallback, handOff: "alexnet-check:\(running)")
        say("\(command): the \(running) kernel \(kernelCheck); restarting with OPENBLAS_CORETYPE=\(fallback) failed (\(reason)).")
    }

    /// Starts this program again (`execv` of `/proc/self/exe`, the same arguments) with
    /// `OPENBLAS_CORETYPE=kernel` and the hand-off set; returns only when that failed, with the
    /// reason, both variables unset again.
    private static func restart(kernel: String, handOff: String) -> String {
        setenv("OPENBLAS_CORETYPE", kernel, 1)
        setenv(handOffVariable, handOff, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        let reason = String(cString: strerror(errno))
        unsetenv("OPENBLAS_CORETYPE")
        unsetenv(handOffVariable)
        return reason
    }

    /// Four lines for `--version` and the benchmark: the BLAS build, the kernel that runs and
    /// why, the kernel's check, and the CPU's features with the kernel they call for.
    package static var report: [String] {
        let cpu = CPUFeatures.current, running = BLASKernel.current
        let why = switch origin {
        case .openBLAS: "OpenBLAS's own choice"
        case .user: "set by OPENBLAS_CORETYPE"
        case .restart(let replaced): "OpenBLAS chose \(replaced); restarted with OPENBLAS_CORETYPE=\(environment("OPENBLAS_CORETYPE") ?? "")"
        case .checkFallback(let failed): "\(failed) failed the check; restarted with OPENBLAS_CORETYPE=\(environment("OPENBLAS_CORETYPE") ?? "")"
        }
        return [
            "BLAS:   \(BLASKernel.configuration)",
            "kernel: \(running) (\(why))",
            "check:  sgemm and the convolutions \(kernelCheck)",
            "CPU:    \(cpu.processor): \(cpu.summary); its best kernel: \(BLASKernel.best(for: cpu) ?? "any")",
        ]
    }

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name), value.pointee != 0 else { return nil }
        return String(cString: value)
    }

    private static func say(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
