import Foundation
import AlexNet

/// Progress of long work on standard error: epoch, step, loss, running error, images/s and the
/// time left. In a terminal one line is redrawn in place (at most ten times a second); when
/// standard error is a file or a pipe, a plain line is printed every `plainInterval` seconds
/// and at the end of each epoch, so logs stay readable.
public final class ProgressDisplay {
    public let isTerminal: Bool
    public var plainInterval: Double
    public var isEnabled: Bool
    private var lastDraw = 0.0
    private let start = Date()
    private let output: FileHandle

    /// Draws on `output`, standard error unless a test gives another.
    public init(enabled: Bool = true, isTerminal: Bool = isatty(STDERR_FILENO) != 0, plainInterval: Double = 30,
                output: FileHandle = .standardError) {
        self.isEnabled = enabled
        self.isTerminal = isTerminal
        self.plainInterval = plainInterval
        self.output = output
    }

    /// "1:05:03", "4:07", "12s".
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%d:%02d", s / 60, s % 60) }
        return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }

    public func update(epoch: Int, epochs: Int, batch: Int, batches: Int, loss: Double, error: Double,
                       imagesPerSecond: Double, secondsLeft: Double) {
        guard isEnabled else { return }
        let now = Date().timeIntervalSince(start)
        let interval = isTerminal ? 0.1 : plainInterval
        guard now - lastDraw >= interval || batch == batches else { return }
        lastDraw = now
        let line = String(format: "epoch %d/%d  batch %d/%d  loss %.4f  error %.2f%%  %.0f images/s  %@ left",
                          epoch, epochs, batch, batches, loss, 100 * error, imagesPerSecond,
                          Self.duration(secondsLeft))
        write(isTerminal ? "\r\u{1B}[K" + line : line + "\n")
    }

    /// Any progress line (e.g. data preparation's), redrawn as ``update`` is; `final` always shows.
    public func status(_ line: String, final: Bool = false) {
        guard isEnabled else { return }
        let now = Date().timeIntervalSince(start)
        guard now - lastDraw >= (isTerminal ? 0.1 : plainInterval) || final else { return }
        lastDraw = now
        write(isTerminal ? "\r\u{1B}[K" + line + (final ? "\n" : "") : line + "\n")
    }

    /// A line that stays: the end of an epoch, a message.
    public func log(_ line: String) {
        guard isEnabled else { return }
        write(isTerminal ? "\r\u{1B}[K" + line + "\n" : line + "\n")
    }

    private func write(_ text: String) {
        output.write(Data(text.utf8))
    }
}
